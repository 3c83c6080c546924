"""The presentation vocabulary (no streamlit): one format per feature kind, one header per column, number words.

Charts (hover text), tables (st.column_config formats, in ui.tables), customer lists, downloads and sentences
all read these, so a feature looks the same wherever it is shown.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from core.pipeline.features import FEATURES, feature_label

GENDER_LABELS = {"M": "Male", "F": "Female", "other": "Other", "unknown": "Unknown"}  # the one map of gender codes


@dataclass(frozen=True)
class KindFormat:
    """How one kind of feature is shown: in a table, in hover text, and rounded in lists and downloads."""

    table: str | None  # st.column_config number format (sprintf-js; ',' adds thousands separators); None: text
    hover: str  # one value in plotly hover text, as a Python format of `v`
    decimals: int | None = None  # rounding in customer lists and downloads; None keeps the value


KIND_FORMATS: dict[str, KindFormat] = {
    "money": KindFormat("₹%,.0f", "₹{v:,.0f}", 2),
    "count": KindFormat("%,d", "{v:,.0f}"),
    "days": KindFormat("%,d", "{v:,.0f} days"),
    "hour": KindFormat("%.1f", "{v:.1f}", 1),
    "share": KindFormat("percent", "{v:.0%}", 3),
    "years": KindFormat("%d", "{v:.0f}"),
    "category": KindFormat(None, "{v}"),
}
OTHER_FORMAT = KindFormat("%.2f", "{v:,.2f}")  # columns outside the catalogue

# Readable headers of the columns that are not catalogue features (those use feature_label).
HEADERS: dict[str, str] = {
    "CustomerID": "Customer ID",
    "segment": "Segment",
    "first_date": "First transaction",
    "last_date": "Last transaction",
    "in_filters": "Matches filters",
    "stands_out": "Stands out",
    "agreement": "Classifier agrees",
    "closest_other": "Next closest segment",
    "boundary": "Boundary",
    "borderline": "Borderline",
}


def feature_kind(name: str) -> str:
    """The feature's kind from the catalogue ('' for anything not in it)."""
    return FEATURES[name].kind if name in FEATURES else ""


def kind_format(name: str) -> KindFormat:
    """The format of a column by its feature kind (OTHER_FORMAT outside the catalogue)."""
    return KIND_FORMATS.get(feature_kind(name), OTHER_FORMAT)


def header(name: str) -> str:
    """The readable header of a column: 'Customer ID', 'Account balance (INR)', 'Probability High', ..."""
    if name in HEADERS:
        return HEADERS[name]
    if name.startswith("p_"):
        return f"Classifier probability {name[2:]}"
    if name.startswith("distance_"):
        return f"Distance to {name[9:]} centre"
    return feature_label(name)


def is_missing(value: object) -> bool:
    """True for None, NaN and pandas' NA."""
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def format_inr(value: float | None, decimals: int = 0) -> str:
    """Rupees with thousands separators, e.g. '₹1,234,567' (and '-₹50'); '–' for a missing value."""
    if is_missing(value) or not math.isfinite(float(value)):
        return "–"
    sign = "-" if value < 0 else ""
    return f"{sign}₹{abs(float(value)):,.{decimals}f}"


def format_inr_short(value: float | None) -> str:
    """Large rupee amounts in the Indian units a bank's team reads: '₹8,834 Cr', '₹12.5 lakh'; small ones in full."""
    if is_missing(value) or not math.isfinite(float(value)):
        return "–"
    amount = abs(float(value))
    sign = "-" if value < 0 else ""
    if amount >= 1e7:
        return f"{sign}₹{amount / 1e7:,.0f} Cr" if amount >= 1e9 else f"{sign}₹{amount / 1e7:,.1f} Cr"
    if amount >= 1e5:
        return f"{sign}₹{amount / 1e5:,.1f} lakh"
    return format_inr(value)


def format_inr_tick(value: float) -> str:
    """An axis tick in rupees: '₹500', '₹10,000', '₹1 lakh', '₹2.5 lakh', '₹1 Cr', '₹100 Cr' (no trailing .0)."""
    amount, sign = abs(float(value)), "-" if value < 0 else ""
    if amount >= 1e7:
        return f"{sign}₹{amount / 1e7:,.4g} Cr"
    if amount >= 1e5:
        return f"{sign}₹{amount / 1e5:,.4g} lakh"
    return format_inr(value)


def format_count(value: float | None) -> str:
    """A whole number with thousands separators, e.g. '884,000'; '–' when missing."""
    return "–" if is_missing(value) else f"{float(value):,.0f}"


def format_share(value: float | None, decimals: int = 0) -> str:
    """A 0-1 share as a percentage, e.g. '78%'; '–' when missing."""
    return "–" if is_missing(value) else f"{float(value):.{decimals}%}"


def format_bytes(size_bytes: int) -> str:
    """A file size as a marketer reads it: '812.4 MB', '3.40 GB' (never below '0.1 MB')."""
    return f"{size_bytes / 1e9:.2f} GB" if size_bytes >= 1e9 else f"{max(size_bytes / 1e6, 0.1):,.1f} MB"


def format_ratio(value: float) -> str:
    """A multiple such as '9.2×' (whole numbers from 10× up, so '14×' rather than '14.3×')."""
    return f"{value:.0f}×" if value >= 10 else f"{value:.1f}×"


def gender_label(code: object) -> str:
    """'Male' for 'M', 'Female' for 'F', ...; an unknown code as it is."""
    return GENDER_LABELS.get(str(code), str(code))


def gender_word(code: object) -> str:
    """The gender in a sentence: 'male', 'female', 'other', 'unknown gender'."""
    if code == "unknown":
        return "unknown gender"
    return GENDER_LABELS[code].lower() if code in GENDER_LABELS else str(code)


def format_value(name: str, value: object) -> str:
    """A feature value as a marketer reads it: '₹14,065', '₹12.5 lakh', '3', '51 days', '18:00', '25%', '35 years'.

    Money from 1 lakh up reads in lakh and crore (format_inr_short); tables of numbers keep exact rupees.
    """
    kind = feature_kind(name)
    if kind == "category":
        if value is None or pd.isna(value):
            return "–"
        return gender_label(value) if name == "gender" else str(value)
    try:
        number = float(value)
    except (TypeError, ValueError):
        return "–"
    if not math.isfinite(number):
        return "–"
    if kind == "money":
        return format_inr_short(number)
    if kind == "share":
        return format_share(number)
    if kind == "days":
        return f"{number:,.0f} day" + ("" if round(number) == 1 else "s")
    if kind == "hour":
        minutes = int(round(number * 60)) % (24 * 60)
        return f"{minutes // 60:02d}:{minutes % 60:02d}"
    if kind == "years":
        return f"{number:.0f} years"
    return format_count(number)
