"""The Segment map's view controls, kept in the URL and from page to page (ui.sidebar.page_setting), and the
customers of a region drawn on it (engine queries: counted, sampled for the list, streamed for the download)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.analysis.filters import Filters
from core.analysis.region import MapAxes, Region, describe_region_counts
from core.analysis.sql.region import region_counts, region_customers, region_predicate, sample_region
from core.config import LIST_ROWS, MAP_POINTS, STREAM_DOWNLOAD_ROWS
from core.pipeline.features import FEATURES, MONEY_FEATURES, NUMERIC_FEATURES, feature_label
from core.pipeline.persistence import Artifacts
from core.present.markdown import escape_markdown
from ui.cache import per_query, source_of
from ui.exports import route_enabled, stream_download
from ui.sidebar import keep_page_setting, page_setting
from ui.tables import show_customers
from ui.widgets import EXCEL_OFFERED_ROWS, download_csv, sample_note

LOG_HELP = "Equal steps are equal multiples (₹10 → ₹100 → ₹1,000): best for money, which spans eight powers of ten."
VIEWS = {"features": "Two features", "pca2": "Main directions (2-D)", "pca3": "Main directions (3-D)"}


def _kept(name: str, default: str, allowed) -> str:
    """A kept setting if it is still a valid choice, else the default."""
    value = page_setting(name, default)
    return value if value in allowed else default


def map_mode() -> str:
    """The view picker: two features, or the main directions in 2-D or 3-D."""
    mode = st.segmented_control(
        "View",
        list(VIEWS),
        format_func=VIEWS.get,
        default=_kept("map", "features", VIEWS),
        required=True,
        key="map_mode",
        help="Two features you choose, or the directions along which customers differ most (principal components "
        "of all features).",
    )
    keep_page_setting("map", mode)
    return mode


def _axis(column, label: str, name: str, default: str) -> tuple[str, bool]:
    """One axis: a feature and a log toggle (the toggle's kept value only applies to the feature it was set for)."""
    kept = _kept(name, default, NUMERIC_FEATURES)
    feature = column.selectbox(
        label, NUMERIC_FEATURES, NUMERIC_FEATURES.index(kept), format_func=feature_label, key=f"map_{name}"
    )
    log_default = feature in MONEY_FEATURES
    if feature == kept:
        log_default = _kept(f"log_{name}", str(log_default), ("True", "False")) == "True"
    log = column.toggle("Log scale", log_default, key=f"map_log_{name}_{feature}", help=LOG_HELP)
    keep_page_setting(name, feature)
    keep_page_setting(f"log_{name}", log)
    return feature, log


def feature_axes() -> MapAxes:
    """The two feature pickers with their log toggles, and a caption describing both features."""
    left, right = st.columns(2)
    x, log_x = _axis(left, "Horizontal axis", "x", "balance")
    y, log_y = _axis(right, "Vertical axis", "y", "mean_amount")
    st.caption(
        f"**{FEATURES[x].label}**: {FEATURES[x].description} **{FEATURES[y].label}**: "
        f"{FEATURES[y].description} Crosses mark each segment's median customer."
    )
    return MapAxes(x, y, log_x, log_y)


def show_region(artifacts: Artifacts, filters: Filters, axes: MapAxes, region: Region, drawn: int) -> None:
    """Every customer of the view inside the drawn region: the count per segment (a query), a sample of them,
    and the download of all of them (streamed from disk by the engine when the list is long)."""
    where = dict(axes=axes, region=region, sample_size=MAP_POINTS)
    counts = per_query(artifacts, filters, region_counts, **where)
    total = int(counts.sum())
    st.subheader("Selected customers")
    st.markdown(escape_markdown(describe_region_counts(counts, drawn, region)))
    if not total:
        st.stop()
    preview = per_query(artifacts, filters, sample_region, n=LIST_ROWS, **where)
    show_customers(preview)
    sample_note(len(preview), total)
    # As for a saved audience: up to the Excel limit, the CSV and Excel buttons (the list built from the engine when
    # clicked); beyond it the engine streams the CSV from disk.
    if route_enabled() and total > max(STREAM_DOWNLOAD_ROWS, EXCEL_OFFERED_ROWS):
        clause = region_predicate(source_of(artifacts), filters, axes, region, MAP_POINTS)
        stream_download(artifacts, filters, "customers_selected", "map_download_stream", clause, total)
        return

    def every_customer() -> pd.DataFrame:  # built only when the button is clicked
        return region_customers(source_of(artifacts), filters, axes, region, MAP_POINTS)

    label = f"Download selected customers ({total:,})"
    download_csv(every_customer, "customers_selected", filters, key="map_download", label=label, rows=total)
