"""Segment movement: who moved between segments from one period, or one scored dataset, to another, and what drifted."""

import streamlit as st

from core.analysis.drift import BINNING_NOTE, drift_summary, segment_share_psi
from core.analysis.movement import (
    cell_members,
    largest_move,
    matrix_long,
    members_table,
    movement_counts,
    row_shares,
    transition_matrix,
)
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
from ui.cache import cached_drift, cached_moves, load_tables
from ui.movement import movement_inputs
from ui.page import open_page
from ui.sidebar import sidebar_filters
from ui.widgets import download_csv, kpi_row

MEMBER_FEATURES = ("n_transactions", "mean_amount", "total_amount", "balance")

st.set_page_config(page_title="Segment movement · Segment Studio", page_icon="assets/icon.svg", layout="wide")
artifacts = open_page("Segment movement", "Who moved up or down between two periods, or two scored datasets?")
artifacts = load_tables(str(artifacts.folder))  # the one page still re-scoring customers in memory
filters, view = sidebar_filters(artifacts)
names = tuple(artifacts.models.segment_names)
features = tuple(f for f in (*NUMERIC_FEATURES, *CATEGORICAL_FEATURES) if f not in artifacts.models.unavailable)

a, b, labels, key = movement_inputs(artifacts, filters, view)

moves = cached_moves(key, names, a, b)
counts = movement_counts(moves)
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

st.subheader("From → to")
matrix = transition_matrix(moves)
st.plotly_chart(transition_heatmap(matrix, row_shares(matrix), names, labels))
download_csv(matrix_long(matrix, names), "movement_matrix", filters, key="movement_matrix_csv", as_customers=False)
st.plotly_chart(movement_sankey(matrix, names, labels))

st.subheader("The customers of one cell")
start_row, start_col = largest_move(matrix, names)
left, right = st.columns(2)
rows, cols = [str(v) for v in matrix.index], [str(v) for v in matrix.columns]
src = left.selectbox("From", rows, rows.index(start_row), key="movement_cell_from")
dst = right.selectbox("To", cols, cols.index(start_col), key="movement_cell_to")
members = members_table(cell_members(moves, src, dst), a, b, MEMBER_FEATURES, labels)
st.markdown(f"**{format_count(len(members))}** customers {escape_markdown(cell_description(src, dst, names, labels))}.")
st.dataframe(members, hide_index=True)
download_csv(members, f"movement_{src}_to_{dst}", filters, key="movement_cell_csv", as_customers=False)

st.subheader("Drift")
drift = cached_drift(key, features, a, b)
share_psi = segment_share_psi(a["segment"], b["segment"], names)
st.markdown(bullet_list(drift_summary(drift, share_psi)))
st.plotly_chart(drift_bar(drift, share_psi, labels))
psi_format = {"PSI": st.column_config.NumberColumn(format="%.3f")}
st.dataframe(drift.drop(columns="feature"), hide_index=True, column_config=psi_format)
st.caption(BINNING_NOTE)
