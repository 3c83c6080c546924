"""The Segment profiles button for one-page segment summaries (a zip of one PNG per segment), drawn on click from
engine queries (core.present.summary.queried_summary_figures)."""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from core.analysis.filters import Filters
from core.analysis.sql.source import VersionSource
from core.present.export import export_filename
from core.present.filter_text import describe_filters
from core.present.images import ImageRenderError, renderer_problem
from core.present.summary import queried_summary_figures, summaries_zip, summary_pngs
from ui.state import active_dataset_name, dataset_folder

ZIP_MIME = "application/zip"


def summary_context(filters: Filters) -> str:
    """The line under each summary's title: dataset, model version, filters and when it was made."""
    name = active_dataset_name()
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"Dataset {name} · model {dataset_folder(name).resolve().name} · {describe_filters(filters)} · {when}"


def build_summaries(source: VersionSource, filters: Filters) -> bytes:
    """The zip of summaries; if the browser fails after all, a zip holding README.txt that says why (no error)."""
    figures = queried_summary_figures(source, filters, summary_context(filters))
    try:
        return summaries_zip(summary_pngs(figures))
    except ImageRenderError as error:
        return summaries_zip({}, [str(error)])


def summary_button(source: VersionSource, filters: Filters) -> None:
    """A download of one-page summaries per segment, drawn only when clicked (in Streamlit's download thread,
    so the page never waits); one line saying why instead when kaleido or Chromium is missing."""
    problem = renderer_problem()
    if problem:
        st.caption(f"Segment summaries (PNG): {problem[0].lower()}{problem[1:]}")
        return
    st.download_button(
        "Segment summaries (PNG)",
        data=lambda: build_summaries(source, filters),
        file_name=export_filename("segment_summaries", filters, "zip"),
        mime=ZIP_MIME,
        key="segment_summaries",
        icon=":material/image:",
        on_click="ignore",
        help="A zip of one page per segment as a PNG: its KPIs, persona, biggest locations and four charts "
        "(compared with the average customer, gender mix, age bands, hours of transactions) beside the whole "
        "bank. Drawn when clicked, which takes a few seconds.",
    )
