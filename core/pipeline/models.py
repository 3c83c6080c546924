"""The fitted models the app keeps together, reference statistics of the customer base they were fit on, and
unpickling them (also when saved under the class paths of before the package split)."""

from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline

from core.pipeline.features import MONEY_FEATURES, NUMERIC_FEATURES
from core.pipeline.segment import SegmentModel, money_scale


@dataclass
class Models:
    """Segmenter, the two classifiers and the base statistics used for explanations and what-if defaults."""

    segment: SegmentModel
    full: Pipeline
    full_features: tuple[str, ...]
    prospect: Pipeline
    prospect_features: tuple[str, ...]
    base_stats: pd.DataFrame  # index: numeric feature; columns: median, p01, p99, mean_t, std_t (t = log for money)
    locations: tuple[str, ...]  # known locations, biggest first
    unavailable: tuple[str, ...] = ()  # features the input could not provide (all missing)

    @property
    def segment_names(self) -> tuple[str, ...]:
        """Segment names in budget order."""
        return self.segment.names


def to_comparable(name: str, values: pd.Series | np.ndarray) -> np.ndarray:
    """Put a feature on the scale used to compare customers: log for money, as-is otherwise."""
    values = np.asarray(values, dtype="float64")
    return money_scale(values) if name in MONEY_FEATURES else values


def compute_base_stats(customers: pd.DataFrame) -> pd.DataFrame:
    """Median, 1st/99th percentile and mean/std on the comparison scale of every numeric feature."""
    rows = {}
    for name in NUMERIC_FEATURES:
        col = customers[name].astype("float64")
        t = to_comparable(name, col)
        rows[name] = {
            "median": float(col.median()) if col.notna().any() else np.nan,
            "p01": float(col.quantile(0.01)) if col.notna().any() else np.nan,
            "p99": float(col.quantile(0.99)) if col.notna().any() else np.nan,
            "mean_t": float(np.nanmean(t)) if np.isfinite(t).any() else np.nan,
            "std_t": float(np.nanstd(t)) if np.isfinite(t).any() else np.nan,
        }
    return pd.DataFrame.from_dict(rows, orient="index")


# Models saved before core/ was split into packages name their classes by the old flat module paths.
_LEGACY_MODULES = {
    "core.models": "core.pipeline.models",
    "core.segment": "core.pipeline.segment",
    "core.classify": "core.pipeline.classify",
    "core.features": "core.pipeline.features",
}


def load_models(path: Path) -> object:
    """Unpickle the models, resolving the class paths of models saved before the package split."""
    aliased = []
    for old, new in _LEGACY_MODULES.items():
        if old not in sys.modules:
            sys.modules[old] = importlib.import_module(new)
            aliased.append(old)
    try:
        return joblib.load(path)
    finally:
        for old in aliased:
            sys.modules.pop(old, None)
