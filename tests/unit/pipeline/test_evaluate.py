"""Quality metrics: the exact 1-D silhouette, disjoint samples, the structureless reference, the elbow by k."""

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import silhouette_samples, silhouette_score

from core.pipeline.evaluate import (
    MIN_DISJOINT_SAMPLE,
    band_agreement,
    disjoint_samples,
    evaluate_segmentation,
    exact_silhouette_1d,
    score_elbow,
    silhouette_summary,
)
from core.pipeline.segment import SegmentParams, fit_segmenter


def blobs(separation: float, n: int = 3000, seed: int = 0, dims: int = 3):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 3, n)
    X = rng.normal(size=(n, dims)) + separation * labels[:, None]
    return X, labels


@pytest.mark.parametrize("n", [5, 7, 400, 2500])
def test_exact_1d_silhouette_matches_sklearn_including_ties_and_singletons(n):
    rng = np.random.default_rng(n)
    x = np.round(rng.normal(size=n), 1)  # rounding makes ties
    labels = rng.integers(0, 3, n)
    labels[0] = 5  # a segment of one customer (silhouette 0 by convention)
    assert exact_silhouette_1d(x, labels) == pytest.approx(silhouette_samples(x[:, None], labels), abs=1e-12)


def test_one_dimension_is_measured_exactly_on_everyone():
    X, labels = blobs(2.0, n=4000, dims=1)
    result = silhouette_summary(X, labels, names=("a", "b", "c"))
    assert result["method"] == "exact" and result["sample_size"] == 4000 and result["std"] == 0
    assert result["mean"] == pytest.approx(silhouette_score(X, labels), abs=1e-9)
    by_label = pd.Series(silhouette_samples(X, labels)).groupby(labels).mean()
    assert [result["by_segment"][n] for n in "abc"] == pytest.approx(list(by_label), abs=1e-9)


def test_samples_are_disjoint_when_the_data_allows():
    samples, note = disjoint_samples(25_000, seed=0, sample_size=10_000, repeats=3)
    assert note == "" and len(samples) == 3
    assert all(len(s) == 8_333 for s in samples)  # shrunk to share 25,000 customers out
    assert len(np.unique(np.concatenate(samples))) == 3 * 8_333


def test_too_few_customers_for_disjoint_samples_is_said():
    samples, note = disjoint_samples(2 * MIN_DISJOINT_SAMPLE, seed=0, sample_size=10_000, repeats=3)
    assert len(samples) == 1 and len(samples[0]) == 2 * MIN_DISJOINT_SAMPLE
    assert "too few" in note and "no spread" in note


def test_sampled_silhouette_is_close_to_exact_with_a_real_spread():
    X, labels = blobs(4.0, n=9000)
    result = silhouette_summary(X, labels)
    assert result["method"] == "disjoint samples" and result["repeats"] == 3 and result["sample_size"] == 3000
    assert result["mean"] == pytest.approx(silhouette_score(X, labels), abs=0.02)
    assert 0 < result["std"] < 0.05


def test_band_agreement_counts_customers_in_their_own_tercile():
    values = pd.Series([1.0, 2, 3, 4, 5, 6, np.nan])
    assert band_agreement(values, np.array([0, 0, 1, 1, 2, 2, 0]), 3) == 1.0
    assert band_agreement(values, np.array([2, 2, 1, 1, 0, 0, 0]), 3) == pytest.approx(2 / 6)


def money_customers(n: int, clustered: bool, seed: int = 0) -> pd.DataFrame:
    """Customers whose log balance and log spend are one Gaussian cloud, or three well-separated ones."""
    rng = np.random.default_rng(seed)
    tier = rng.integers(0, 3, n) if clustered else np.zeros(n)
    centre = 6 + 3.0 * tier
    balance = np.expm1(centre + rng.normal(0, 0.4 if clustered else 1.5, n) + 2)
    spend = np.expm1(centre + rng.normal(0, 0.4 if clustered else 1.5, n))
    return pd.DataFrame({"balance": balance, "mean_amount": spend})


@pytest.mark.parametrize(("clustered", "low", "high"), [(False, -0.03, 0.03), (True, 0.15, 1.0)])
def test_reference_gap_is_small_for_a_continuum_and_large_for_real_groups(clustered, low, high):
    customers = money_customers(6000, clustered)
    model = fit_segmenter(customers, SegmentParams(k=3, features=("balance", "mean_amount"), weights=(0.5, 0.5)))
    quality = evaluate_segmentation(model, customers, model.assign_ranks(customers))
    assert quality["reference_silhouette"]["sample_size"] == 6000
    assert low < quality["silhouette_gap"] < high
    assert [row["k"] for row in quality["elbow"]] == list(range(2, 9))
    assert set(quality["agreement"]) == {"balance", "mean_amount"}
    assert 0 <= quality["borderline_share"] < 0.2


def test_elbow_uses_the_budget_band_start_and_reports_the_reference():
    Z, _ = blobs(6.0, n=2000, dims=1)
    reference = np.random.default_rng(1).normal(size=(2000, 1)) * Z.std()
    rows = score_elbow(Z, reference, seed=0)
    inertia = [row["inertia"] for row in rows]
    assert inertia == sorted(inertia, reverse=True)
    assert all(row["gap"] == pytest.approx(row["silhouette"] - row["reference_silhouette"]) for row in rows)
    k3 = next(row for row in rows if row["k"] == 3)
    assert k3["gap"] > 0.1  # three planted groups stand out above one Gaussian
