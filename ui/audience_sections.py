"""The Audiences page's lower half: one saved audience (download, delete) and the overlap of several.

Sizes and overlaps are counted by the engine (core.analysis.sql.audiences); a saved audience's list is the
sidebar-free Filters(audience=...) view, streamed from disk when long.
"""

from __future__ import annotations

import streamlit as st

from core.analysis.filters import Filters
from core.analysis.overlap import MAX_SETS, intersections_from_counts, overlap_from_counts
from core.analysis.sql.audiences import combination_counts
from core.analysis.sql.export import read_customers
from core.config import STREAM_DOWNLOAD_ROWS
from core.pipeline.persistence import Artifacts
from core.present.audience_charts import upset_chart
from core.present.markdown import escape_markdown
from ui.audiences import forget_deleted
from ui.cache import per_query, source_of
from ui.exports import route_enabled, stream_download
from ui.widgets import EXCEL_OFFERED_ROWS, download_csv


def manage_saved(store, artifacts: Artifacts, rules: dict[str, str], sizes: dict[str, int | None]) -> None:
    """Pick a saved audience: download its customers, or delete it for everyone after confirmation."""
    names = list(rules)
    forget_deleted("audience_picked", names)
    picked = st.selectbox("Audience", names, key="audience_picked")
    size = sizes[picked]
    if size is not None:
        members = Filters(audience=(picked, rules[picked]))
        # Up to EXCEL_OFFERED_ROWS the CSV and Excel buttons (the list built from the engine when clicked) keep the
        # workbook on offer; longer audiences stream from disk, where Excel is not offered anyway.
        if route_enabled() and size > max(STREAM_DOWNLOAD_ROWS, EXCEL_OFFERED_ROWS):
            stream_download(artifacts, members, f"audience_{picked}", key="audience_download_stream")
        else:
            download_csv(
                lambda: read_customers(source_of(artifacts), members),  # built only when clicked
                f"audience_{picked}",
                None,
                key="audience_download",
                label=f"Download its {size:,} customers",
                rows=size,
            )
    confirm = st.checkbox(
        f"Yes, delete the audience '{escape_markdown(picked)}' for everyone", key="audience_confirm_delete"
    )
    if st.button("Delete audience", disabled=not confirm, key="audience_delete"):
        try:
            store.delete(picked)
        except ValueError as exc:
            st.error(f"Not deleted: {escape_markdown(exc)}")
        else:
            st.session_state.pop("audience_confirm_delete", None)
            st.rerun()


def overlap_section(artifacts: Artifacts, rules: dict[str, str], sizes: dict[str, int | None]) -> None:
    """How two to five saved audiences overlap: a matrix of shared counts and an UpSet-style chart."""
    st.subheader("Overlap")
    usable = [n for n in rules if sizes[n] is not None]
    forget_deleted("audience_overlap", usable)
    chosen = st.multiselect(
        f"Audiences to compare (2 to {MAX_SETS})", usable, usable[:2], max_selections=MAX_SETS, key="audience_overlap"
    )
    if len(chosen) < 2:
        st.info("Pick at least two audiences to see how they overlap.")
        return
    counts = per_query(artifacts, Filters(), combination_counts, rules=tuple(rules[n] for n in chosen))
    st.dataframe(
        overlap_from_counts(chosen, counts),
        column_config={n: st.column_config.NumberColumn(format="%,d") for n in chosen},
    )
    st.caption("Customers in both audiences of each pair; the diagonal is each audience's size.")
    st.plotly_chart(upset_chart(intersections_from_counts(chosen, counts), chosen))
