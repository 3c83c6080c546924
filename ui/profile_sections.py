"""Two sections of the Segment profiles page: a persona card per segment, and one segment's customer list."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.analysis.filters import Filters
from core.analysis.sampling import sample_customers
from core.analysis.segments import segment_names
from core.analysis.selection import customers_in_segment
from core.config import LIST_ROWS
from core.pipeline.persistence import Artifacts
from core.present.figures import segment_colour_map
from core.present.insights import describe_personas
from core.present.markdown import bold_lead
from ui.cache import per_view
from ui.exports import list_download, segment_filters
from ui.tables import show_customers
from ui.widgets import sample_note, segment_heading


def personas_section(
    artifacts: Artifacts, filters: Filters, view: pd.DataFrame, profile: pd.DataFrame, timing: pd.DataFrame
) -> None:
    """One card per segment with its persona, in the segment's colour."""
    personas = per_view(artifacts, filters, describe_personas, view, artifacts.customers, profile, timing)
    colours = segment_colour_map(segment_names(view))
    for col, (segment, persona) in zip(st.columns(len(personas)), personas.items(), strict=True):
        with col.container(border=True):
            segment_heading(segment, list(colours))
            st.markdown(bold_lead(persona))
    st.caption("Compared with the typical customer of the whole bank (medians), whatever the filters.")


def customer_list_section(artifacts: Artifacts, filters: Filters, view: pd.DataFrame, profile: pd.DataFrame) -> None:
    """Pick a segment: a sample of its customers in the view, and the download of all of them."""
    st.subheader("Customer lists")
    segment = st.selectbox(
        "Segment",
        [str(s) for s in profile["segment"]],
        key="profile_list_segment",
        width=320,
        help="Customers of this segment who match the sidebar filters.",
    )
    members = customers_in_segment(view, segment)
    preview = sample_customers(members, LIST_ROWS)
    show_customers(preview)
    sample_note(len(preview), len(members))
    list_download(
        artifacts,
        segment_filters(filters, segment),
        members,
        f"customers_{segment}",
        key="profile_download",
        label=f"Download all {len(members):,} {segment} customers",
    )
