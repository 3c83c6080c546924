"""Small render helpers shared by the pages: KPI rows, CSV and Excel downloads, notes on samples and empty filters,
the feature picker of the distribution charts."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from html import escape

import pandas as pd
import streamlit as st

from core.analysis.filters import Filters
from core.analysis.segments import segment_names
from core.analysis.sql.quantiles import quantile_method
from core.pipeline.features import FEATURES, MONEY_FEATURES, NUMERIC_FEATURES, feature_label
from core.pipeline.persistence import Artifacts
from core.present.excel import XLSX_MIME, to_xlsx_bytes
from core.present.export import customer_table, export_filename, to_csv_bytes
from core.present.figures import segment_colour_map
from core.present.filter_text import describe_filters
from core.present.formats import format_count, format_inr, format_inr_short
from core.present.narrative import describe_median_method
from core.present.report_pack import queried_numbers, report_pack_of
from ui.cache import cached_source, source_of
from ui.state import active_dataset_name, dataset_folder
from ui.summaries import summary_button

EXCEL_OFFERED_ROWS = 100_000


def kpi_row(items: Sequence[tuple[str, str, str]]) -> None:
    """One row of KPI cards from (label, value, tooltip) triples."""
    for col, (label, value, tip) in zip(st.columns(len(items)), items, strict=True):
        col.metric(label, value, help=tip, border=True)


def build_download(frame: pd.DataFrame, as_customers: bool) -> bytes:
    """The CSV bytes of a table: readable customer columns when it is a customer list, escaped, with BOM."""
    return to_csv_bytes(customer_table(frame) if as_customers else frame)


def export_notes(filters: Filters | None, rows: int) -> list[tuple[str, str]]:
    """The 'About' sheet of an Excel download: dataset, model version, filters, rows, when."""
    name = active_dataset_name()
    return [
        ("Dataset", name),
        ("Model version", dataset_folder(name).resolve().name),
        ("Filters", describe_filters(filters or Filters())),
        ("Rows", f"{rows:,}"),
        ("Exported (UTC)", datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")),
        ("Made by", "Segment Studio"),
    ]


def download_csv(
    frame: pd.DataFrame | Callable[[], pd.DataFrame],
    base: str,
    filters: Filters | None,
    key: str,
    label: str = "Download CSV",
    as_customers: bool = True,
    rows: int | None = None,
) -> None:
    """CSV and Excel download buttons whose files are built only when clicked (Streamlit calls `data` lazily).

    Excel is offered up to EXCEL_OFFERED_ROWS rows (pass `rows` when `frame` is a callable): xlsxwriter needs
    about 15 s per 100,000 customers, CSV about 0.2 s.
    """

    def table() -> pd.DataFrame:
        raw = frame() if callable(frame) else frame
        return customer_table(raw) if as_customers else raw

    def excel() -> bytes:
        data = table()
        return to_xlsx_bytes({base: data}, export_notes(filters, len(data)))

    name = export_filename(base, filters or Filters())
    size = len(frame) if isinstance(frame, pd.DataFrame) else rows
    row = st.container(horizontal=True, vertical_alignment="center")
    row.download_button(
        label,
        data=lambda: build_download(frame() if callable(frame) else frame, as_customers),
        file_name=name,
        mime="text/csv",
        key=key,
        icon=":material/download:",
        on_click="ignore",
    )
    if size is not None and size <= EXCEL_OFFERED_ROWS:
        row.download_button(
            "Excel",
            data=excel,
            file_name=name.rsplit(".", 1)[0] + ".xlsx",
            mime=XLSX_MIME,
            key=f"{key}_xlsx",
            icon=":material/table_view:",
            on_click="ignore",
            help="An .xlsx workbook: rupee formats, frozen header, and a sheet listing the dataset, model version "
            "and filters.",
        )
    elif size is not None:
        row.caption(f"Excel is offered up to {EXCEL_OFFERED_ROWS:,} rows; this table has {size:,}: use CSV.")


def report_pack_button(artifacts: Artifacts, filters: Filters, rows: int) -> None:
    """One click: the Segment profiles report pack (core.present.report_pack), built by queries only when clicked;
    beside it the one-page summaries per segment (ui.summaries)."""
    source = cached_source(str(artifacts.folder), tuple(artifacts.card.params.segment_names))
    row = st.container(horizontal=True, vertical_alignment="center")
    row.download_button(
        "Report pack (Excel)",
        data=lambda: report_pack_of(queried_numbers(source, filters), export_notes(filters, rows)),
        file_name=export_filename("segment_report_pack", filters, "xlsx"),
        mime=XLSX_MIME,
        key="report_pack",
        icon=":material/summarize:",
        on_click="ignore",
        help="A workbook with one sheet per table of this page (profiles, comparison, gender and age mix, top "
        "locations, timing, budget x RFM), each with its chart as a native Excel chart and the page's chart as a "
        "picture, plus the insights, personas and an About sheet (dataset, model version, filters).",
    )
    with row:
        summary_button(source, filters)


def stop_if_empty(view: pd.DataFrame | int) -> None:
    """A friendly message and a clean stop when the filters match no customer (a view, or how many match)."""
    if (view == 0) if isinstance(view, int) else view.empty:
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


def segment_cards(profile: pd.DataFrame, definitions: Mapping[str, str] | None = None) -> None:
    """One card per segment, in its colour: size, share, median balance and transaction, and its definition."""
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
                format_inr_short(row.median_balance),
                help=f"Half of the segment's customers hold less than this ({format_inr(row.median_balance)}).",
            )
            st.metric(
                "Median transaction",
                format_inr_short(row.median_mean_amount),
                help=f"Median of each customer's average transaction amount ({format_inr(row.median_mean_amount)}).",
            )
            if definitions and str(row.segment) in definitions:
                st.caption(definitions[str(row.segment)])


def segment_heading(segment: str, names: Sequence[str], prefix: str = "") -> None:
    """A line with a dot in the segment's colour and the segment name in bold (text escaped, never HTML)."""
    colour = segment_colour_map(names).get(segment, "#475569")
    st.markdown(
        f"{escape(prefix)}<span style='color:{colour};font-size:1.3rem'>●</span> **{escape(segment)}**",
        unsafe_allow_html=True,
    )


def feature_picker(key: str, log_help: str, feature_help: str | None = None):
    """A numeric feature (account balance first) and a log-scale switch, on by default for money features, with the
    feature's description below; returns (feature, log, the switch's column, for a page's own switches).

    The switch's key carries the feature, so each feature remembers its own scale.
    """
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    feature = left.selectbox(
        "Feature",
        NUMERIC_FEATURES,
        NUMERIC_FEATURES.index("balance"),
        format_func=feature_label,
        key=f"{key}_feature",
        help=feature_help,
    )
    log = right.toggle("Log scale", feature in MONEY_FEATURES, key=f"{key}_log_{feature}", help=log_help)
    st.caption(FEATURES[feature].description)
    return feature, log, right


def median_method_note(artifacts: Artifacts) -> None:
    """A caption saying how the page's medians were computed, on a dataset large enough to sample them."""
    note = describe_median_method(quantile_method(source_of(artifacts).rows))
    if note:
        st.caption(note[0].upper() + note[1:] + ".")
