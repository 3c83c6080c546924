"""Segment movement: who moved between segments from one period, or one scored dataset, to another, and what drifted."""

import streamlit as st

from core.analysis.drift import BINNING_NOTE, drift_summary
from core.analysis.movement import counts_from_matrix, largest_move, matrix_long, members_table, row_shares
from core.analysis.sql.movement import cell_members, transition_matrix, write_cell_csv
from core.analysis.sql.movement_drift import drift_edges_method, drift_table, segment_share_psi
from core.config import MOVEMENT_LIST_ROWS, STREAM_DOWNLOAD_ROWS
from core.pipeline.features import CATEGORICAL_FEATURES, NUMERIC_FEATURES
from core.present.formats import format_count
from core.present.markdown import bullet_list, escape_markdown
from core.present.movement_charts import (
    cell_description,
    drift_bar,
    movement_sankey,
    movement_sentences,
    transition_heatmap,
)
from core.present.narrative import describe_drift_edges
from ui.cache import per_pair, source_of
from ui.exports import route_enabled, stream_file_download
from ui.movement import movement_inputs
from ui.page import open_page
from ui.sidebar import sidebar_query_filters
from ui.widgets import EXCEL_OFFERED_ROWS, download_csv, kpi_row

MEMBER_FEATURES = ("n_transactions", "mean_amount", "total_amount", "balance")
TABS = ("From → to", "The customers of one cell", "Drift")

st.set_page_config(page_title="Segment movement · Segment Studio", page_icon="assets/icon.svg", layout="wide")
artifacts = open_page("Segment movement", "Who moved up or down between two periods, or two scored datasets?")
filters, _ = sidebar_query_filters(artifacts)
names = tuple(artifacts.models.segment_names)
features = tuple(f for f in (*NUMERIC_FEATURES, *CATEGORICAL_FEATURES) if f not in artifacts.models.unavailable)

a, b, labels = movement_inputs(artifacts, filters)

matrix = per_pair(artifacts, a, b, transition_matrix, names=names)
counts = counts_from_matrix(matrix, names)
kpi_row(
    [
        ("Moved up", format_count(counts.up), "Customers in both whose segment is higher in B."),
        ("Moved down", format_count(counts.down), "Customers in both whose segment is lower in B."),
        ("Unchanged", format_count(counts.unchanged), "Customers in both, in the same segment."),
        ("New", format_count(counts.new), "Customers in B only (no transaction in A)."),
        ("Gone", format_count(counts.gone), "Customers in A only (no transaction in B)."),
    ]
)
st.markdown(bullet_list(movement_sentences(counts, labels)))

# Only the open tab runs (on_change="rerun"): the cell's list and the drift are not computed until asked for.
matrix_tab, cell_tab, drift_tab = st.tabs(TABS, key="movement_tab", on_change="rerun")
with matrix_tab:
    if matrix_tab.open:
        st.plotly_chart(transition_heatmap(matrix, row_shares(matrix), names, labels))
        download_csv(
            matrix_long(matrix, names), "movement_matrix", filters, key="movement_matrix_csv", as_customers=False
        )
        st.plotly_chart(movement_sankey(matrix, names, labels))

with cell_tab:
    if cell_tab.open:
        start_row, start_col = largest_move(matrix, names)
        left, right = st.columns(2)
        rows, cols = [str(v) for v in matrix.index], [str(v) for v in matrix.columns]
        src = left.selectbox("From", rows, rows.index(start_row), key="movement_cell_from")
        dst = right.selectbox("To", cols, cols.index(start_col), key="movement_cell_to")
        size = int(matrix.loc[src, dst])
        cell = {"names": names, "from_state": src, "to_state": dst, "features": MEMBER_FEATURES}
        shown = per_pair(artifacts, a, b, cell_members, **cell, limit=MOVEMENT_LIST_ROWS)
        st.markdown(f"**{format_count(size)}** customers {escape_markdown(cell_description(src, dst, names, labels))}.")
        st.dataframe(members_table(shown, src, dst, MEMBER_FEATURES, labels), hide_index=True)
        if size > len(shown):
            st.caption(f"The first {len(shown):,} of them by customer ID; the download has all {size:,}.")
        base = f"movement_{src}_to_{dst}"
        if route_enabled() and size > max(STREAM_DOWNLOAD_ROWS, EXCEL_OFFERED_ROWS):
            source = source_of(artifacts)
            stream_file_download(
                "movement_cell_stream",
                (str(artifacts.folder), a.relation, b.relation, src, dst),
                size,
                filters,
                base,
                lambda path: write_cell_csv(source, a, b, names, src, dst, MEMBER_FEATURES, labels, path),
            )
        else:

            def every_member():  # built only when clicked, not cached
                return members_table(
                    cell_members(source_of(artifacts), a, b, **cell), src, dst, MEMBER_FEATURES, labels
                )

            download_csv(every_member, base, filters, key="movement_cell_csv", as_customers=False, rows=size)

with drift_tab:
    if drift_tab.open:
        drift = per_pair(artifacts, a, b, drift_table, features=features)
        share_psi = per_pair(artifacts, a, b, segment_share_psi, names=names)
        st.markdown(bullet_list(drift_summary(drift, share_psi)))
        st.plotly_chart(drift_bar(drift, share_psi, labels))
        psi_format = {"PSI": st.column_config.NumberColumn(format="%.3f")}
        st.dataframe(drift.drop(columns="feature"), hide_index=True, column_config=psi_format)
        edges_note = describe_drift_edges(per_pair(artifacts, a, b, drift_edges_method))
        st.caption(" ".join(note for note in (BINNING_NOTE, edges_note) if note))
