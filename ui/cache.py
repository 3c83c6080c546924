"""Every `st.cache_*` of the app, and nothing else.

Artifacts are cached with `st.cache_resource` keyed by the resolved version folder: every session shares one
read-only copy of the models and card (load_version holds no customer or transaction frame: pages ask the engine),
and a retrain creates a new version folder, so the cache key changes and nobody sees stale models. Callers must
never mutate what they get. Every other entry is keyed by that version folder too (and the filters where they
matter); arguments starting with '_' are not hashed.

`per_query` asks the engine (core.analysis.sql: DuckDB over the version's Parquet files) and caches the small
result per (dataset version, filters, function, params), so the server need not hold every customer in memory
(issue 10); a cache hit costs a few milliseconds. Segment movement's two populations live in the engine too
(cached_period, per_pair).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd
import streamlit as st

from core.analysis.filters import FilterOptions, Filters
from core.analysis.sql.movement import Population, period_population
from core.analysis.sql.options import filter_options as query_filter_options
from core.analysis.sql.source import VersionSource, open_version
from core.auth import SignInThrottle
from core.pipeline.models import Models
from core.pipeline.persistence import Artifacts, load_artifacts
from core.pipeline.segment import SegmentModel
from core.scoring.batch import score_upload

T = TypeVar("T")


@st.cache_resource(show_spinner="Loading models…", max_entries=4)
def load_version(version: str) -> Artifacts:
    """Load one version folder (checked: writer, library versions, checksums) without its customers and
    transactions: the models, the card and the quality report, shared by all sessions. Pages ask the engine
    (cached_source, per_query) for everything about customers, so the server holds no frame of them (issue 10).
    """
    return load_artifacts(Path(version), tables=False)


@st.cache_resource(max_entries=4, show_spinner=False)
def cached_source(version: str, segment_names: tuple[str, ...]) -> VersionSource:
    """The engine's read-only views over one verified version folder's Parquet files, shared by all sessions."""
    return open_version(Path(version), segment_names)


@st.cache_resource(max_entries=4, show_spinner=False)
def cached_query_options(version: str, segment_names: tuple[str, ...]) -> FilterOptions:
    """Widget choices and bounds of one dataset version, read by the engine (equal to filters.filter_options')."""
    return query_filter_options(cached_source(version, segment_names))


def source_of(artifacts: Artifacts) -> VersionSource:
    """The shared engine source of a loaded version (cached_source of its folder and segment names)."""
    return cached_source(str(artifacts.folder), tuple(artifacts.card.params.segment_names))


@st.cache_data(max_entries=256, show_spinner="Summarising the selected customers…")
def _queried(version: str, filters: Filters, name: str, params: tuple, _func: Callable[..., T], _source) -> T:
    """The result of _func(_source, filters, **params), once per dataset version, filters, function and params."""
    return _func(_source, filters, **dict(params))


def per_query(artifacts: Artifacts, filters: Filters, func: Callable[..., T], **params: Any) -> T:
    """func(source, filters, **params) answered by the engine (core.analysis.sql), cached per version and filters."""
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


# Segment movement: each period re-scored by the engine into a working table of the version's source (the cached
# Population is its recipe, so a dropped table is made again); the comparisons are keyed by what names both sides.
@st.cache_data(max_entries=16, show_spinner="Re-scoring the period with the saved model…")
def cached_period(
    version: str, filters: Filters, start: date, end: date, _source: VersionSource, _model: SegmentModel
) -> Population:
    """The sidebar selection's customers active between two dates, features recomputed, the saved model's segment."""
    return period_population(_source, filters, start, end, _model)


@st.cache_data(max_entries=128, show_spinner="Comparing the two populations…")
def _paired(key: tuple, name: str, params: tuple, _func: Callable[..., T], _source, _a, _b) -> T:
    """The result of _func(_source, _a, _b, **params), once per pair of populations (`key`), function and params."""
    return _func(_source, _a, _b, **dict(params))


def per_pair(artifacts: Artifacts, a: Population, b: Population, func: Callable[..., T], **params: Any) -> T:
    """func(source, a, b, **params) answered by the engine (core.analysis.sql.movement), cached per version and
    pair of populations; `params` must be hashable."""
    name = f"{func.__module__}.{func.__qualname__}"
    key = (str(artifacts.folder), a.relation, b.relation)
    return _paired(key, name, tuple(sorted(params.items())), func, source_of(artifacts), a, b)
