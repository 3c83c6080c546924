"""Looking customers up by ID: one summary row per customer, the details of one, and readable score tables.

The summary row holds what a marketer asks about a customer: the segment, how sure the classifier is
(p_<segment>), how close the customer sits to each segment's centre (distance_<segment>, in the
budget-score units K-Means works in), the nearest other segment, whether the customer sits on the boundary
with it (`borderline`, and in words `boundary`: "borderline between Medium and High": that centre is at most 10%
further than their own), what
stands out, and whether the customer matches the sidebar filters (a lookup searches the whole base). An ID
shared by several people (core.pipeline.persons) finds each of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from core.analysis.filters import Filters, customer_mask
from core.analysis.sql.lookup import find_customers, rows_matching
from core.analysis.sql.source import VersionSource
from core.config import MAX_ID_OPTIONS, MAX_LOOKUP
from core.pipeline.features import FEATURES
from core.pipeline.link import ids_in
from core.pipeline.models import Models
from core.pipeline.persons import PERSON_SEPARATOR, original_id
from core.pipeline.segment import nearest_two
from core.present.formats import (
    HEADERS,
    format_value,
    gender_label,
    header,
    kind_format,
)
from core.scoring.explain import describe_standouts, explain_customer
from core.scoring.score import score_customers

KEY_FEATURES: tuple[str, ...] = (
    "balance",
    "mean_amount",
    "total_amount",
    "n_transactions",
    "recency_days",
    "age",
    "gender",
    "location",
)


@dataclass
class Lookup:
    """The result of looking up a list of IDs."""

    table: pd.DataFrame  # one row per customer found, in the order asked
    unknown: list[str] = field(default_factory=list)  # IDs not in the data, as typed
    skipped: int = 0  # IDs beyond MAX_LOOKUP, not looked up

    @property
    def outside_filters(self) -> list[str]:
        """IDs of found customers that the sidebar filters exclude."""
        return self.table.loc[~self.table["in_filters"], "CustomerID"].astype(str).tolist()


def id_options(view: pd.DataFrame, limit: int = MAX_ID_OPTIONS) -> list[str]:
    """IDs to offer in the picker: the first `limit` customers of the (filtered) view, in ID order."""
    return view["CustomerID"].iloc[:limit].astype(str).tolist()


def look_up_customers(
    models: Models,
    customers: pd.DataFrame,
    ids: list[str],
    filters: Filters | None = None,
    transactions: pd.DataFrame | None = None,
    limit: int = MAX_LOOKUP,
) -> Lookup:
    """Find the IDs in the whole base and describe each customer found (see the module docstring)."""
    unique = list(dict.fromkeys(i.strip() for i in ids if i and i.strip()))
    found, unknown = lookup_customers(customers, unique[:limit])
    in_filters = customer_mask(found, filters, transactions) if filters and filters.is_active else True
    return describe_found(models, found, unknown, in_filters, max(len(unique) - limit, 0))


def look_up_in_source(
    models: Models,
    source: VersionSource,
    ids: list[str],
    filters: Filters,
    limit: int = MAX_LOOKUP,
) -> Lookup:
    """look_up_customers answered by the engine: the IDs found through the sorted customers Parquet (row-group
    statistics prune the scan), whether each matches the filters by one more query on just those rows."""
    unique = list(dict.fromkeys(i.strip() for i in ids if i and i.strip()))
    found, unknown = find_customers(source, unique[:limit])
    in_filters = True
    if filters.is_active:
        in_filters = found.index.isin(rows_matching(source, filters, found["CustomerID"].astype(str).tolist()))
    return describe_found(models, found, unknown, in_filters, max(len(unique) - limit, 0))


def describe_found(models: Models, found: pd.DataFrame, unknown: list[str], in_filters, skipped: int) -> Lookup:
    """The Lookup of the customers found: scores, distances, the nearest other segment, what stands out."""
    names = list(models.segment_names)
    scored = score_customers(models, found).drop(columns="segment")
    distances = scored[[f"distance_{n}" for n in names]].to_numpy()
    second, borderline = nearest_two(distances)
    closest_other = [names[i] for i in second] if len(names) > 1 else [None] * len(found)
    boundary = [
        f"borderline between {' and '.join(sorted((str(own), other), key=names.index))}" if edge else ""
        for own, other, edge in zip(found["segment"], closest_other, borderline, strict=True)
    ]
    extra = pd.DataFrame(
        {
            "in_filters": in_filters,
            "stands_out": describe_standouts(models, found),
            "closest_other": closest_other,
            "borderline": borderline,
            "boundary": boundary,
        },
        index=found.index,
    )
    ordered = ["CustomerID", "segment", *[c for c in found.columns if c not in ("CustomerID", "segment")]]
    table = pd.concat([found[ordered], extra, scored], axis=1).reset_index(drop=True)
    own = np.array([names.index(str(s)) for s in table["segment"]], dtype=np.int64)
    probabilities = table[[f"p_{n}" for n in names]].to_numpy()
    table.insert(table.columns.get_loc("stands_out") + 1, "agreement", probabilities[np.arange(len(table)), own])
    return Lookup(table, unknown, skipped)


def reason_table(models: Models, row: pd.Series) -> pd.DataFrame:
    """Why one customer is in their segment, ready to show: the features that decide it first, then what else
    stands out; feature, this customer, typical customer, vs typical (words), decides the segment."""
    reasons = explain_customer(models, row, top=4)
    return pd.DataFrame(
        {
            "Feature": [FEATURES[f].label for f in reasons["feature"]],
            "This customer": [format_value(f, v) for f, v in zip(reasons["feature"], reasons["value"], strict=True)],
            "Typical customer": [
                format_value(f, v) for f, v in zip(reasons["feature"], reasons["base_median"], strict=True)
            ],
            "vs typical": reasons["difference"].tolist(),
            "Decides the segment": reasons["drives_segment"].tolist(),
        }
    )


def segment_fit_table(row: pd.Series, names: list[str] | tuple[str, ...]) -> pd.DataFrame:
    """Per segment, for one scored customer: the classifier's probability and the distance to the centre."""
    return pd.DataFrame(
        {
            "Segment": list(names),
            "Probability": [float(row[f"p_{n}"]) for n in names],
            "Distance to centre": [float(row[f"distance_{n}"]) for n in names],
        }
    )


def scores_table(frame: pd.DataFrame) -> pd.DataFrame:
    """A scored table for download: readable headers, features rounded by kind, probabilities to 3, distances to 2.

    Columns the app does not know (extra columns of an uploaded file) are kept as they are.
    """
    out = frame.copy(deep=False)
    rename = {}
    for column in out.columns:
        name = str(column)
        if name in FEATURES:
            decimals = kind_format(name).decimals
            if decimals is not None:
                out[column] = pd.to_numeric(out[column], errors="coerce").round(decimals)
            elif name == "gender":
                out[column] = out[column].map(lambda v: gender_label(v) if pd.notna(v) else v)
        elif name.startswith(("p_", "distance_")):
            out[column] = out[column].astype("float64").round(3 if name.startswith("p_") else 2)
        elif name not in HEADERS:
            continue
        rename[column] = header(name)
    return out.rename(columns=rename)


def describe_scored(scored: pd.DataFrame, names: list[str] | tuple[str, ...]) -> str:
    """'1,204 customers scored: 400 Low, 604 Medium, 200 High.' plus the features the file lacked, if any."""
    counts = scored["segment"].astype(str).value_counts()
    text = (
        f"{len(scored):,} customer{'s' if len(scored) != 1 else ''} scored: "
        + ", ".join(f"{int(counts.get(n, 0)):,} {n}" for n in names)
        + "."
    )
    missing = scored.attrs.get("missing_features") or []
    withheld = scored.attrs.get("probabilities_withheld") or []
    if withheld:
        text += (
            " The segment is exact (K-Means on balance and average transaction). The classifier's "
            "probabilities are left out: the file lacks "
            + ", ".join(FEATURES[f].label.lower() for f in withheld)
            + ", which the classifier uses."
        )
    elif missing:
        text += " Not in the file, so scored as unknown: " + ", ".join(FEATURES[f].label for f in missing) + "."
    return text


def lookup_customers(customers: pd.DataFrame, ids: list[str]) -> tuple[pd.DataFrame, list[str]]:
    """Rows for the requested customer IDs (order kept, duplicates removed, any letter case) and the unknown IDs.

    An ID shared by several people (core.pipeline.persons) finds every person behind it: 'C1' finds 'C1' and
    'C1#2'; a person key such as 'C1#2' finds that person only. Scans the ID column once against the few
    requested IDs (a pyarrow hash join: a few ms on 884k customers).
    """
    wanted = list(dict.fromkeys(i.strip() for i in ids if i and i.strip()))
    if not wanted:
        return customers.iloc[[]], []
    keys = customers["CustomerID"].astype(str)
    variants = list(dict.fromkeys(v for w in wanted for v in (w, w.upper(), w.lower())))
    hits = ids_in(keys, variants)
    split = np.flatnonzero(keys.str.contains(PERSON_SEPARATOR, regex=False).to_numpy(dtype=bool))
    originals = pd.Series(keys.to_numpy(), index=keys.index)
    if len(split):
        originals.iloc[split] = original_id(keys.iloc[split]).astype(str).to_numpy()
        hits[split] |= ids_in(originals.iloc[split], variants)
    rows = np.flatnonzero(hits)
    positions: dict[str, list[int]] = {}
    for r, key, base in zip(rows, keys.iloc[rows], originals.iloc[rows], strict=True):
        for name in dict.fromkeys((key.upper(), base.upper())):
            positions.setdefault(name, []).append(int(r))
    order: list[int] = []
    seen: set[int] = set()
    unknown = []
    for w in wanted:
        found = positions.get(w.upper())
        if not found:
            unknown.append(w)
            continue
        for p in found:
            if p not in seen:
                seen.add(p)
                order.append(p)
    return customers.iloc[order], unknown


def parse_id_list(text: str) -> list[str]:
    """Customer IDs pasted as text: separated by commas, semicolons, spaces, tabs or new lines."""
    return [t for t in re.split(r"[,;\s]+", text or "") if t]
