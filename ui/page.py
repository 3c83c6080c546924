"""The opening every page shares: sign-in, logo, title with the question the page answers, the dataset."""

from __future__ import annotations

import streamlit as st

from core.config import ROOT
from core.persistence import Artifacts
from ui.auth import require_sign_in
from ui.cache import DATASET_KEY, active_dataset_name, available_datasets, get_artifacts
from ui.navigation import reserve_navigation

LOGO = ROOT / "assets" / "logo.svg"
ICON = ROOT / "assets" / "icon.svg"
PENDING_KEY = "pending_dataset"


def open_page(title: str, question: str) -> Artifacts:
    """Sign in if required, show the title and question, pick the dataset, return its artifacts."""
    require_sign_in()
    st.logo(str(LOGO), icon_image=str(ICON), size="large")
    reserve_navigation()
    st.title(title)
    st.caption(question)
    artifacts = get_artifacts()
    dataset_picker()
    return artifacts


def switch_dataset(name: str) -> None:
    """Make a dataset active from the next rerun on (the picker widget can't be changed once drawn)."""
    st.session_state[PENDING_KEY] = name


def dataset_picker() -> None:
    """Sidebar switch between trained datasets; the choice lives in the URL so views can be shared."""
    if PENDING_KEY in st.session_state:
        st.session_state[DATASET_KEY] = st.session_state.pop(PENDING_KEY)
    names = [d["name"] for d in available_datasets()]
    if len(names) > 1:
        if st.session_state.get(DATASET_KEY) not in names:
            st.session_state[DATASET_KEY] = active_dataset_name()
        st.sidebar.selectbox("Dataset", names, key=DATASET_KEY, persist_state="session",
                             help="Datasets trained from the Data page; 'default' is the built-in generated data.")
        st.query_params[DATASET_KEY] = st.session_state[DATASET_KEY]
