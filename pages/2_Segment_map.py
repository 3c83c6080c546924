"""Segment map: customers as points on any two features or the main directions of variation; select a group."""

import streamlit as st

from core.analysis.profiles import segment_centroids
from core.analysis.projection import pca_projection
from core.analysis.region import PCA_AXES, customers_in_region, describe_region, region_from_selection
from core.analysis.sampling import sample_customers
from core.config import LIST_ROWS, MAP_POINTS
from core.present.markdown import escape_markdown
from core.present.scatter import segment_scatter, selected_customer_ids
from core.present.segment_map import pca_scatter, pca_scatter_3d
from ui.cache import per_view
from ui.map_view import feature_axes, map_mode
from ui.page import open_page
from ui.sidebar import sidebar_filters
from ui.tables import show_customers
from ui.widgets import download_csv, sample_note, stop_if_empty

st.set_page_config(page_title="Segment map · Segment Studio", page_icon="assets/icon.svg", layout="wide")
artifacts = open_page("Segment map", "Where do customers sit on any two features, and who is in a group I select?")
filters, view = sidebar_filters(artifacts)
stop_if_empty(view)

mode = map_mode()
sample = sample_customers(view, MAP_POINTS)

if mode == "features":
    axes = feature_axes()
    x, y, log_x, log_y = axes.x, axes.y, axes.log_x, axes.log_y
    figure = segment_scatter(sample, x, y, log_x, log_y, centroids=segment_centroids(view, [x, y]))
else:
    axes = PCA_AXES
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
region = region_from_selection(event.selection)
if region.is_empty:
    st.info(
        "To see who is in a group, drag a box (or draw a lasso: pick the tool at the top right of the chart) "
        "around the points. Every customer inside is listed, not only the points drawn. Double-click the chart to "
        "clear the selection.",
        icon=":material/select:",
    )
    st.stop()

selected = per_view(artifacts, filters, customers_in_region, view, axes=axes, region=region, sample_size=MAP_POINTS)
st.subheader("Selected customers")
st.markdown(escape_markdown(describe_region(selected, len(selected_customer_ids(event.selection.points)), region)))
if selected.empty:
    st.stop()
preview = sample_customers(selected, LIST_ROWS)
show_customers(preview)
sample_note(len(preview), len(selected))
download_csv(
    selected,
    "customers_selected",
    filters,
    key="map_download",
    label=f"Download selected customers ({len(selected):,})",
)
