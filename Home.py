"""Home: the headline numbers of the customer base and its budget segments, and a map of the app.

The numbers are engine queries over the dataset's Parquet files (core.analysis.sql).
"""

import streamlit as st

from core.analysis.sql.aggregates import summarise_segments
from core.present.formats import format_count, format_inr, format_inr_short, format_share
from core.present.markdown import escape_markdown
from core.present.model_report import card_warnings
from core.present.narrative import (
    describe_median_method,
    describe_model_age,
    describe_segment_quality,
    describe_source,
)
from core.scoring.definitions import SEGMENTS_EXPLAINED, definition_texts
from ui.auth import sign_in_mode
from ui.cache import per_query
from ui.navigation import page_directory
from ui.page import open_page
from ui.sidebar import sidebar_query_filters
from ui.state import active_dataset_name
from ui.widgets import kpi_row, segment_cards, stop_if_empty

st.set_page_config(page_title="Segment Studio", page_icon="assets/icon.svg", layout="wide")
artifacts = open_page("Customer segments", "Who are our customers, in which budget segment, and how do they bank?")
filters, matching = sidebar_query_filters(artifacts)
stop_if_empty(matching)

summary, profile = per_query(artifacts, filters, summarise_segments)
kpi_row(
    [
        ("Customers", format_count(summary["n_customers"]), "Customers matching the filters."),
        ("Transactions", format_count(summary["n_transactions"]), "Transactions of those customers."),
        (
            "Total balance",
            format_inr_short(summary["total_balance"]),
            f"Sum of the latest account balance of each customer: {format_inr(summary['total_balance'])} "
            "(1 crore = 10 million, 1 lakh = 100,000).",
        ),
        (
            "Repeat customers",
            format_share(1 - summary["share_single_transaction"], 1),
            "Share of customers with more than one transaction.",
        ),
    ]
)
st.caption(
    f"Data from {summary['date_min']:%d %b %Y} to {summary['date_max']:%d %b %Y} · "
    f"{describe_model_age(artifacts.card)} · "
    + escape_markdown(describe_source(artifacts.card.source, active_dataset_name()))
    + "".join(f" · {note}" for note in [describe_median_method(summary["quantiles"])] if note)
)

st.subheader("Segments")
segment_cards(profile, definition_texts(artifacts.models))
st.caption(SEGMENTS_EXPLAINED)
st.info(describe_segment_quality(artifacts.quality.segmentation), icon=":material/insights:")
for warning in card_warnings(artifacts.card):
    st.warning(escape_markdown(warning), icon=":material/warning:")

st.subheader("What each page answers")
page_directory()

if sign_in_mode() == "open":
    st.caption(
        "Sign-in is not configured: the app is open to anyone who can reach it, which is meant for "
        "localhost. See the README to turn on sign-in."
    )
