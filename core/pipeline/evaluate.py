"""Segmentation quality: sampled silhouette, Davies-Bouldin, Calinski-Harabasz, and the elbow over k.

Silhouette is O(n^2), so it is computed on several fixed-seed samples and reported as mean and spread with
the sample size; never on all customers. Davies-Bouldin and Calinski-Harabasz are linear and use everyone.
"""

from __future__ import annotations

import numpy as np
import sklearn
from sklearn.cluster import KMeans
from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score, silhouette_samples

from core.config import MAX_K, MIN_K

SILHOUETTE_SAMPLE = 10_000
SILHOUETTE_REPEATS = 3
ELBOW_SAMPLE = 20_000
ELBOW_SILHOUETTE_SAMPLE = 4_000


def sampled_silhouette(
    X: np.ndarray,
    labels: np.ndarray,
    seed: int = 0,
    sample_size: int = SILHOUETTE_SAMPLE,
    repeats: int = SILHOUETTE_REPEATS,
    names: tuple[str, ...] = (),
) -> dict:
    """Silhouette on `repeats` fixed-seed samples: mean, spread, sample size, and per segment when named.

    With no more customers than the sample size, the exact silhouette is computed once.
    """
    n = min(sample_size, len(X))
    repeats = repeats if n < len(X) else 1
    values, per_segment = [], {name: [] for name in names}
    # working_memory caps the pairwise-distance chunks (default ~1 GB) to ~64 MB at the same speed.
    with sklearn.config_context(working_memory=64):
        for r in range(repeats):
            rows = np.random.default_rng(seed + r).choice(len(X), size=n, replace=False)
            scores = silhouette_samples(X[rows], labels[rows])
            values.append(float(scores.mean()))
            for i, name in enumerate(names):
                mine = scores[labels[rows] == i]
                per_segment[name].append(float(mine.mean()) if len(mine) else float("nan"))
    return {
        "mean": float(np.mean(values)),
        "std": float(np.std(values)),
        "sample_size": n,
        "repeats": repeats,
        "values": values,
        "by_segment": {name: float(np.mean(v)) for name, v in per_segment.items()},
    }


def score_elbow(X: np.ndarray, seed: int = 0, sample_size: int = ELBOW_SAMPLE) -> list[dict]:
    """Inertia (per customer) and sampled silhouette for k = 2..8 on one fixed-seed sample."""
    rng = np.random.default_rng(seed)
    rows = np.sort(rng.choice(len(X), size=min(sample_size, len(X)), replace=False))
    sample = X[rows]
    out = []
    for k in range(MIN_K, min(MAX_K, len(sample) - 1) + 1):
        km = KMeans(k, n_init=2, random_state=seed).fit(sample)
        sil = sampled_silhouette(sample, km.labels_, seed, sample_size=min(ELBOW_SILHOUETTE_SAMPLE, len(sample)))
        out.append({"k": k, "inertia": float(km.inertia_ / len(sample)), "silhouette": sil["mean"]})
    return out


def evaluate_segmentation(X: np.ndarray, ranks: np.ndarray, names: tuple[str, ...], seed: int = 0) -> dict:
    """Every segmentation quality metric the app shows, as a JSON-safe dict."""
    silhouette = sampled_silhouette(X, ranks, seed, names=names)
    return {
        "silhouette": silhouette,
        "silhouette_by_segment": silhouette.pop("by_segment"),
        "davies_bouldin": float(davies_bouldin_score(X, ranks)),
        "calinski_harabasz": float(calinski_harabasz_score(X, ranks)),
        "elbow": score_elbow(X, seed),
        "elbow_sample_size": int(min(ELBOW_SAMPLE, len(X))),
        "sizes": {name: int((ranks == i).sum()) for i, name in enumerate(names)},
    }
