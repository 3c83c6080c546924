"""Two sections of the Segment profiles page: a persona card per segment, and one segment's customer list.

Both are answered by the engine: the personas from the profile table and the bank's yardstick (queries), the list
as a stratified sample of the segment's customers in the view and a download of all of them.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.analysis.filters import Filters
from core.analysis.sql.aggregates import count_customers
from core.analysis.sql.export import read_customers
from core.analysis.sql.profiles import base_profile
from core.analysis.sql.sample import sample_view
from core.config import LIST_ROWS, STREAM_DOWNLOAD_ROWS
from core.pipeline.persistence import Artifacts
from core.present.figures import segment_colour_map
from core.present.insights import describe_personas
from core.present.markdown import bold_lead
from ui.cache import per_query, per_source, source_of
from ui.exports import route_enabled, segment_filters, stream_download
from ui.tables import show_customers
from ui.widgets import download_csv, sample_note, segment_heading


def personas_section(artifacts: Artifacts, profile: pd.DataFrame, timing: pd.DataFrame) -> None:
    """One card per segment with its persona, in the segment's colour."""
    reference = per_source(artifacts, base_profile)
    personas = describe_personas(profile=profile, timing=timing, reference=reference)
    colours = segment_colour_map(list(artifacts.card.params.segment_names))
    for col, (segment, persona) in zip(st.columns(len(personas)), personas.items(), strict=True):
        with col.container(border=True):
            segment_heading(segment, list(colours))
            st.markdown(bold_lead(persona))
    st.caption("Compared with the typical customer of the whole bank (medians), whatever the filters.")


def customer_list_section(artifacts: Artifacts, filters: Filters, profile: pd.DataFrame) -> None:
    """Pick a segment: a sample of its customers in the view, and the download of all of them."""
    st.subheader("Customer lists")
    segment = st.selectbox(
        "Segment",
        [str(s) for s in profile["segment"]],
        key="profile_list_segment",
        width=320,
        help="Customers of this segment who match the sidebar filters.",
    )
    members = segment_filters(filters, segment)
    total = per_query(artifacts, members, count_customers)
    preview = per_query(artifacts, members, sample_view, n=LIST_ROWS)
    show_customers(preview)
    sample_note(len(preview), total)
    if route_enabled() and total > STREAM_DOWNLOAD_ROWS:
        stream_download(artifacts, members, f"customers_{segment}", key="profile_download_stream")
        return
    download_csv(
        lambda: read_customers(source_of(artifacts), members),  # built only when clicked
        f"customers_{segment}",
        members,
        key="profile_download",
        label=f"Download all {total:,} {segment} customers",
        rows=total,
    )
