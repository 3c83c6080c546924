"""The Audiences page's lower half: one saved audience (download, delete) and the overlap of several."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from core.analysis.overlap import MAX_SETS, intersections, overlap_matrix
from core.present.audience_charts import upset_chart
from core.present.markdown import escape_markdown
from ui.audiences import forget_deleted
from ui.widgets import download_csv


def manage_saved(store, customers: pd.DataFrame, names: list[str], masks: dict[str, np.ndarray | None]) -> None:
    """Pick a saved audience: download its customers, or delete it for everyone after confirmation."""
    forget_deleted("audience_picked", names)
    picked = st.selectbox("Audience", names, key="audience_picked")
    if masks[picked] is not None:
        members = customers[masks[picked]]
        download_csv(
            members,
            f"audience_{picked}",
            None,
            key="audience_download",
            label=f"Download its {len(members):,} customers",
        )
    confirm = st.checkbox(f"Yes, delete the audience '{picked}' for everyone", key="audience_confirm_delete")
    if st.button("Delete audience", disabled=not confirm, key="audience_delete"):
        try:
            store.delete(picked)
        except ValueError as exc:
            st.error(f"Not deleted: {escape_markdown(exc)}")
        else:
            st.session_state.pop("audience_confirm_delete", None)
            st.rerun()


def overlap_section(names: list[str], masks: dict[str, np.ndarray | None]) -> None:
    """How two to five saved audiences overlap: a matrix of shared counts and an UpSet-style chart."""
    st.subheader("Overlap")
    usable = [n for n in names if masks[n] is not None]
    forget_deleted("audience_overlap", usable)
    chosen = st.multiselect(
        f"Audiences to compare (2 to {MAX_SETS})", usable, usable[:2], max_selections=MAX_SETS, key="audience_overlap"
    )
    if len(chosen) < 2:
        st.info("Pick at least two audiences to see how they overlap.")
        return
    picked_masks = {n: masks[n] for n in chosen}
    st.dataframe(
        overlap_matrix(picked_masks), column_config={n: st.column_config.NumberColumn(format="%,d") for n in chosen}
    )
    st.caption("Customers in both audiences of each pair; the diagonal is each audience's size.")
    st.plotly_chart(upset_chart(intersections(picked_masks), chosen))
