"""One customer is one person: an ID whose rows disagree on birth date or gender is several people.

In the public dataset some CustomerIDs are reused: in the first 20,000 real rows 63 IDs appear twice, and 62 of
them have a different birth date on the two rows (35 a different gender), with unrelated balances. Adding up
their transactions would describe nobody. So a customer here is a *person*: CustomerID + birth date + gender as
written in the file. The first person of an ID (in file order) keeps the ID; the others get "ID#2", "ID#3", so
every existing key stays as it was and the original ID is the part before '#'. Looking an ID up finds every
person behind it. Location and balance may change between a person's transactions and don't split anyone.

The split runs on the raw text before cleaning, so it is the same for every cleaning engine.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from core.pipeline.quality import QualityReport

PERSON_SEPARATOR = "#"
PERSON_ATTRIBUTES = ("CustomerDOB", "CustGender")


def _normalised(values: pd.Series) -> np.ndarray:
    """Codes of a person attribute, equal for text that differs only in spaces, case or leading zeros ('01/2' = '1/2').

    Normalises the distinct values only (a few thousand birth dates), then maps them back to the rows.
    """
    encoded = pa.array(values.astype("string"), type=pa.large_string()).dictionary_encode()
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    text = pd.Series(encoded.dictionary.to_pylist(), dtype="string").str.strip().str.lower()
    text = text.str.replace(r"(?<!\d)0+(\d)", r"\1", regex=True).replace({"nan": "", "none": "", "null": ""})
    same, _ = pd.factorize(text.fillna(""))
    codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    return np.where(codes >= 0, np.append(same, -1)[codes], -1)


def _id_codes(ids: pd.Series) -> tuple[np.ndarray, pa.Array]:
    """Stripped IDs as integer codes (-1 where missing) and the distinct IDs they point into (Arrow hashing)."""
    encoded = pc.utf8_trim_whitespace(pa.array(ids.astype("string"), type=pa.large_string())).dictionary_encode()
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    return codes, encoded.dictionary


def split_persons(raw: pd.DataFrame, report: QualityReport | None = None) -> pd.DataFrame:
    """The raw rows with CustomerID made a person key (see the module docstring); `raw` itself is not changed.

    Counts the IDs with conflicting birth dates or genders in `report`, with the rows concerned.
    """
    attributes = [c for c in PERSON_ATTRIBUTES if c in raw.columns]
    if not attributes or "CustomerID" not in raw.columns or raw.empty:
        return raw
    codes, distinct = _id_codes(raw["CustomerID"])
    counts = np.bincount(codes[codes >= 0], minlength=len(distinct))
    repeated = np.flatnonzero((codes >= 0) & (np.append(counts, 0)[codes] > 1))
    if not len(repeated):
        return raw
    sub = pd.DataFrame({"id": codes[repeated]})
    for column in attributes:
        sub[column] = _normalised(raw[column].iloc[repeated])
    # Persons of an ID numbered in order of first appearance; 0 = the first person, who keeps the ID.
    person = sub.groupby(["id", *attributes], sort=False).ngroup().to_numpy()
    pairs = pd.DataFrame({"id": sub["id"].to_numpy(), "person": person}).drop_duplicates("person")
    rank = np.empty(len(pairs), dtype=np.int64)
    rank[pairs["person"].to_numpy()] = pairs.groupby("id", sort=False).cumcount().to_numpy()
    order = rank[person]
    most = pd.Series(order).groupby(sub["id"].to_numpy()).transform("max").to_numpy()
    conflicted = most > 0
    if not conflicted.any():
        return raw
    out = raw.copy()
    later = order > 0
    ids = np.asarray(distinct.to_pylist(), dtype=object)[sub["id"].to_numpy()[later]]
    column = out.columns.get_loc("CustomerID")
    out.iloc[repeated[later], column] = [
        f"{i}{PERSON_SEPARATOR}{n + 1}" for i, n in zip(ids, order[later], strict=True)
    ]
    if report is not None:
        by_id = sub[conflicted].groupby("id")
        differ = {c: int((by_id[c].nunique() > 1).sum()) for c in attributes}
        n_ids = by_id.ngroups
        n_persons = int(pd.Series(order[conflicted]).groupby(sub["id"].to_numpy()[conflicted]).max().add(1).sum())
        what = " or ".join(
            f"{'birth dates' if c == 'CustomerDOB' else 'genders'} ({differ[c]:,} IDs)" for c in attributes
        )
        report.add(
            "CustomerID",
            f"rows of {n_ids:,} customer IDs shared by people with different {what}: each person (ID + birth date + "
            f"gender) is its own customer, {n_persons:,} in all; the second and later are written 'ID#2', 'ID#3'",
            "fixed",
            int(conflicted.sum()),
        )
    return out


def original_id(keys: pd.Series) -> pd.Series:
    """The CustomerID as written in the file: the person key without its '#n' suffix."""
    return keys.astype("string").str.replace(rf"{PERSON_SEPARATOR}\d+$", "", regex=True)


def count_excluded_customers(raw: pd.DataFrame, clean: pd.DataFrame, report: QualityReport) -> int:
    """Customers (not only rows) whose every row was excluded by cleaning, counted in `report`; returns how many.

    `raw` is the file after split_persons, `clean` the cleaned transactions (customer_id = person key).
    """
    codes, distinct = _id_codes(raw["CustomerID"])
    kept = pc.is_in(
        distinct, value_set=pa.array(pd.unique(clean["customer_id"].astype("string")), type=pa.large_string())
    )
    gone = ~kept.to_numpy(zero_copy_only=False)
    if not gone.any():
        return 0
    rows = int(np.append(gone, False)[codes].sum())
    report.add(
        "CustomerID",
        f"customers whose every row was excluded ({int(gone.sum()):,} customers, e.g. with only zero amounts): they "
        "are in no segment",
        "note",
        rows,
    )
    return int(gone.sum())
