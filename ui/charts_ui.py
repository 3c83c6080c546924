"""The customer table shown on the Segment map and Segment profiles (readable headers, formats, tooltips)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from core.analysis.rfm import RFM_LABELS, SCORE_COLUMNS, SEGMENT_COLUMN
from core.pipeline.features import FEATURES, feature_label
from core.present.export import EXTRA_LABELS, customer_table

# Display formats per feature kind (sprintf-js: ',' adds thousands separators); money in rupees.
FORMATS = {"money": "₹%,.0f", "count": "%,d", "days": "%,d", "hour": "%.1f", "share": "percent", "years": "%d"}
TABLE_HEIGHT = 320  # about ten rows: enough to check a list, the download has everyone


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
    config[RFM_LABELS[SEGMENT_COLUMN]] = st.column_config.TextColumn(help="Named segment of the R × F grid.")
    for name in SCORE_COLUMNS:
        config[RFM_LABELS[name]] = st.column_config.NumberColumn(format="%d", help="1 (worst) to 5 (best) quintile.")
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
