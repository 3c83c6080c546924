"""Session and URL keys, and the active dataset: the bottom ui layer (imports no other ui module).

Every `st.session_state` / `st.query_params` key the shared ui code uses is named here, so two modules
cannot pick the same key by accident.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from core.config import DATASETS_DIR, DEFAULT_DATASET
from core.pipeline.persistence import list_datasets

DATASET_KEY = "dataset"  # the URL parameter
ACTIVE_KEY = "active_dataset"  # session state: not a widget key, so it survives page switches
PICKER_KEY = "dataset_picker"  # the sidebar's dataset selectbox
NAV_KEY = "_navigation_container"  # the sidebar place the page links are drawn into
SIGNED_IN_KEY = "signed_in_with_password"
SEEDED_KEY = "_filters_seeded_for_version"  # the dataset version whose URL filters seeded the widgets
KEPT_KEY = "_filter_values"  # the filter values kept from page to page
FILTER_KEYS = (  # the filter widgets
    "segment",
    "gender",
    "age",
    "age_unknown",
    "age_unknown_narrowed",
    "balance",
    "location",
    "dates",
    "rfm",
    "audience",
)
LINK_NOTES_KEY = "_link_notes"  # (filters read from the link, notes on the values that could not be used)
LOCATION_MATCH_KEY = "location_match"  # the text of the sidebar's "add all matching locations"
PAGE_SETTINGS_KEY = "_page_settings"  # page choices kept in the URL and from page to page (the map's axes...)
PAGE_SETTING_NAMES = ("map", "x", "y", "log_x", "log_y")  # URL parameters of those choices


def dataset_folder(name: str) -> Path:
    """Folder of a named dataset."""
    return DATASETS_DIR / name


def available_datasets() -> list[dict]:
    """Trained datasets, default first."""
    return list_datasets(DATASETS_DIR)


def active_dataset_name() -> str:
    """The session's dataset (first taken from the URL, then chosen in the sidebar), falling back to the default."""
    names = [d["name"] for d in available_datasets()]
    chosen = st.session_state.get(ACTIVE_KEY) or st.query_params.get(DATASET_KEY) or DEFAULT_DATASET
    return chosen if chosen in names else (DEFAULT_DATASET if DEFAULT_DATASET in names or not names else names[0])
