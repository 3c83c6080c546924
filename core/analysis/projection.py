"""Projections of a customer sample onto its principal components (the Segment map's PCA view)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.analysis.segments import segment_codes, segment_column
from core.pipeline.features import MONEY_FEATURES, NUMERIC_FEATURES
from core.pipeline.segment import money_scale


@dataclass(frozen=True)
class Projection:
    """Principal components fitted on a sample: log money, median fill, standardise, then fixed-sign loadings."""

    features: tuple[str, ...]
    fill: np.ndarray  # median of each feature on the comparison scale (missing values take it)
    mean: np.ndarray
    scale: np.ndarray
    components: np.ndarray  # (n_components, n_features), each sign fixed so its largest loading is positive
    explained: np.ndarray  # share of the variance per component

    @property
    def columns(self) -> list[str]:
        """'PC1', 'PC2', ..."""
        return [f"PC{i + 1}" for i in range(len(self.components))]


def _prepared(customers: pd.DataFrame, features: Sequence[str], fill: np.ndarray | None = None) -> tuple:
    """The features on the comparison scale (log money) with missing values filled; returns (values, fill)."""
    x = np.empty((len(customers), len(features)))
    for j, name in enumerate(features):
        column = customers[name].to_numpy(dtype="float64", na_value=np.nan)
        x[:, j] = money_scale(column) if name in MONEY_FEATURES else column
    if fill is None:
        fill = np.nan_to_num(np.nanmedian(x, axis=0) if len(x) else np.zeros(len(features)))
    missing = np.isnan(x)
    if missing.any():
        x[missing] = np.broadcast_to(fill, x.shape)[missing]
    return x, fill


def fit_projection(sample: pd.DataFrame, features: Sequence[str] | None = None, n_components: int = 2) -> Projection:
    """Fit the principal components on a customer sample (at least two rows; numpy SVD, no scikit-learn)."""
    features = tuple(f for f in (features or NUMERIC_FEATURES) if f in sample)
    n = max(1, min(n_components, len(features)))
    x, fill = _prepared(sample, features)
    if len(x) < 2:  # nothing to decompose: every customer at the origin, no variance explained
        mean = x[0] if len(x) else np.zeros(len(features))
        return Projection(
            features, fill, mean, np.ones(len(features)), np.zeros((n, len(features))), np.full(n, np.nan)
        )
    mean, std = x.mean(axis=0), x.std(axis=0)
    scale = np.where(std > 0, std, 1.0)
    _, s, vt = np.linalg.svd((x - mean) / scale, full_matrices=False)
    signs = np.sign(vt[np.arange(len(vt)), np.abs(vt).argmax(axis=1)])
    components = np.zeros((n, len(features)))
    m = min(n, len(vt))
    components[:m] = (vt * signs[:, None])[:m]
    explained = np.zeros(n)
    explained[:m] = (s**2 / max((s**2).sum(), 1e-12))[:m]
    return Projection(features, fill, mean, scale, components, explained)


def project(customers: pd.DataFrame, projection: Projection) -> pd.DataFrame:
    """CustomerID, segment and PC1..PCn of every customer given, in its order (index kept)."""
    x, _ = _prepared(customers, projection.features, projection.fill)
    scores = ((x - projection.mean) / projection.scale) @ projection.components.T
    out = pd.DataFrame(scores, columns=projection.columns, index=customers.index)
    out.insert(0, "segment", customers["segment"].array)
    out.insert(0, "CustomerID", customers["CustomerID"].to_numpy())
    return out


def pca_projection(
    customers_sample: pd.DataFrame, features: Sequence[str] | None = None, n_components: int = 2
) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """Project a customer sample onto its first principal components (log money, median-imputed, standardised).

    Returns (frame with CustomerID, segment, PC1..PCn; centroids with segment, PC1..PCn as segment means;
    explained variance ratio per component). Pass a sample (e.g. sample_customers(view, 20_000)), not 884k rows;
    `project` puts every other customer on the same axes (the Segment map's selections do).
    Uses numpy's SVD rather than scikit-learn so pages do not pay scikit-learn's import time.
    """
    projection = fit_projection(customers_sample, features, n_components)
    frame = project(customers_sample, projection).reset_index(drop=True)
    return frame, _segment_means(frame, projection.columns), projection.explained


def _segment_means(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Mean of the given columns per segment (used for PCA coordinates, where means are natural)."""
    codes, names = segment_codes(frame)
    mean = frame[list(columns)][codes >= 0].groupby(codes[codes >= 0], sort=True).mean()
    mean.insert(0, "segment", segment_column(mean.index.to_numpy(), names))
    return mean.reset_index(drop=True)
