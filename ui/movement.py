"""The Segment movement page's inputs: two periods of the active dataset, or two datasets of the same model.

Both sides are engine populations (core.analysis.sql.movement), never frames: a period is re-scored inside the
engine, a dataset is read from its own (verified) version folder's Parquet file.
"""

from __future__ import annotations

import streamlit as st

from core.analysis.filters import Filters
from core.analysis.sql.movement import Population, dataset_population
from core.errors import ArtifactError, DataError
from core.pipeline.lineage import datasets_of_model, model_identity
from core.pipeline.persistence import Artifacts
from core.present.markdown import escape_markdown
from core.present.movement_charts import period_label
from core.scoring.periods import FIXED_MODEL_NOTE, default_periods
from ui.cache import cached_period, cached_query_options, load_version, source_of
from ui.state import active_dataset_name, dataset_folder

PERIODS, DATASETS = "Two periods of this dataset", "Two datasets scored with the same model"


def movement_inputs(artifacts: Artifacts, filters: Filters) -> tuple[Population, Population, tuple[str, str]]:
    """The two populations to compare (A, B) and their labels."""
    siblings = datasets_of_model(model_identity(artifacts.card))
    mode = st.radio("Compare", (PERIODS, DATASETS), horizontal=True, key="movement_mode")
    if mode == PERIODS:
        return _periods(artifacts, filters)
    if len(siblings) < 2:
        st.info(
            "No other dataset holds segments of this model yet. Score new transactions with it, then pick both "
            f"here: `python -m core.score --model {active_dataset_name()} --input new.csv --out "
            "data/datasets/new-month`.",
            icon=":material/info:",
        )
        st.stop()
    left, right = st.columns(2)
    here = siblings.index(active_dataset_name()) if active_dataset_name() in siblings else 0
    first_name = left.selectbox("From dataset", siblings, here, key="movement_from")
    second_name = right.selectbox("To dataset", siblings, (here + 1) % len(siblings), key="movement_to")
    st.caption(
        "Both datasets were segmented by the same saved model (never refitted); customers are matched by ID. "
        "The sidebar's filters are not applied here: each dataset is taken whole."
    )
    names = tuple(artifacts.models.segment_names)
    # Each folder is loaded (checked: signature, checksums) without its tables, then read by the engine.
    try:
        folders = [load_version(str(dataset_folder(n).resolve())).folder for n in (first_name, second_name)]
    except ArtifactError as exc:  # a folder that fails its checks is named, never read
        st.error(escape_markdown(exc), icon=":material/error:")
        st.stop()
    return dataset_population(folders[0], names), dataset_population(folders[1], names), (first_name, second_name)


def _periods(artifacts: Artifacts, filters: Filters) -> tuple[Population, Population, tuple[str, str]]:
    """Two date ranges of the active dataset, each re-scored with its fixed model (the sidebar's customers)."""
    options = cached_query_options(str(artifacts.folder), tuple(artifacts.card.params.segment_names))
    first, second = default_periods(options.date_min, options.date_max)
    left, right = st.columns(2)
    bounds = {"min_value": options.date_min, "max_value": options.date_max, "format": "DD/MM/YYYY"}
    pa = left.date_input("Period A", first, key="movement_period_a", **bounds)
    pb = right.date_input("Period B", second, key="movement_period_b", **bounds)
    if len(pa) != 2 or len(pb) != 2:
        st.info("Pick a start and an end date for both periods.", icon=":material/date_range:")
        st.stop()
    st.caption(FIXED_MODEL_NOTE + " Customers: the sidebar's selection.")
    version, source, model = str(artifacts.folder), source_of(artifacts), artifacts.models.segment
    try:
        a = cached_period(version, filters, pa[0], pa[1], source, model)
        b = cached_period(version, filters, pb[0], pb[1], source, model)
    except DataError as exc:
        st.info(escape_markdown(exc), icon=":material/event_busy:")
        st.stop()
    return a, b, (period_label(*pa), period_label(*pb))
