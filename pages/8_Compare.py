"""Compare: any two groups of customers side by side, with effect sizes and sentences computed from the numbers."""

import streamlit as st

from core.analysis.compare import default_groups, effect_display, effect_table, kpi_display
from core.analysis.sql.compare import compare_groups, group_histogram, group_labels
from core.pipeline.features import FEATURES, MONEY_FEATURES, NUMERIC_FEATURES, feature_label
from core.present.charts import segment_histogram_bars
from core.present.compare_charts import group_share_bar
from core.present.figures import group_colour_map
from core.present.markdown import bullet_list
from ui.audiences import usable_audiences
from ui.cache import per_query, per_source
from ui.page import open_page
from ui.sidebar import sidebar_query_filters
from ui.widgets import download_csv, median_method_note

st.set_page_config(page_title="Compare · Segment Studio", page_icon="assets/icon.svg", layout="wide")
artifacts = open_page("Compare", "How do two groups of customers differ, and by how much?")
filters, _ = sidebar_query_filters(artifacts)
audiences = usable_audiences(artifacts)

labels = per_source(artifacts, group_labels, audiences=tuple(audiences.items()))
first, second = default_groups(labels, filters.is_active)
left, right = st.columns(2)
a = left.selectbox(
    "Group A",
    labels,
    labels.index(first),
    key="compare_a",
    help="Segments and audiences are taken within the sidebar's selection; 'everyone else' is outside it.",
)
b = right.selectbox("Group B", labels, labels.index(second), key="compare_b")
groups = dict(a=a, b=b, audiences=tuple(audiences.items()))
result = per_query(artifacts, filters, compare_groups, **groups)  # aggregates per group, by the engine
if not result.a.customers or not result.b.customers:
    st.info(result.sentences[0], icon=":material/filter_alt_off:")
    st.stop()

st.subheader("Size and headline numbers")
median_method_note(artifacts)
st.dataframe(kpi_display(result.kpis), width="content")

st.subheader("What the numbers say")
st.markdown(bullet_list(result.sentences))

st.subheader("Differences, biggest first")
st.dataframe(
    effect_display(result.features, (a, b)),
    hide_index=True,
    placeholder="–",
    column_config={
        "Standardised mean difference": st.column_config.NumberColumn(
            format="%+.2f",
            help="Difference of the means in pooled standard deviations (money on a log scale). "
            "Below 0.2 negligible, 0.2–0.5 small, 0.5–0.8 medium, 0.8 or more large.",
        ),
    },
)
download_csv(
    effect_table(result.features, (a, b)),
    "compare",
    filters,
    key="compare_download",
    label="Download CSV",
    as_customers=False,
)

st.subheader("Distributions")
feature = st.selectbox(
    "Feature", NUMERIC_FEATURES, NUMERIC_FEATURES.index("balance"), format_func=feature_label, key="compare_feature"
)
st.caption(FEATURES[feature].description)
log = feature in MONEY_FEATURES
h = per_query(artifacts, filters, group_histogram, feature=feature, log=log, **groups)
colours = group_colour_map((a, b))  # A and B keep one colour each on every chart, never a segment's colour
st.plotly_chart(segment_histogram_bars(h.counts, h.edges, h.names, feature, log, True, h.hidden, colours, "Group"))
st.caption("Each group's bars add up to 100% of that group, so groups of different sizes compare fairly.")

st.subheader("Who they are")
left, right = st.columns(2)
left.plotly_chart(group_share_bar(result.demographics["gender"], "gender", (a, b), "Gender"))
right.plotly_chart(group_share_bar(result.demographics["age_band"], "age_band", (a, b), "Age band"))
