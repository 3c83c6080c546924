"""Every `st.cache_*` of the app, and nothing else.

Artifacts are cached with `st.cache_resource` keyed by the resolved version folder: every session shares one
read-only copy of the models and card (load_version holds no customer frame: pages ask the engine), and a
retrain creates a new version folder, so the cache key changes and nobody sees stale models. Callers must never
mutate what they get. load_tables (Segment movement only) holds the frames of one version.
Every other entry is keyed by that version folder too (and the filters where they matter); arguments
starting with '_' are not hashed.

`per_query` asks the engine instead (core.analysis.sql: DuckDB over the version's Parquet files), cached the same
way; pages move to it so that the server need not hold every customer in memory (issue 10). `per_view` caches
the result of one core call per (dataset version, filters): both are hashable and
together they fully determine the filtered view, so the frames themselves are not hashed (hashing 884k
rows would cost more than most of the aggregations). Only pass frames that are the view or the
dataset's own customers/transactions. Measured on the 884k-customer default dataset, uncached (quiet machine;
about twice as long under load): timing_by_segment 0.25 s, transaction_activity 0.31 s, describe_personas
0.15 s, profile_segments 0.14 s, segment_insights 0.13 s, compare_to_base 0.11 s, demographic_mix 0.08 s,
feature_correlations 0.06-0.18 s. The Segment profiles page alone would need ~0.9 s (1.5 s under load) on
every rerun; a cache hit costs a few milliseconds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd
import streamlit as st

from core.analysis.drift import drift_table
from core.analysis.filters import FilterOptions, Filters, apply_filters, filter_options, unknown_age_count
from core.analysis.movement import segment_moves
from core.analysis.sql.options import filter_options as query_filter_options
from core.analysis.sql.source import VersionSource, open_version
from core.auth import SignInThrottle
from core.pipeline.link import LINK_COLUMN, link_transactions
from core.pipeline.models import Models
from core.pipeline.persistence import Artifacts, load_artifacts
from core.pipeline.rfm import RFM_COLUMNS, with_rfm
from core.scoring.batch import score_upload
from core.scoring.periods import score_period

T = TypeVar("T")


@st.cache_resource(show_spinner="Loading models…", max_entries=4)
def load_version(version: str) -> Artifacts:
    """Load one version folder (checked: writer, library versions, checksums) without its customers and
    transactions: the models, the card and the quality report, shared by all sessions. Pages ask the engine
    (cached_source, per_query) for everything about customers, so the server holds no frame of them (issue 10).
    """
    return load_artifacts(Path(version), tables=False)


@st.cache_resource(show_spinner="Loading every customer and transaction…", max_entries=2)
def load_tables(version: str) -> Artifacts:
    """The same version with its customers and transactions in memory: only for Segment movement, which re-scores
    a period's transactions with the fixed model in pandas (not yet moved to the engine).

    RFM scores and segments (core.analysis.rfm) are added to the customers here, from the saved features, so
    artifacts of any age get them. Transactions carry a link to their customer's row (saved at training; added
    here for older artifacts), which makes date filters about 5x faster on every rerun.
    """
    artifacts = load_artifacts(Path(version))
    if not all(column in artifacts.customers for column in RFM_COLUMNS):
        artifacts = replace(artifacts, customers=with_rfm(artifacts.customers))  # ~1 s on 883k customers
    if LINK_COLUMN in artifacts.transactions:
        return artifacts
    return replace(artifacts, transactions=link_transactions(artifacts.customers, artifacts.transactions))


@st.cache_resource(max_entries=4, show_spinner=False)
def cached_options(version: str, _customers: pd.DataFrame, _transactions: pd.DataFrame) -> FilterOptions:
    """Widget choices and bounds of one dataset version."""
    return filter_options(_customers, _transactions)


# Each entry can hold a large share of the 884k customers (~120 MB at most), hence a small bound.
@st.cache_resource(max_entries=8, show_spinner=False)
def cached_view(version: str, filters: Filters, _customers: pd.DataFrame, _transactions: pd.DataFrame) -> pd.DataFrame:
    """The customers matching the filters (shared, read-only)."""
    return apply_filters(_customers, filters, _transactions)


@st.cache_data(max_entries=64, show_spinner=False)
def cached_unknown_age(version: str, filters: Filters, _customers: pd.DataFrame, _transactions: pd.DataFrame) -> int:
    """How many customers of unknown age match the other filters (for the sidebar's unknown-age choice)."""
    return unknown_age_count(_customers, filters, _transactions)


@st.cache_data(max_entries=256, show_spinner="Summarising the selected customers…")
def _cached(
    version: str, filters: Filters, name: str, params: tuple, _func: Callable[..., T], _frames: tuple[pd.DataFrame, ...]
) -> T:
    """The result of _func(*_frames, **params), computed once per dataset version, filters, function and params."""
    return _func(*_frames, **dict(params))


def per_view(artifacts: Artifacts, filters: Filters, func: Callable[..., T], *frames: pd.DataFrame, **params: Any) -> T:
    """func(*frames, **params), cached per dataset version and filters; `params` must be hashable scalars."""
    name = f"{func.__module__}.{func.__qualname__}"
    if "<lambda>" in name:
        raise ValueError("per_view needs a named function: lambdas would share one cache entry")
    return _cached(str(artifacts.folder), filters, name, tuple(sorted(params.items())), func, frames)


@st.cache_resource(max_entries=4, show_spinner=False)
def cached_source(version: str, segment_names: tuple[str, ...]) -> VersionSource:
    """The engine's read-only views over one verified version folder's Parquet files, shared by all sessions."""
    return open_version(Path(version), segment_names)


@st.cache_resource(max_entries=4, show_spinner=False)
def cached_query_options(version: str, segment_names: tuple[str, ...]) -> FilterOptions:
    """Widget choices and bounds of one dataset version, read by the engine (equal to cached_options')."""
    return query_filter_options(cached_source(version, segment_names))


def source_of(artifacts: Artifacts) -> VersionSource:
    """The shared engine source of a loaded version (cached_source of its folder and segment names)."""
    return cached_source(str(artifacts.folder), tuple(artifacts.card.params.segment_names))


@st.cache_data(max_entries=256, show_spinner="Summarising the selected customers…")
def _queried(version: str, filters: Filters, name: str, params: tuple, _func: Callable[..., T], _source) -> T:
    """The result of _func(_source, filters, **params), once per dataset version, filters, function and params."""
    return _func(_source, filters, **dict(params))


def per_query(artifacts: Artifacts, filters: Filters, func: Callable[..., T], **params: Any) -> T:
    """func(source, filters, **params) answered by the engine (core.analysis.sql), cached like per_view."""
    name = f"{func.__module__}.{func.__qualname__}"
    if "<lambda>" in name:
        raise ValueError("per_query needs a named function: lambdas would share one cache entry")
    version = str(artifacts.folder)
    return _queried(version, filters, name, tuple(sorted(params.items())), func, source_of(artifacts))


@st.cache_data(max_entries=128, show_spinner=False)
def _sourced(version: str, name: str, params: tuple, _func: Callable[..., T], _source) -> T:
    """The result of _func(_source, **params), once per dataset version, function and params."""
    return _func(_source, **dict(params))


def per_source(artifacts: Artifacts, func: Callable[..., T], **params: Any) -> T:
    """func(source, **params) answered by the engine, cached per dataset version (questions without filters)."""
    name = f"{func.__module__}.{func.__qualname__}"
    return _sourced(str(artifacts.folder), name, tuple(sorted(params.items())), func, source_of(artifacts))


@st.cache_data(max_entries=4, show_spinner="Scoring the file…")
def cached_score_upload(version: str, data: bytes, name: str, _models: Models) -> pd.DataFrame:
    """Scores of an uploaded file (re-used while the same file stays uploaded, so other inputs stay fast)."""
    return score_upload(_models, data, name=name)


@st.cache_resource(show_spinner=False)
def sign_in_throttle() -> SignInThrottle:
    """The server's one record of wrong passwords (per session and per client address), shared by all sessions."""
    return SignInThrottle()


# Segment movement: each period's customers re-scored with the fixed model (about half the customers each),
# shared read-only like the views; the moves and the drift table are keyed by what determines the two populations.
@st.cache_resource(max_entries=8, show_spinner="Re-scoring the period with the saved model…")
def cached_period(
    version: str, filters: Filters, start: date, end: date, _artifacts: Artifacts, _view: pd.DataFrame
) -> pd.DataFrame:
    """The sidebar selection's customers active between two dates, features recomputed, the saved model's segment."""
    a = _artifacts
    return score_period(a.models, a.customers, a.transactions, start, end, _view.index)


@st.cache_resource(max_entries=8, show_spinner=False)
def cached_moves(key: tuple, names: tuple[str, ...], _a: pd.DataFrame, _b: pd.DataFrame) -> pd.DataFrame:
    """Who moved between two populations (`key` names them: versions, filters, periods)."""
    return segment_moves(_a, _b, names)


@st.cache_data(max_entries=8, show_spinner="Measuring drift…")
def cached_drift(key: tuple, features: tuple[str, ...], _a: pd.DataFrame, _b: pd.DataFrame) -> pd.DataFrame:
    """The population stability index of each feature between two populations (`key` names them)."""
    return drift_table(_a, _b, features)
