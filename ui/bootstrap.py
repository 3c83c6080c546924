"""First start and warm-up: the active dataset's artifacts, building the default dataset when nothing is trained,
and loading the default into the shared cache when the server starts (serve.py)."""

from __future__ import annotations

import time
from datetime import date

import streamlit as st

from core.analysis.filters import Filters
from core.analysis.sql.aggregates import (
    count_customers,
    feature_maxima,
    profile_segments,
    summarise_segments,
    typical_values,
)
from core.analysis.sql.movement import transition_matrix
from core.analysis.sql.profiles import timing_by_segment
from core.analysis.sql.quantiles import prepare_sample_table, table_step
from core.analysis.sql.sample import sample_view
from core.config import (
    BACKGROUND_POINTS,
    DATASETS_DIR,
    DEFAULT_DATASET,
    DEFAULT_RAW_PATH,
    DEFAULT_ROWS,
    DEFAULT_SEED,
    MAP_POINTS,
    MOVEMENT_WARM_UP_CUSTOMERS,
    MOVEMENT_WARM_UP_PAUSE_S,
)
from core.errors import ArtifactError, DataError
from core.pipeline.persistence import Artifacts, file_lock
from core.present.markdown import escape_markdown
from core.scoring.periods import default_periods
from ui.cache import cached_period, cached_query_options, load_version, per_pair, per_query, source_of
from ui.state import active_dataset_name, available_datasets, dataset_folder
from ui.training import training_progress

# What the pages import (plotly, the chart and form modules): serve.py imports them before the server listens, so
# the first visitor doesn't pay for it.
PAGE_MODULES = ("ui.page", "ui.sidebar", "ui.widgets", "ui.tables", "ui.forms", "core.present.narrative")


def _build_default_dataset() -> None:
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


def get_artifacts() -> Artifacts:
    """The active dataset's artifacts; builds the default dataset first if nothing is trained yet."""
    if not available_datasets():
        _build_default_dataset()
    folder = dataset_folder(active_dataset_name())
    try:
        return load_version(str(folder.resolve()))
    except ArtifactError as exc:
        st.error(f"The models of this dataset can't be used: {escape_markdown(exc)}")
        st.stop()


def warm_cache(pause: float = MOVEMENT_WARM_UP_PAUSE_S) -> None:
    """Load the default dataset into the shared cache (called once at server start, outside any session).

    Nothing happens when no dataset is trained yet: the first visitor then builds it with progress shown.
    A large dataset's sample table is made `pause` seconds after Home's answers, and the other pages' first
    answers (_warm_pages), then Segment movement's periods (up to MOVEMENT_WARM_UP_CUSTOMERS), `pause` seconds
    after that, so that they do not compete with the first visitor's Home for the cores (on the default that
    competition cost Home about 2 s).
    """
    folder = dataset_folder(DEFAULT_DATASET)
    if not (folder / "model_card.json").exists():
        return
    try:
        artifacts = load_version(str(folder.resolve()))
    except ArtifactError:
        return  # the page shows the problem to the first visitor
    options = cached_query_options(str(artifacts.folder), tuple(artifacts.card.params.segment_names))
    # Home's queries for the unfiltered view, through the same shared cache the page uses; then, `pause` seconds
    # later, the sample table of a large dataset's medians (every later median of a large group reads it), so that
    # writing it does not compete with the first visitor's Home for the cores (at 10M it cost Home about 1.7 s).
    source = source_of(artifacts)
    source.defer_sample = True  # meanwhile medians read their sample from the base, and start no writer
    try:
        for question in (count_customers, summarise_segments):
            per_query(artifacts, Filters(), question)
        if table_step(source.rows) > 1:
            time.sleep(pause)
    finally:
        source.defer_sample = False
    prepare_sample_table(source)
    time.sleep(pause)
    _warm_pages(artifacts)
    if artifacts.card.rows.customers <= MOVEMENT_WARM_UP_CUSTOMERS:
        _warm_movement(artifacts, options.date_min, options.date_max)


def _warm_pages(artifacts: Artifacts) -> None:
    """The unfiltered answers that the pages after Home draw first and that no widget changes, with the pages' own
    calls and arguments, in the order of the navigation: Segment map's sample, Segment profiles' first tab, and
    What-if's prefilled median customer, input limits and background points. A first visit then finds them cached
    (at 8.5M customers they cost those pages 0.3-0.9 s of server time each)."""
    everyone = Filters()
    try:
        per_query(artifacts, everyone, sample_view, n=MAP_POINTS)
        for question in (profile_segments, timing_by_segment, typical_values, feature_maxima):
            per_query(artifacts, everyone, question)
        per_query(artifacts, everyone, sample_view, n=BACKGROUND_POINTS)
    except DataError:
        return  # the page says what is wrong with the data when it is opened; movement is still warmed


def _warm_movement(artifacts: Artifacts, first: date, last: date) -> None:
    """Segment movement's default view (both halves, no filter), re-scored and matched once, after Home's: its
    periods are the slowest first answer of any page (3-4 s at 8.5M customers), and a visitor who
    opens the page later finds them in the shared cache. The calls and arguments are the page's own."""
    version, source, model = str(artifacts.folder), source_of(artifacts), artifacts.models.segment
    try:
        a, b = (
            cached_period(version, Filters(), start, end, source, model) for start, end in default_periods(first, last)
        )
    except DataError:
        return  # the page says which period is empty
    per_pair(artifacts, a, b, transition_matrix, names=tuple(artifacts.models.segment_names))
