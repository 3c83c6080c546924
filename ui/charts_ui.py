"""Per-view caching of slow aggregations, and the customer table shown on the Segment map and Segment profiles.

`per_view` caches the result of one core call per (dataset version, filters): both are hashable and
together they fully determine the filtered view, so the frames themselves are not hashed (hashing 884k
rows would cost more than most of the aggregations). Only pass frames that are the view or the
dataset's own customers/transactions. Measured on the 884k-customer default dataset, uncached (quiet machine;
about twice as long under load): timing_by_segment 0.25 s, transaction_activity 0.31 s, describe_personas
0.15 s, profile_segments 0.14 s, segment_insights 0.13 s, compare_to_base 0.11 s, demographic_mix 0.08 s,
feature_correlations 0.06-0.18 s. The Segment profiles page alone would need ~0.9 s (1.5 s under load) on
every rerun; a cache hit costs a few milliseconds.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import pandas as pd
import streamlit as st

from core.analysis.filters import Filters
from core.pipeline.features import FEATURES, feature_label
from core.pipeline.persistence import Artifacts
from core.present.export import EXTRA_LABELS, customer_table

T = TypeVar("T")
# Display formats per feature kind (sprintf-js: ',' adds thousands separators); money in rupees.
FORMATS = {"money": "₹%,.0f", "count": "%,d", "days": "%,d", "hour": "%.1f", "share": "percent", "years": "%d"}
TABLE_HEIGHT = 320  # about ten rows: enough to check a list, the download has everyone


@st.cache_data(max_entries=256, show_spinner="Summarising the selected customers…")
def _cached(
    version: str, filters: Filters, name: str, params: tuple, _func: Callable[..., T], _frames: tuple[pd.DataFrame, ...]
) -> T:
    """The result of _func(*_frames, **params), computed once per dataset version, filters, function and params."""
    return _func(*_frames, **dict(params))


def per_view(artifacts: Artifacts, filters: Filters, func: Callable[..., T], *frames: pd.DataFrame, **params: Any) -> T:
    """func(*frames, **params), cached per dataset version and filters; `params` must be hashable scalars."""
    name = f"{func.__module__}.{func.__qualname__}"
    if "<lambda>" in name:
        raise ValueError("per_view needs a named function: lambdas would share one cache entry")
    return _cached(str(artifacts.folder), filters, name, tuple(sorted(params.items())), func, frames)


def customer_column_config() -> dict[str, Any]:
    """Column settings for present.export.customer_table: rupee and percent formats, catalogue descriptions as tips."""
    config: dict[str, Any] = {
        EXTRA_LABELS["CustomerID"]: st.column_config.TextColumn(pinned=True),
        EXTRA_LABELS["first_date"]: st.column_config.DateColumn(
            format="D MMM YYYY", help="Date of the customer's first transaction."
        ),
        EXTRA_LABELS["last_date"]: st.column_config.DateColumn(
            format="D MMM YYYY", help="Date of the customer's latest transaction."
        ),
    }
    for name, feature in FEATURES.items():
        fmt = FORMATS.get(feature.kind)
        column = st.column_config.NumberColumn if fmt else st.column_config.TextColumn
        config[feature_label(name)] = column(help=feature.description, **({"format": fmt} if fmt else {}))
    return config


def show_customers(customers: pd.DataFrame) -> None:
    """A customer list with readable headers, rupee formats and a tooltip per column (pass ≤ ~20,000 rows)."""
    st.dataframe(
        customer_table(customers),
        hide_index=True,
        column_config=customer_column_config(),
        height=TABLE_HEIGHT,
        placeholder="–",
    )
