"""The sidebar navigation, drawn by the app so page links carry the active filters in their URL.

Streamlit's automatic page list drops the query string when switching pages, which would lose the filters;
`st.page_link(query_params=...)` keeps them, so a filtered view survives page switches and bookmarks.
"""

from __future__ import annotations

import streamlit as st

from ui.state import NAV_KEY

# (script, label, icon, the question the page answers)
PAGES: tuple[tuple[str, str, str, str], ...] = (
    ("Home.py", "Home", ":material/home:", "Who are our customers and in which budget segment?"),
    (
        "pages/1_Explore_data.py",
        "Explore data",
        ":material/query_stats:",
        "What does the data look like, and what was fixed when it was cleaned?",
    ),
    (
        "pages/2_Segment_map.py",
        "Segment map",
        ":material/scatter_plot:",
        "Where do customers sit on any two features, and who is in a group I select?",
    ),
    (
        "pages/3_Segment_profiles.py",
        "Segment profiles",
        ":material/groups:",
        "What sets each segment apart, and who is in it?",
    ),
    (
        "pages/4_Customer_lookup.py",
        "Customer lookup",
        ":material/person_search:",
        "Which segment is this customer in, and why?",
    ),
    (
        "pages/5_What_if.py",
        "What-if",
        ":material/tune:",
        "Which segment would a customer with these numbers fall in? What would move them up?",
    ),
    (
        "pages/6_Model_quality.py",
        "Model quality",
        ":material/verified:",
        "How well separated are the segments, and how far can the classifiers be trusted?",
    ),
    ("pages/8_Compare.py", "Compare", ":material/compare_arrows:", "How do two groups of customers differ?"),
    (
        "pages/9_Audiences.py",
        "Audiences",
        ":material/campaign:",
        "Who should get this campaign? Build, save and compare audiences.",
    ),
    (
        "pages/10_Segment_movement.py",
        "Segment movement",
        ":material/swap_vert:",
        "Who moved up or down between two periods, and what drifted?",
    ),
    ("pages/7_Data.py", "Data", ":material/upload_file:", "Which data is shown, and how do I bring my own?"),
)


def reserve_navigation() -> None:
    """Keep a place at the top of the sidebar; the links are drawn once the filters are known."""
    st.session_state[NAV_KEY] = st.sidebar.container()


def draw_navigation(query: dict[str, str]) -> None:
    """Page links that carry the given query string (the active filters and dataset)."""
    place = st.session_state.get(NAV_KEY) or st.sidebar
    with place:
        for script, label, icon, _question in PAGES:
            st.page_link(script, label=label, icon=icon, query_params=query)
        st.divider()


def page_directory() -> None:
    """The Home page's list of pages with the question each answers (links keep the filters)."""
    query = st.query_params.to_dict()  # the sidebar has just written the filters there
    for script, label, icon, question in PAGES[1:]:
        st.page_link(script, label=f"**{label}** — {question}", icon=icon, query_params=query)
