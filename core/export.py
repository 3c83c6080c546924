"""Downloads: customer tables with readable headers, safe CSV bytes for Excel, and descriptive file names."""

from __future__ import annotations

import pandas as pd

from core.features import FEATURES, feature_label
from core.filters import Filters, filters_slug, safe_slug

# A spreadsheet runs a cell starting with one of these as a formula ("CSV injection"); see OWASP's guidance.
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
ROUNDING = {"money": 2, "share": 3, "hour": 1}  # decimals per feature kind in customer tables
EXTRA_LABELS = {"CustomerID": "Customer ID", "segment": "Segment",
                "first_date": "First transaction", "last_date": "Last transaction"}


def _is_text(column: pd.Series) -> bool:
    """True for columns that can hold text: object, string and categorical."""
    dtype = column.dtype
    return (
        pd.api.types.is_object_dtype(dtype)
        or pd.api.types.is_string_dtype(dtype)
        or isinstance(dtype, pd.CategoricalDtype)
    )


def neutralise_formulas(column: pd.Series) -> pd.Series:
    """Text values starting with = + - @ tab or CR get a leading apostrophe; numbers and missing values stay."""
    values = column.astype(object) if isinstance(column.dtype, pd.CategoricalDtype) else column
    # .str on an object column yields NaN for non-strings, so numbers stored in it are never touched.
    risky = values.str.startswith(FORMULA_PREFIXES).fillna(False).to_numpy(dtype=bool)
    if not risky.any():
        return values
    return values.where(~risky, "'" + values.astype(object).where(risky, ""))


def _safe_header(name: object) -> str:
    """A column header, neutralised like a text cell."""
    text = str(name)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV for Excel: UTF-8 with BOM, formula-like text neutralised, dates in ISO form; the input is not mutated.

    A meaningful (non-default) index is written as ordinary first column(s).
    """
    out = frame if isinstance(frame.index, pd.RangeIndex) else frame.reset_index()
    out = out.copy(deep=False)  # copy-on-write: replacing columns below never touches the caller's frame
    for i in range(out.shape[1]):
        column = out.iloc[:, i]
        if _is_text(column):
            out.isetitem(i, neutralise_formulas(column))
    out.columns = [_safe_header(c) for c in out.columns]
    # pandas writes datetimes as ISO ("2016-08-01", or "2016-08-01 14:32:07" when there is a time of day).
    text = out.to_csv(index=False, lineterminator="\r\n")
    return text.encode("utf-8-sig")


def export_filename(base: str, filters: Filters, ext: str = "csv") -> str:
    """A descriptive, filesystem-safe file name, e.g. 'customers_High_segment-High_gender-F.csv'."""
    stem = "_".join(safe_slug(part) for part in str(base).split("_") if part.strip()) or "export"
    extension = "".join(ch for ch in ext if ch.isalnum()) or "csv"
    return f"{stem}_{filters_slug(filters)}.{extension}"


def customer_table(customers: pd.DataFrame) -> pd.DataFrame:
    """Customer rows for lists and downloads: ID, segment, every feature and dates, with readable headers.

    Money is rounded to 2 decimals, shares to 3, typical hour to 1; age is a whole number (empty if unknown).
    """
    columns = [c for c in ("CustomerID", "segment", *FEATURES, "first_date", "last_date") if c in customers]
    table = customers[columns].copy(deep=False)
    for name in columns:
        kind = FEATURES[name].kind if name in FEATURES else ""
        if kind in ROUNDING:
            table[name] = table[name].astype("float64").round(ROUNDING[kind])
        elif kind == "years":
            table[name] = table[name].round().astype("Int64")
    table.columns = [EXTRA_LABELS.get(c) or feature_label(c) for c in columns]
    return table.reset_index(drop=True)
