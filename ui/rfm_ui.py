"""Segment profiles' RFM section: budget segment x RFM segment, the R x F grid, a note on degenerate scores."""

from __future__ import annotations

import streamlit as st

from core.analysis.filters import Filters
from core.analysis.rfm import frequency_note, grid_table
from core.analysis.sql.profiles import rfm_crosstab, rfm_grid, score_spreads
from core.pipeline.persistence import Artifacts
from core.present.markdown import escape_markdown
from ui.cache import per_query, per_source
from ui.widgets import download_csv


def rfm_section(artifacts: Artifacts, filters: Filters) -> None:
    """Cross-tab of budget segment x RFM segment for the view, with the scores' caveats in words (queries)."""
    st.subheader("RFM beside the budget segments")
    st.caption(
        "Recency, frequency and monetary scores from 1 to 5 are quintiles of all customers (recency reversed: the "
        "most recent get 5). Tied customers share a score. The named segment comes from the R × F grid below."
    )
    note = frequency_note(per_source(artifacts, score_spreads))
    if note:
        st.warning(escape_markdown(note), icon=":material/warning:")
    crosstab = per_query(artifacts, filters, rfm_crosstab)
    config = {c: st.column_config.NumberColumn(format="%,d") for c in crosstab.columns}
    st.dataframe(crosstab, column_config=config, key="rfm_crosstab")
    st.caption("Customers matching the filters in each budget segment (rows) and RFM segment (columns).")
    download_csv(crosstab, "budget_x_rfm", filters, key="rfm_download", label="Download CSV", as_customers=False)
    with st.expander("The R × F grid: which cell is which segment, and how many customers are in it"):
        st.dataframe(grid_table(per_source(artifacts, rfm_grid)), key="rfm_grid")
        st.caption("All customers. Rows: recency score (5 = most recent); columns: frequency score.")
