"""Looking customers up by ID: one summary row per customer, the details of one, and readable score tables.

The summary row holds what a marketer asks about a customer: the segment, how sure the classifier is
(p_<segment>), how close the customer sits to each segment's centre (distance_<segment>, in the
standardised log-money units K-Means works in), the nearest other segment, what stands out, and whether
the customer matches the sidebar filters (a lookup searches the whole base).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from core.analysis.filters import Filters, customer_mask
from core.analysis.profiles import format_count, format_inr, format_share
from core.pipeline.features import FEATURES, feature_label
from core.pipeline.models import Models
from core.scoring.score import describe_standouts, explain_customer, lookup_customers, score_customers
from core.scoring.whatif import GENDER_LABELS

MAX_LOOKUP = 5_000  # IDs looked up at once; more are reported as skipped
MAX_DETAILS = 20  # customers shown one by one below the summary table
MAX_ID_OPTIONS = 5_000  # IDs offered in the picker (the whole base would be 884k options)
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
SCORE_LABELS = {"in_filters": "Matches filters", "stands_out": "Stands out", "closest_other": "Next closest segment"}


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
    names = list(models.segment_names)
    scored = score_customers(models, found).drop(columns="segment")
    distances = scored[[f"distance_{n}" for n in names]].to_numpy()
    if len(names) > 1 and len(found):
        second = np.argsort(distances, axis=1)[:, 1]
        closest_other = [names[i] for i in second]
    else:
        closest_other = [None] * len(found)
    in_filters = customer_mask(found, filters, transactions) if filters and filters.is_active else True
    extra = pd.DataFrame(
        {"in_filters": in_filters, "stands_out": describe_standouts(models, found), "closest_other": closest_other},
        index=found.index,
    )
    ordered = ["CustomerID", "segment", *[c for c in found.columns if c not in ("CustomerID", "segment")]]
    table = pd.concat([found[ordered], extra, scored], axis=1).reset_index(drop=True)
    return Lookup(table, unknown, max(len(unique) - limit, 0))


def format_value(name: str, value: object) -> str:
    """A feature value as a marketer reads it: '₹14,065', '3', '51 days', '18:00', '25%', '35 years'."""
    kind = FEATURES[name].kind if name in FEATURES else ""
    if kind == "category":
        if value is None or pd.isna(value):
            return "–"
        return GENDER_LABELS.get(str(value), str(value)) if name == "gender" else str(value)
    try:
        number = float(value)
    except (TypeError, ValueError):
        return "–"
    if not math.isfinite(number):
        return "–"
    if kind == "money":
        return format_inr(number)
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


def reason_table(models: Models, row: pd.Series) -> pd.DataFrame:
    """What sets one customer apart, ready to show: feature, this customer, typical customer, vs typical (words)."""
    reasons = explain_customer(models, row)
    return pd.DataFrame(
        {
            "Feature": [FEATURES[f].label for f in reasons["feature"]],
            "This customer": [format_value(f, v) for f, v in zip(reasons["feature"], reasons["value"], strict=True)],
            "Typical customer": [
                format_value(f, v) for f, v in zip(reasons["feature"], reasons["base_median"], strict=True)
            ],
            "vs typical": reasons["difference"].tolist(),
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
    """A scored table for download: readable headers, money to 2 decimals, probabilities to 3, distances to 2.

    Columns the app does not know (extra columns of an uploaded file) are kept as they are.
    """
    out = frame.copy(deep=False)
    rename = {}
    for column in out.columns:
        name = str(column)
        if name in FEATURES:
            kind = FEATURES[name].kind
            if kind == "money":
                out[column] = pd.to_numeric(out[column], errors="coerce").round(2)
            elif kind == "share":
                out[column] = pd.to_numeric(out[column], errors="coerce").round(3)
            rename[column] = feature_label(name)
        elif name.startswith("p_"):
            out[column] = out[column].astype("float64").round(3)
            rename[column] = f"Probability {name[2:]}"
        elif name.startswith("distance_"):
            out[column] = out[column].astype("float64").round(2)
            rename[column] = f"Distance to {name[9:]} centre"
        elif name in SCORE_LABELS:
            rename[column] = SCORE_LABELS[name]
        elif name in ("CustomerID", "segment", "first_date", "last_date"):
            rename[column] = {
                "CustomerID": "Customer ID",
                "segment": "Segment",
                "first_date": "First transaction",
                "last_date": "Last transaction",
            }[name]
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
    if missing:
        text += " Not in the file, so scored as unknown: " + ", ".join(FEATURES[f].label for f in missing) + "."
    return text
