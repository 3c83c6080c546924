"""Segment map: customers as points on any two features or the main directions of variation; select a group."""

import streamlit as st

from core.analysis.projection import pca_projection
from core.analysis.region import PCA_AXES, region_from_selection
from core.analysis.sql.aggregates import segment_centroids
from core.analysis.sql.sample import sample_view
from core.config import MAP_POINTS
from core.present.scatter import segment_scatter, selected_customer_ids
from core.present.segment_map import pca_scatter, pca_scatter_3d
from ui.cache import per_query
from ui.map_view import feature_axes, map_mode, show_region
from ui.page import open_page
from ui.sidebar import sidebar_query_filters
from ui.widgets import sample_note, stop_if_empty

st.set_page_config(page_title="Segment map · Segment Studio", page_icon="assets/icon.svg", layout="wide")
artifacts = open_page("Segment map", "Where do customers sit on any two features, and who is in a group I select?")
filters, matching = sidebar_query_filters(artifacts)
stop_if_empty(matching)

mode = map_mode()
sample = per_query(artifacts, filters, sample_view, n=MAP_POINTS)  # drawn by the engine, stratified by segment

if mode == "features":
    axes = feature_axes()
    x, y, log_x, log_y = axes.x, axes.y, axes.log_x, axes.log_y
    centroids = per_query(artifacts, filters, segment_centroids, features=(x, y))
    figure = segment_scatter(sample, x, y, log_x, log_y, centroids=centroids)
else:
    axes = PCA_AXES
    projected, centres, explained = pca_projection(sample, n_components=3 if mode == "pca3" else 2)
    figure = (pca_scatter if mode == "pca2" else pca_scatter_3d)(projected, centres, explained)
    st.caption(
        "Large black-edged markers show each segment's average position. Use this view to see how distinct "
        "the segments are; switch to *Two features* to read actual values."
    )

if mode == "pca3":
    sample_note(len(sample), matching)  # the 2-D charts say so in their subtitle
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

show_region(artifacts, filters, axes, region, drawn=len(selected_customer_ids(event.selection.points)))
