"""The opening every page shares: sign-in, logo, title with the question the page answers, the dataset."""

from __future__ import annotations

import streamlit as st

from core.config import ROOT
from core.pipeline.persistence import Artifacts
from ui.auth import require_sign_in
from ui.bootstrap import get_artifacts
from ui.navigation import reserve_navigation
from ui.preload import preload_charts
from ui.state import ACTIVE_KEY, DATASET_KEY, PICKER_KEY, active_dataset_name, available_datasets

LOGO = ROOT / "assets" / "logo.svg"
ICON = ROOT / "assets" / "icon.svg"


def open_page(title: str, question: str) -> Artifacts:
    """Sign in if required, show the title and question, pick the dataset, return its artifacts."""
    require_sign_in()
    st.logo(str(LOGO), icon_image=str(ICON), size="large")
    reserve_navigation()
    st.title(title)
    st.caption(question)
    dataset_picker()
    preload_charts()
    return get_artifacts()


def switch_dataset(name: str) -> None:
    """Make a dataset active from the next run on (e.g. after training it)."""
    st.session_state[ACTIVE_KEY] = name
    st.session_state.pop(PICKER_KEY, None)  # the picker then starts from the new dataset


def dataset_picker() -> None:
    """Sidebar switch between trained datasets; the choice is kept for the session and written to the URL."""
    names = [d["name"] for d in available_datasets()]
    current = active_dataset_name()
    st.session_state[ACTIVE_KEY] = current
    if len(names) < 2:
        return
    picked = st.sidebar.selectbox(
        "Dataset",
        names,
        index=names.index(current),
        key=PICKER_KEY,
        help="Datasets trained from the Data page; 'default' is the built-in generated data.",
    )
    if picked != current:
        st.session_state[ACTIVE_KEY] = picked
        st.rerun()
    st.query_params[DATASET_KEY] = current
