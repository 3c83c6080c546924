"""Small render helpers shared by the pages: KPI rows, CSV downloads, notes about samples and empty filters."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape

import pandas as pd
import streamlit as st

from core.analysis.filters import Filters
from core.analysis.profiles import format_count, format_inr, segment_names
from core.present.charts import segment_colour_map
from core.present.export import customer_table, export_filename, to_csv_bytes


def kpi_row(items: Sequence[tuple[str, str, str]]) -> None:
    """One row of KPI cards from (label, value, tooltip) triples."""
    for col, (label, value, tip) in zip(st.columns(len(items)), items, strict=True):
        col.metric(label, value, help=tip, border=True)


def build_download(frame: pd.DataFrame, as_customers: bool) -> bytes:
    """The CSV bytes of a table: readable customer columns when it is a customer list, escaped, with BOM."""
    return to_csv_bytes(customer_table(frame) if as_customers else frame)


def download_csv(
    frame: pd.DataFrame | Callable[[], pd.DataFrame],
    base: str,
    filters: Filters | None,
    key: str,
    label: str = "Download CSV",
    as_customers: bool = True,
) -> None:
    """A download button whose file is built only when clicked (Streamlit calls `data` lazily)."""

    def data() -> bytes:
        table = frame() if callable(frame) else frame
        return build_download(table, as_customers)

    st.download_button(
        label,
        data=data,
        file_name=export_filename(base, filters or Filters()),
        mime="text/csv",
        key=key,
        icon=":material/download:",
        on_click="ignore",
    )


def stop_if_empty(view: pd.DataFrame) -> None:
    """A friendly message and a clean stop when the filters match no customer."""
    if view.empty:
        st.info(
            "No customer matches these filters. Widen the ranges or clear a filter in the sidebar.",
            icon=":material/filter_alt_off:",
        )
        st.stop()


def sample_note(shown: int, total: int) -> None:
    """Say so when a chart or table shows a sample rather than everyone."""
    if shown < total:
        st.caption(
            f"Showing a stratified sample of {shown:,} of {total:,} customers (every segment kept in "
            "proportion); downloads contain everyone."
        )


def segment_cards(profile: pd.DataFrame) -> None:
    """One card per segment, in its colour: size, share, median balance and median transaction."""
    colours = segment_colour_map(segment_names(profile))  # every segment, so colours don't shift when filtering
    for col, row in zip(st.columns(len(profile)), profile.itertuples(), strict=True):
        with col.container(border=True):
            segment_heading(str(row.segment), list(colours))
            st.metric(
                "Customers",
                format_count(row.customers),
                f"{row.share:.0%} of the selection",
                delta_color="off",
                delta_arrow="off",
                help="Customers of this segment matching the filters.",
            )
            st.metric(
                "Median balance",
                format_inr(row.median_balance),
                help="Half of the segment's customers hold less than this.",
            )
            st.metric(
                "Median transaction",
                format_inr(row.median_mean_amount),
                help="Median of each customer's average transaction amount.",
            )


def segment_heading(segment: str, names: Sequence[str], prefix: str = "") -> None:
    """A line with a dot in the segment's colour and the segment name in bold (text escaped, never HTML)."""
    colour = segment_colour_map(names).get(segment, "#475569")
    st.markdown(
        f"{escape(prefix)}<span style='color:{colour};font-size:1.3rem'>●</span> **{escape(segment)}**",
        unsafe_allow_html=True,
    )
