"""Scoring customers with the fitted models: segment, probabilities, distances, explanations, what-if moves."""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.pipeline.features import FEATURES, NUMERIC_FEATURES
from core.pipeline.models import Models


def prepare_features(models: Models, frame: pd.DataFrame) -> pd.DataFrame:
    """Customer rows with every model feature present (absent ones missing), numbers as floats."""
    out = pd.DataFrame(index=frame.index)
    for name in FEATURES:
        if name in frame:
            out[name] = frame[name]
        else:
            out[name] = "unknown" if name == "gender" else "UNKNOWN" if name == "location" else np.nan
    for name in NUMERIC_FEATURES:
        out[name] = pd.to_numeric(out[name], errors="coerce").astype("float64")
    return out


def score_customers(models: Models, frame: pd.DataFrame) -> pd.DataFrame:
    """Segment (exact K-Means), classifier probabilities and distance to each segment centre, per row."""
    X = prepare_features(models, frame)
    names = list(models.segment_names)
    empty = X.empty  # scikit-learn refuses zero rows; an empty input gives an empty (typed) output
    ranks = np.zeros(0, dtype="int64") if empty else models.segment.assign_ranks(X)
    out = pd.DataFrame(index=frame.index)
    out["segment"] = pd.Categorical.from_codes(ranks, categories=names, ordered=True)
    proba = (
        np.zeros((0, len(names)))
        if empty
        else _class_probabilities(models.full, X[list(models.full_features)], len(names))
    )
    for i, name in enumerate(names):
        out[f"p_{name}"] = proba[:, i]
    dist = np.zeros((0, len(names))) if empty else models.segment.distances(X)
    for i, name in enumerate(names):
        out[f"distance_{name}"] = dist[:, i]
    return out


def predict_prospect(models: Models, frame: pd.DataFrame) -> pd.DataFrame:
    """Prospect-model probabilities per segment, from demographic and timing fields only."""
    X = prepare_features(models, frame)[list(models.prospect_features)]
    names = list(models.segment_names)
    proba = _class_probabilities(models.prospect, X, len(names))
    out = pd.DataFrame({f"p_{n}": proba[:, i] for i, n in enumerate(names)}, index=frame.index)
    out.insert(
        0,
        "predicted_segment",
        pd.Categorical([names[i] for i in np.argmax(out.to_numpy(), axis=1)], categories=names, ordered=True),
    )
    return out


def _class_probabilities(pipeline, X: pd.DataFrame, k: int) -> np.ndarray:
    """Probabilities for every segment rank 0..k-1 (a rank absent from training gets 0)."""
    proba = pipeline.predict_proba(X)
    out = np.zeros((len(X), k))
    out[:, np.asarray(pipeline.classes_, dtype="int64")] = proba
    return out


def segment_probabilities(scored: pd.Series, names: tuple[str, ...] | list[str]) -> dict[str, float]:
    """The p_<segment> values of one scored row as {segment: probability}, in segment order."""
    return {name: float(scored[f"p_{name}"]) for name in names}
