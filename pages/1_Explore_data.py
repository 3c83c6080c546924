"""Explore data: distributions, who the customers are, when they transact, how features relate, and data quality.

Every number on this page is an engine query over the dataset's Parquet files (core.analysis.sql), not a pass
over frames held in memory.
"""

import streamlit as st

from core.analysis.sql.activity import gender_mix
from core.analysis.sql.aggregates import top_locations
from core.analysis.sql.distributions import age_distribution, correlations, segment_histogram, transaction_activity
from core.present.activity_charts import daily_activity_line, hourly_activity_line, weekday_bar
from core.present.charts import age_band_bar, correlation_heatmap, gender_mix_bar, location_bar, segment_histogram_bars
from core.present.formats import format_count
from ui.cache import per_query
from ui.page import open_page
from ui.sidebar import sidebar_query_filters
from ui.tables import show_quality_report
from ui.widgets import feature_picker, stop_if_empty

st.set_page_config(page_title="Explore data · Segment Studio", page_icon="assets/icon.svg", layout="wide")
artifacts = open_page("Explore data", "What does the data look like, and what was fixed when it was cleaned?")
filters, matching = sidebar_query_filters(artifacts)
stop_if_empty(matching)

money, people, activity, relations, quality = st.tabs(
    ["Distributions", "Customers", "Activity", "Relationships", "Data quality"], key="explore_tab", on_change="rerun"
)

if money.open:
    with money:
        feature, log, right = feature_picker(
            "hist",
            "Equal steps on the axis are equal multiples (₹100 → ₹1,000 → ₹10,000).",
            feature_help="Money features span five orders of magnitude: a log scale shows small and "
            "large customers side by side.",
        )
        shares = right.toggle(
            "Compare segment shapes",
            False,
            key="hist_shares",
            help="Each segment's bars show its own share of customers, so small segments show up.",
        )
        h = per_query(artifacts, filters, segment_histogram, feature=feature, log=log)
        st.plotly_chart(segment_histogram_bars(h.counts, h.edges, h.names, feature, log, shares, h.hidden))

if people.open:
    with people:
        left, right = st.columns(2)
        left.plotly_chart(age_band_bar(per_query(artifacts, filters, age_distribution)))
        right.plotly_chart(gender_mix_bar(per_query(artifacts, filters, gender_mix)))
        st.plotly_chart(location_bar(per_query(artifacts, filters, top_locations, n=15)))
        st.caption("Age is at the latest transaction; 'Unknown' holds placeholder, missing or implausible birth dates.")

if activity.open:
    with activity:
        act = per_query(artifacts, filters, transaction_activity)
        st.caption(
            f"{format_count(act.n_transactions)} transactions of the {format_count(matching)} customers "
            "shown, over the whole period of the data."
        )
        left, right = st.columns(2)
        left.plotly_chart(hourly_activity_line(act.hour))
        right.plotly_chart(weekday_bar(act.weekday))
        st.plotly_chart(daily_activity_line(act.daily))
        if act.empty_days:
            st.caption(
                f"{act.empty_days} of the {len(act.daily)} days have no transaction at all: where the lines "
                "drop to zero the data has a gap, these are not quiet days."
            )

if relations.open:
    with relations:
        st.plotly_chart(correlation_heatmap(per_query(artifacts, filters, correlations)), height=620)
        st.caption(
            "+1: both always rise together, -1: one rises as the other falls, 0: no relation. Rank-based, so "
            "skewed money features count fairly; estimated on up to 100,000 customers."
        )

if quality.open:
    with quality:
        show_quality_report(artifacts.quality.data)
