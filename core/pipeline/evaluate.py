"""Segmentation quality: silhouette against a structureless reference, Davies-Bouldin, Calinski-Harabasz, the
elbow over k, how closely the segments follow each money feature, and how many customers sit on a boundary.

The segments are cut from one budget score, so the silhouette is computed exactly on every customer (in one
dimension it needs only sorting, see exact_silhouette_1d). In more dimensions it is O(n^2) and is estimated on
disjoint random samples instead, with their spread. The null reference runs the same pipeline on money with no
cluster structure (core.pipeline.segment.reference_money): a silhouette close to the reference's means the
segments are tiers cut from a continuum, not natural groups.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import sklearn
from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score, silhouette_samples

from core.config import MAX_K, MIN_K
from core.pipeline.segment import SegmentModel, SegmentParams, fit_kmeans, fit_segmenter, nearest_two, reference_money

SILHOUETTE_SAMPLE = 10_000  # customers per sample when the silhouette has to be sampled (more than one dimension)
SILHOUETTE_REPEATS = 3
MIN_DISJOINT_SAMPLE = 1_000  # smaller disjoint samples would be too noisy: one sample is used instead
ELBOW_SAMPLE = 20_000
REFERENCE_SIZE = 100_000  # customers in the structureless reference (fewer when the data has fewer)
SMALL_GAP = 0.05  # a silhouette less than this above the reference's is no evidence of natural groups


def exact_silhouette_1d(x: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Every customer's silhouette for one-dimensional data, exactly, in O(n log n) per segment.

    The mean distance from a point to all points of a segment comes from the segment's sorted values and their
    prefix sums, so no pairwise distances are formed. Matches sklearn's silhouette_samples (0 for a customer
    alone in their segment).
    """
    x = np.asarray(x, dtype="float64").ravel()
    labels = np.asarray(labels)
    groups, own = np.unique(labels, return_inverse=True)
    n = len(x)
    sums = np.empty((len(groups), n))
    sizes = np.empty(len(groups), dtype="int64")
    for j, group in enumerate(groups):
        values = np.sort(x[labels == group])
        sizes[j] = len(values)
        prefix = np.concatenate([[0.0], np.cumsum(values)])
        below = np.searchsorted(values, x, side="right")
        sums[j] = x * below - prefix[below] + (prefix[-1] - prefix[below]) - x * (sizes[j] - below)
    rows = np.arange(n)
    own_size = sizes[own]
    a = sums[own, rows] / np.maximum(own_size - 1, 1)
    others = sums / sizes[:, None]
    others[own, rows] = np.inf
    b = others.min(axis=0) if len(groups) > 1 else np.zeros(n)
    denominator = np.maximum(a, b)
    with np.errstate(invalid="ignore", divide="ignore"):
        s = np.where(denominator > 0, (b - a) / denominator, 0.0)
    return np.where(own_size > 1, s, 0.0)


def disjoint_samples(
    n: int, seed: int, sample_size: int = SILHOUETTE_SAMPLE, repeats: int = SILHOUETTE_REPEATS
) -> tuple[list[np.ndarray], str]:
    """Row positions of `repeats` disjoint random samples, and a note when the data is too small for that.

    With fewer than repeats × sample_size customers the samples shrink to share them out; below
    MIN_DISJOINT_SAMPLE each, one sample (all customers when they fit) is used and the note says so.
    """
    order = np.random.default_rng(seed).permutation(n)
    if n <= sample_size and n < repeats * MIN_DISJOINT_SAMPLE:
        return [np.sort(order)], f"all {n:,} customers at once: too few for {repeats} disjoint samples, so no spread"
    size = min(sample_size, n // repeats)
    if size < MIN_DISJOINT_SAMPLE:
        return [np.sort(order[:sample_size])], (
            f"one random sample of {min(sample_size, n):,} customers: too few customers for {repeats} disjoint "
            f"samples of at least {MIN_DISJOINT_SAMPLE:,}, so no spread"
        )
    return [np.sort(order[i * size : (i + 1) * size]) for i in range(repeats)], ""


def silhouette_summary(X: np.ndarray, labels: np.ndarray, seed: int = 0, names: tuple[str, ...] = ()) -> dict:
    """Mean silhouette, per segment when named, with how it was measured.

    One-dimensional X: exact, over every customer (`method` "exact", no spread). Otherwise the mean over
    disjoint random samples (`method` "disjoint samples", `std` their spread), or one sample with a `note`.
    """
    X = np.asarray(X, dtype="float64").reshape(len(X), -1)
    labels = np.asarray(labels)
    if X.shape[1] == 1:
        scores = exact_silhouette_1d(X[:, 0], labels)
        per_segment = {name: _mean_or_nan(scores[labels == i]) for i, name in enumerate(names)}
        return {
            "mean": float(scores.mean()),
            "std": 0.0,
            "sample_size": len(X),
            "repeats": 1,
            "method": "exact",
            "note": "",
            "values": [float(scores.mean())],
            "by_segment": per_segment,
        }
    samples, note = disjoint_samples(len(X), seed)
    values, per_segment = [], {name: [] for name in names}
    # working_memory caps the pairwise-distance chunks (default ~1 GB) to ~64 MB at the same speed.
    with sklearn.config_context(working_memory=64):
        for rows in samples:
            scores = (
                silhouette_samples(X[rows], labels[rows]) if len(np.unique(labels[rows])) > 1 else (np.zeros(len(rows)))
            )
            values.append(float(scores.mean()))
            for i, name in enumerate(names):
                per_segment[name].append(_mean_or_nan(scores[labels[rows] == i]))
    return {
        "mean": float(np.mean(values)),
        "std": float(np.std(values)),
        "sample_size": len(samples[0]),
        "repeats": len(samples),
        "method": "disjoint samples" if len(samples) > 1 else "one sample",
        "note": note,
        "values": values,
        "by_segment": {name: float(np.nanmean(v)) for name, v in per_segment.items()},
    }


def _mean_or_nan(values: np.ndarray) -> float:
    """Mean of a possibly empty array (NaN when empty)."""
    return float(values.mean()) if len(values) else float("nan")


def _silhouette_of_fit(Z: np.ndarray, k: int, seed: int) -> tuple[float, float]:
    """(inertia per customer, mean silhouette) of K-Means started like the deployed model, from the budget bands."""
    kmeans, _ = fit_kmeans(Z, SegmentParams(k=k, seed=seed, n_init=0))
    return float(kmeans.inertia_ / len(Z)), silhouette_summary(Z, kmeans.labels_, seed)["mean"]


def score_elbow(Z: np.ndarray, Z_reference: np.ndarray, seed: int = 0, sample_size: int = ELBOW_SAMPLE) -> list[dict]:
    """Inertia and silhouette for k = 2..8 with the deployed start, next to the reference's silhouette.

    Both use one fixed-seed sample of `sample_size` customers (the reference one of the same size).
    """
    rng = np.random.default_rng(seed)
    n = min(sample_size, len(Z), len(Z_reference))
    sample = Z[np.sort(rng.choice(len(Z), size=n, replace=False))]
    reference = Z_reference[np.sort(rng.choice(len(Z_reference), size=n, replace=False))]
    rows = []
    for k in range(MIN_K, min(MAX_K, n - 1) + 1):
        inertia, silhouette = _silhouette_of_fit(sample, k, seed)
        _, reference_silhouette = _silhouette_of_fit(reference, k, seed)
        rows.append(
            {
                "k": k,
                "inertia": inertia,
                "silhouette": silhouette,
                "reference_silhouette": reference_silhouette,
                "gap": silhouette - reference_silhouette,
            }
        )
    return rows


def band_agreement(values: pd.Series, ranks: np.ndarray, k: int) -> float:
    """Share of customers whose segment equals their band among k equal-size bands of one feature.

    For k = 3 the bands are terciles. Tied values share a band (their average rank decides); customers
    without a value are left out. Chance level is about 1/k.
    """
    values = pd.Series(np.asarray(values, dtype="float64"))
    known = values.notna().to_numpy()
    if known.sum() == 0:
        return float("nan")
    rank = values[known].rank(method="average").to_numpy()
    band = np.minimum((k * (rank - 0.5) / known.sum()).astype("int64"), k - 1)
    return float((band == np.asarray(ranks)[known]).mean())


def evaluate_segmentation(model: SegmentModel, customers: pd.DataFrame, ranks: np.ndarray, seed: int = 0) -> dict:
    """Every segmentation quality metric the app shows, as a JSON-safe dict.

    The reference is the same pipeline (model.params, fit from scratch) on REFERENCE_SIZE customers of
    structureless money with the customers' covariance (core.pipeline.segment.reference_money).
    """
    names, k = model.names, model.params.k
    Z = model.transform(customers)
    silhouette = silhouette_summary(Z, ranks, seed, names=names)
    reference_customers = reference_money(customers, model.features, min(len(customers), REFERENCE_SIZE), seed)
    reference = fit_segmenter(reference_customers, model.params)
    Z_reference = reference.transform(reference_customers)
    reference_silhouette = silhouette_summary(Z_reference, reference.assign_ranks(reference_customers), seed)
    _, borderline = nearest_two(model.distances(customers))
    return {
        "silhouette": silhouette,
        "silhouette_by_segment": silhouette.pop("by_segment"),
        "reference_silhouette": {
            "mean": reference_silhouette["mean"],
            "sample_size": len(Z_reference),
            "method": reference_silhouette["method"],
        },
        "silhouette_gap": silhouette["mean"] - reference_silhouette["mean"],
        "davies_bouldin": float(davies_bouldin_score(Z, ranks)) if len(np.unique(ranks)) > 1 else float("nan"),
        "calinski_harabasz": float(calinski_harabasz_score(Z, ranks)) if len(np.unique(ranks)) > 1 else float("nan"),
        "elbow": score_elbow(Z, Z_reference, seed),
        "elbow_sample_size": int(min(ELBOW_SAMPLE, len(Z))),
        "sizes": {name: int((ranks == i).sum()) for i, name in enumerate(names)},
        "agreement": {f: band_agreement(customers[f], ranks, k) for f in model.features},
        "borderline_share": float(borderline.mean()),
        "start_dependent_share": float(model.fit_info.get("start_dependent_share", float("nan"))),
    }
