"""Segment profiles' RFM section: budget segment x RFM segment, the R x F grid, a note on degenerate scores."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.analysis.filters import Filters
from core.analysis.rfm import frequency_note, rfm_crosstab, rfm_grid_table
from core.pipeline.persistence import Artifacts
from core.present.markdown import escape_markdown
from ui.cache import per_view
from ui.widgets import download_csv


def rfm_section(artifacts: Artifacts, filters: Filters, view: pd.DataFrame) -> None:
    """Cross-tab of budget segment x RFM segment for the view, with the scores' caveats in words."""
    if "rfm_segment" not in view:
        return
    st.subheader("RFM beside the budget segments")
    st.caption(
        "Recency, frequency and monetary scores from 1 to 5 are quintiles of all customers (recency reversed: the "
        "most recent get 5). Tied customers share a score. The named segment comes from the R × F grid below."
    )
    note = per_view(artifacts, Filters(), frequency_note, artifacts.customers)
    if note:
        st.warning(escape_markdown(note), icon=":material/warning:")
    crosstab = per_view(artifacts, filters, rfm_crosstab, view)
    config = {c: st.column_config.NumberColumn(format="%,d") for c in crosstab.columns}
    st.dataframe(crosstab, column_config=config, key="rfm_crosstab")
    st.caption("Customers matching the filters in each budget segment (rows) and RFM segment (columns).")
    download_csv(crosstab, "budget_x_rfm", filters, key="rfm_download", label="Download CSV", as_customers=False)
    with st.expander("The R × F grid: which cell is which segment, and how many customers are in it"):
        st.dataframe(per_view(artifacts, Filters(), rfm_grid_table, artifacts.customers), key="rfm_grid")
        st.caption("All customers. Rows: recency score (5 = most recent); columns: frequency score.")
