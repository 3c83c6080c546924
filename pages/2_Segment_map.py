"""Segment map: customers as points on any two features or the main directions of variation; select a group."""

import streamlit as st

from core.analysis.profiles import segment_centroids
from core.analysis.projection import pca_projection
from core.analysis.sampling import sample_customers
from core.analysis.selection import customers_by_id, describe_selection
from core.config import MAP_POINTS
from core.pipeline.features import FEATURES, MONEY_FEATURES, NUMERIC_FEATURES, feature_label
from core.present.markdown import escape_markdown
from core.present.scatter import segment_scatter, selected_customer_ids
from core.present.segment_map import pca_scatter, pca_scatter_3d
from ui.page import open_page
from ui.sidebar import sidebar_filters
from ui.tables import show_customers
from ui.widgets import download_csv, sample_note, stop_if_empty

LOG_HELP = "Equal steps are equal multiples (₹10 → ₹100 → ₹1,000): best for money, which spans eight powers of ten."
VIEWS = {"features": "Two features", "pca2": "Main directions (2-D)", "pca3": "Main directions (3-D)"}

st.set_page_config(page_title="Segment map · Segment Studio", page_icon="assets/icon.svg", layout="wide")
artifacts = open_page("Segment map", "Where do customers sit on any two features, and who is in a group I select?")
filters, view = sidebar_filters(artifacts)
stop_if_empty(view)

mode = st.segmented_control(
    "View",
    list(VIEWS),
    format_func=VIEWS.get,
    default="features",
    required=True,
    key="map_mode",
    help="Two features you choose, or the directions along which customers "
    "differ most (principal components of all features).",
)
sample = sample_customers(view, MAP_POINTS)

if mode == "features":
    left, right = st.columns(2)
    x = left.selectbox(
        "Horizontal axis", NUMERIC_FEATURES, NUMERIC_FEATURES.index("balance"), format_func=feature_label, key="map_x"
    )
    log_x = left.toggle("Log scale", x in MONEY_FEATURES, key=f"map_log_x_{x}", help=LOG_HELP)
    y = right.selectbox(
        "Vertical axis", NUMERIC_FEATURES, NUMERIC_FEATURES.index("mean_amount"), format_func=feature_label, key="map_y"
    )
    log_y = right.toggle("Log scale", y in MONEY_FEATURES, key=f"map_log_y_{y}", help=LOG_HELP)
    st.caption(
        f"**{FEATURES[x].label}**: {FEATURES[x].description} **{FEATURES[y].label}**: "
        f"{FEATURES[y].description} Crosses mark each segment's median customer."
    )
    figure = segment_scatter(sample, x, y, log_x, log_y, centroids=segment_centroids(view, [x, y]))
else:
    projected, centres, explained = pca_projection(sample, n_components=3 if mode == "pca3" else 2)
    figure = (pca_scatter if mode == "pca2" else pca_scatter_3d)(projected, centres, explained)
    st.caption(
        "Large black-edged markers show each segment's average position. Use this view to see how distinct "
        "the segments are; switch to *Two features* to read actual values."
    )

if mode == "pca3":
    sample_note(len(sample), len(view))  # the 2-D charts say so in their subtitle
    st.plotly_chart(figure, key="map3d", height=640)
    st.info("Drag to rotate. To select customers, switch to a 2-D view.", icon=":material/3d_rotation:")
    st.stop()

event = st.plotly_chart(figure, key="map", on_select="rerun", selection_mode=("box", "lasso"), height=600)
selected = customers_by_id(view, selected_customer_ids(event.selection.points))
if selected.empty:
    st.info(
        "To see who is in a group, drag a box (or draw a lasso: pick the tool at the top right of the chart) "
        "around the points. Double-click the chart to clear the selection.",
        icon=":material/select:",
    )
    st.stop()

st.subheader("Selected customers")
st.markdown(escape_markdown(describe_selection(selected)))
show_customers(selected)
download_csv(selected, "customers_selected", filters, key="map_download", label="Download selected customers")
