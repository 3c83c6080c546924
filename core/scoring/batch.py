"""Batch scoring of an uploaded file: transactions (aggregated to customers first) or a table of customer features.

Headers are recognised the way the Data page's loader recognises them (core.pipeline.load's normaliser and
synonyms), so a file the Data page accepts is scored here too."""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.config import MAX_AMOUNT_INR, MAX_BALANCE_INR, MAX_UPLOAD_ROWS, RAW_COLUMNS, REQUIRED_COLUMNS
from core.errors import DataError
from core.pipeline.clean import clean_transactions
from core.pipeline.features import FEATURES, NUMERIC_FEATURES, build_customer_features, feature_label
from core.pipeline.load import SYNONYMS, canonical_name, load_transactions, normalise_header, read_table
from core.pipeline.models import Models
from core.pipeline.persons import split_persons
from core.present.formats import GENDER_LABELS
from core.scoring.score import score_customers


def _raw_column(header: object) -> str | None:
    """The raw-schema column a header means, read as the loader reads it: its normaliser, then its synonyms."""
    target = canonical_name(header)
    if target is not None:
        return target
    key = normalise_header(header)
    return next((column for column, names in SYNONYMS.items() if key in names), None)


def _transaction_mapping(columns: list[str]) -> dict[str, str | None] | None:
    """Raw column -> header when the headers are transactions (a customer ID and a date), else None.

    'Customer ID', 'customer_id' or 'Client' are the customer column here exactly as on the Data page.
    """
    mapping: dict[str, str | None] = dict.fromkeys(RAW_COLUMNS)
    for column in columns:
        target = _raw_column(column)
        if target is not None and mapping[target] is None:
            mapping[target] = str(column)
    if mapping["CustomerID"] is None or mapping["TransactionDate"] is None:
        return None
    return mapping


def _canonical_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Recognise feature columns by name or by the app's own headers ('Account balance (INR)', 'Customer ID').

    Input columns that would clash with the scores added later (segment, p_*, distance_*) are renamed
    '<name> (from file)', so a scored download can be uploaded again.
    """
    known = {normalise_header("CustomerID"): "CustomerID"}
    for name, feature in FEATURES.items():
        for alias in (name, feature.label, feature_label(name)):
            known[normalise_header(alias)] = name
    renamed, used = {}, set()
    for column in frame.columns:
        text = str(column).strip()
        target = known.get(normalise_header(text))
        if target and target not in used:
            renamed[column] = target
            used.add(target)
        elif text.lower() == "segment" or text.startswith(("p_", "distance_")):
            renamed[column] = f"{text} (from file)"
    return frame.rename(columns=renamed)


def _feature_ceiling(name: str) -> float:
    """The largest plausible absolute value of a numeric feature (the cleaner's bounds, per customer)."""
    if name == "balance":
        return MAX_BALANCE_INR
    if name in ("mean_amount", "max_amount"):
        return MAX_AMOUNT_INR
    if name == "total_amount":
        return MAX_AMOUNT_INR * MAX_UPLOAD_ROWS
    return float(MAX_UPLOAD_ROWS)  # counts, days, hours, shares, ages: far below this when genuine


def _check_plausible(name: str, numbers: pd.Series) -> None:
    """Refuse a feature column holding infinite or implausibly large numbers ('inf', 1e200), naming a row."""
    values = numbers.to_numpy(dtype="float64")
    limit = _feature_ceiling(name)
    bad = np.isinf(values) | (np.abs(np.nan_to_num(values, posinf=0.0, neginf=0.0)) > limit)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise DataError(
            f"the column for {FEATURES[name].label.lower()} has {int(bad.sum()):,} value(s) that are infinite or "
            f"beyond ±{limit:,.0f} (e.g. {values[row]:g} in data row {row + 1:,}); fix them or leave them empty "
            "and upload again"
        )


def _score_feature_table(models: Models, frame: pd.DataFrame) -> pd.DataFrame:
    """Score a table of customer features (a batch upload) and put the results beside the input columns.

    `attrs["missing_features"]` lists the model features the table lacked (scored as unknown). A table without
    every segmentation feature is refused; without every numeric feature of the classifier it gets the exact
    segment but no probabilities (`attrs["probabilities_withheld"]` names what was missing).
    """
    frame = _canonical_columns(frame)
    usable = [c for c in models.segment.features if c in frame]
    if not usable:
        wanted = ", ".join(feature_label(f) for f in models.segment.features)
        raise DataError(
            f"the table has none of the columns needed to score customers ({wanted}), "
            "nor the transaction columns (CustomerID, TransactionDate, TransactionAmount (INR))"
        )
    if frame.empty:
        raise DataError("the table has a header but no rows: there is no customer to score")
    if "location" in frame:
        frame = frame.assign(location=frame["location"].astype("string").str.strip().str.upper())
    if "gender" in frame:  # the app's downloads say Male/Female: read them back as the model's codes
        codes = {name.casefold(): code for code, name in GENDER_LABELS.items()} | {
            c.casefold(): c for c in GENDER_LABELS
        }
        text = frame["gender"].astype("string").str.strip().str.casefold()
        frame = frame.assign(gender=text.map(lambda v: codes.get(v, "unknown") if pd.notna(v) else "unknown"))
    for name in (n for n in NUMERIC_FEATURES if n in frame):
        text = frame[name].astype("string").str.replace(r"[₹,\s]", "", regex=True)
        numbers = pd.to_numeric(text, errors="coerce")
        if name in models.segment.features and numbers.isna().all():
            raise DataError(
                f"the column for {FEATURES[name].label.lower()} has no numbers in it (first values: "
                f"{', '.join(map(str, frame[name].head(3)))}); write plain numbers, e.g. 1250.50"
            )
        _check_plausible(name, numbers.astype("float64"))
        frame = frame.assign(**{name: numbers.astype("float64")})
    _refuse_without_segment_features(models, frame)
    scored = score_customers(models, frame)
    withheld = [f for f in models.full_features if f in NUMERIC_FEATURES and f not in frame]
    if withheld:  # the classifier would be guessing from imputed medians: no probabilities rather than false ones
        scored[[c for c in scored.columns if c.startswith("p_")]] = np.nan
    out = pd.concat([frame.reset_index(drop=True), scored.reset_index(drop=True)], axis=1)
    out.attrs["missing_features"] = [f for f in FEATURES if f not in frame]
    out.attrs["probabilities_withheld"] = withheld
    return out


def _refuse_without_segment_features(models: Models, frame: pd.DataFrame) -> None:
    """Refuse a table that lacks any feature the segment is computed from, naming what it has and what it lacks."""
    missing = [f for f in models.segment.features if f not in frame]
    if not missing:
        return
    labels = [FEATURES[f].label.lower() for f in models.segment.features]
    needed = ", ".join(labels[:-1]) + " and " + labels[-1] if len(labels) > 1 else labels[0]
    found = [FEATURES[f].label.lower() for f in FEATURES if f in frame]
    columns = [str(c) for c in frame.columns if str(c) not in FEATURES]
    shown = ", ".join(f"'{c}'" for c in columns[:8]) + (f" and {len(columns) - 8} more" if len(columns) > 8 else "")
    raise DataError(
        f"the segment is computed from {needed}; this file has no column for "
        f"{' or '.join(FEATURES[f].label.lower() for f in missing)} "
        f"(it matched only {', '.join(found) or 'nothing'}"
        + (f"; its other columns are {shown}" if columns else "")
        + "). Is it a file of this bank's customers? Name the columns like the app's downloads, e.g. "
        "'Average transaction (INR)'."
    )


def score_upload(models: Models, source, name: str | None = None) -> pd.DataFrame:
    """Score an uploaded file: transactions (aggregated to customers first) or a table of customer features."""
    table = read_table(source, name=name)
    mapping = _transaction_mapping([str(c) for c in table.columns])
    if mapping is not None:
        complete = all(mapping[c] is not None for c in REQUIRED_COLUMNS)  # else the loader names what is missing
        # one customer per person, as in training (an ID shared by two people scores as ID and ID#2)
        raw = load_transactions(source, name=name, mapping=mapping if complete else None)
        clean, _ = clean_transactions(split_persons(raw))
        customers = build_customer_features(clean)
        out = pd.concat(
            [customers.reset_index(drop=True), score_customers(models, customers).reset_index(drop=True)], axis=1
        )
        out.attrs["missing_features"] = []
        out.attrs["probabilities_withheld"] = []
        return out
    return _score_feature_table(models, table)
