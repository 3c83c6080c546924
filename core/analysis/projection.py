"""Projections of a customer sample onto its principal components (the Segment map's PCA view)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from core.analysis.segments import segment_codes, segment_column
from core.pipeline.features import NUMERIC_FEATURES
from core.pipeline.segment import log_money


def pca_projection(
    customers_sample: pd.DataFrame, features: Sequence[str] | None = None, n_components: int = 2
) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """Project a customer sample onto its first principal components (log money, median-imputed, standardised).

    Returns (frame with CustomerID, segment, PC1..PCn; centroids with segment, PC1..PCn as segment means;
    explained variance ratio per component). Pass a sample (e.g. sample_customers(view, 20_000)), not 884k rows.
    Uses numpy's SVD rather than scikit-learn so pages do not pay scikit-learn's import time.
    """
    features = [f for f in (features or NUMERIC_FEATURES) if f in customers_sample]
    columns = [f"PC{i + 1}" for i in range(max(1, min(n_components, len(features))))]
    if len(customers_sample) < 2:  # nothing to decompose: empty coordinates, no variance explained
        frame = customers_sample[["CustomerID", "segment"]].reset_index(drop=True).assign(**dict.fromkeys(columns, 0.0))
        return frame, _segment_means(frame, columns), np.full(len(columns), np.nan)
    values = log_money(customers_sample, features)
    values = values.fillna(values.median()).fillna(0.0)
    x = values.to_numpy()
    std = x.std(axis=0)
    x = (x - x.mean(axis=0)) / np.where(std > 0, std, 1.0)
    u, s, vt = np.linalg.svd(x, full_matrices=False)
    # Fix each component's sign (largest loading positive) so the picture is the same on every run.
    signs = np.sign(vt[np.arange(len(vt)), np.abs(vt).argmax(axis=1)])
    scores = np.zeros((len(x), len(columns)))
    m = min(len(columns), len(s))
    scores[:, :m] = (u * s * signs)[:, :m]
    ratio = np.zeros(len(columns))
    ratio[:m] = (s**2 / max((s**2).sum(), 1e-12))[:m]
    frame = pd.DataFrame(scores, columns=columns)
    frame.insert(0, "segment", customers_sample["segment"].array)  # .array keeps the Categorical's full order
    frame.insert(0, "CustomerID", customers_sample["CustomerID"].to_numpy())
    centroids = _segment_means(frame, columns)
    return frame, centroids, ratio


def _segment_means(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Mean of the given columns per segment (used for PCA coordinates, where means are natural)."""
    codes, names = segment_codes(frame)
    mean = frame[list(columns)][codes >= 0].groupby(codes[codes >= 0], sort=True).mean()
    mean.insert(0, "segment", segment_column(mean.index.to_numpy(), names))
    return mean.reset_index(drop=True)
