"""Segment profiles: what sets each segment apart from the rest of the customers, in numbers, charts and words."""

import streamlit as st

from core.analysis.sql.aggregates import profile_segments
from core.analysis.sql.profiles import compare_to_base, demographic_mix, feature_summary, timing_by_segment
from core.present.activity_charts import hourly_activity_line
from core.present.charts import (
    age_band_bar,
    feature_box_by_segment,
    gender_mix_bar,
    location_bar,
    segment_comparison_heatmap,
)
from core.present.export import chart_config
from core.present.insights import defining_insights, segment_insights
from core.present.markdown import bullet_list
from core.scoring.definitions import SEGMENTS_EXPLAINED, definition_texts
from ui.cache import per_query
from ui.page import open_page
from ui.profile_sections import customer_list_section, personas_section
from ui.rfm_ui import rfm_section
from ui.sidebar import sidebar_query_filters
from ui.widgets import (
    feature_picker,
    median_method_note,
    report_pack_button,
    segment_cards,
    stop_if_empty,
)

st.set_page_config(page_title="Segment profiles · Segment Studio", page_icon="assets/icon.svg", layout="wide")
artifacts = open_page("Segment profiles", "What sets each segment apart, and who is in it?")
filters, matching = sidebar_query_filters(artifacts)
stop_if_empty(matching)

profile = per_query(artifacts, filters, profile_segments)  # every number of this page is an engine query
segment_cards(profile, definition_texts(artifacts.models))
st.caption(SEGMENTS_EXPLAINED)
median_method_note(artifacts)
report_pack_button(artifacts, filters, matching)

st.subheader("What defines the segments")
st.caption(
    "True by construction: the segments are cut on balance and average transaction, so these differences are "
    "what the segments mean, not findings."
)
st.markdown(bullet_list(defining_insights(profile=profile)))
st.subheader("What the data says")
st.markdown(bullet_list(segment_insights(profile=profile)))

# Secondary views in tabs: only the open tab's queries run and only its charts are drawn (six plotly charts at
# once took the browser about a second to draw on a first visit).
personas, against, spread, who, when, rfm, lists = st.tabs(
    ["Personas", "Against the average", "Distributions", "Who they are", "When they transact", "RFM", "Customer lists"],
    key="profile_tab",
    on_change="rerun",
)

if personas.open:
    with personas:
        personas_section(artifacts, profile, per_query(artifacts, filters, timing_by_segment))

if against.open:
    with against:
        comparison = per_query(artifacts, filters, compare_to_base)
        st.plotly_chart(
            segment_comparison_heatmap(comparison), height=520, config=chart_config("segment_comparison", filters)
        )
        st.caption(
            "Each cell: how far the average of the segment's customers shown sits from the average customer of the "
            "whole bank, in standard deviations. ±0.5 is a clear difference, ±1 a strong one."
        )

if spread.open:
    with spread:
        feature, log, _ = feature_picker("profile", "Equal steps are equal multiples: best for money.")
        summary = per_query(artifacts, filters, feature_summary, feature=feature)
        st.plotly_chart(feature_box_by_segment(summary, log=log))

if who.open:
    with who:
        mix = per_query(artifacts, filters, demographic_mix)
        left, right = st.columns(2)
        left.plotly_chart(gender_mix_bar(mix.gender))
        right.plotly_chart(age_band_bar(mix.age_band))
        st.plotly_chart(location_bar(mix.locations), height=520)
        st.caption("The five biggest locations of each segment; bars show the share of the segment living there.")

if when.open:
    with when:
        st.plotly_chart(hourly_activity_line(per_query(artifacts, filters, timing_by_segment)))

if rfm.open:
    with rfm:
        rfm_section(artifacts, filters)

if lists.open:
    with lists:
        customer_list_section(artifacts, filters, profile)
