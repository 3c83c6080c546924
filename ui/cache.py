"""Cached access to the active dataset's artifacts, and building the default dataset on first start.

Artifacts are cached with `st.cache_resource` keyed by the resolved version folder: every session shares one
read-only copy (884,000 customers would be slow to copy per rerun), and a retrain creates a new version
folder, so the cache key changes and nobody sees stale models. Callers must never mutate what they get.
"""

from __future__ import annotations

import importlib
from dataclasses import replace
from pathlib import Path

import streamlit as st

from core.analysis.explore import LINK_COLUMN, link_transactions
from core.config import DATASETS_DIR, DEFAULT_DATASET, DEFAULT_RAW_PATH, DEFAULT_ROWS, DEFAULT_SEED
from core.errors import ArtifactError
from core.pipeline.persistence import Artifacts, file_lock, list_datasets, load_artifacts
from ui.training import training_progress

DATASET_KEY = "dataset"  # the URL parameter
ACTIVE_KEY = "active_dataset"  # session state: not a widget key, so it survives page switches


@st.cache_resource(show_spinner="Loading segments and models…", max_entries=4)
def load_version(version: str) -> Artifacts:
    """Load one version folder (checked: writer, library versions, checksums); shared by all sessions.

    Transactions carry a link to their customer's row (saved at training; added here for older artifacts),
    which makes date filters and per-segment timing about 5x faster on every rerun.
    """
    artifacts = load_artifacts(Path(version))
    if LINK_COLUMN in artifacts.transactions:
        return artifacts
    return replace(artifacts, transactions=link_transactions(artifacts.customers, artifacts.transactions))


def dataset_folder(name: str) -> Path:
    """Folder of a named dataset."""
    return DATASETS_DIR / name


def build_default_dataset() -> None:
    """Generate the default data and train on it, showing each stage in a status box."""
    from core.pipeline.synth import generate_transactions, write_transactions
    from core.pipeline.train import run_training

    st.info("First start: building the default dataset and its models. This takes about a minute, once.")
    with file_lock(DATASETS_DIR / ".build.lock"), training_progress("Building the default dataset…") as progress:
        if (dataset_folder(DEFAULT_DATASET) / "model_card.json").exists():
            return  # another session built it while this one waited for the lock
        if not DEFAULT_RAW_PATH.exists():
            st.write(f"Generating {DEFAULT_ROWS:,} realistic transactions…")
            write_transactions(generate_transactions(DEFAULT_ROWS, DEFAULT_SEED), DEFAULT_RAW_PATH)
        run_training(DEFAULT_RAW_PATH, dataset_folder(DEFAULT_DATASET), progress=progress)


def available_datasets() -> list[dict]:
    """Trained datasets, default first."""
    return list_datasets(DATASETS_DIR)


def active_dataset_name() -> str:
    """The session's dataset (first taken from the URL, then chosen in the sidebar), falling back to the default."""
    names = [d["name"] for d in available_datasets()]
    chosen = st.session_state.get(ACTIVE_KEY) or st.query_params.get(DATASET_KEY) or DEFAULT_DATASET
    return chosen if chosen in names else (DEFAULT_DATASET if DEFAULT_DATASET in names or not names else names[0])


def get_artifacts() -> Artifacts:
    """The active dataset's artifacts; builds the default dataset first if nothing is trained yet."""
    if not available_datasets():
        build_default_dataset()
    folder = dataset_folder(active_dataset_name())
    try:
        return load_version(str(folder.resolve()))
    except ArtifactError as exc:
        st.error(f"The models of this dataset can't be used: {exc}")
        st.stop()


def warm_cache() -> None:
    """Load the default dataset into the shared cache (called once at server start, outside any session).

    Nothing happens when no dataset is trained yet: the first visitor then builds it with progress shown.
    """
    # Import what the pages import (plotly, the chart and form modules): the first visitor then doesn't pay it.
    for module in ("ui.page", "ui.sidebar", "ui.widgets", "ui.charts_ui", "ui.forms", "core.present.narrative"):
        importlib.import_module(module)
    folder = dataset_folder(DEFAULT_DATASET)
    if not (folder / "model_card.json").exists():
        return
    try:
        artifacts = load_version(str(folder.resolve()))
    except ArtifactError:
        return  # the page shows the problem to the first visitor
    from core.analysis.explore import summarise_view
    from core.analysis.filters import Filters
    from core.analysis.profiles import profile_segments
    from ui.charts_ui import per_view
    from ui.sidebar import cached_options

    cached_options(str(artifacts.folder), artifacts.customers, artifacts.transactions)
    # Home's two aggregations for the unfiltered view, through the same shared cache the page uses.
    per_view(artifacts, Filters(), summarise_view, artifacts.customers, artifacts.transactions)
    per_view(artifacts, Filters(), profile_segments, artifacts.customers)
