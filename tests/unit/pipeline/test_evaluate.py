"""Quality metrics: sampled silhouette agrees with the exact one; elbow covers k = 2..8."""

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import silhouette_samples, silhouette_score

from core.pipeline.evaluate import evaluate_segmentation, sampled_silhouette


def blobs(separation: float, n: int = 3000, seed: int = 0):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 3, n)
    X = rng.normal(size=(n, 3)) + separation * labels[:, None]
    return X, labels


def test_sampled_silhouette_is_close_to_exact_and_reports_spread():
    X, labels = blobs(4.0)
    exact = silhouette_score(X, labels)
    sampled = sampled_silhouette(X, labels, sample_size=1000, repeats=4, names=("a", "b", "c"))
    assert sampled["mean"] == pytest.approx(exact, abs=0.02)
    assert sampled["sample_size"] == 1000 and sampled["repeats"] == 4 and len(sampled["values"]) == 4
    assert 0 < sampled["std"] < 0.05
    exact_by_label = pd.Series(silhouette_samples(X, labels)).groupby(labels).mean()
    for i, name in enumerate("abc"):
        assert sampled["by_segment"][name] == pytest.approx(exact_by_label[i], abs=0.03)


def test_small_data_gets_the_exact_silhouette_once():
    X, labels = blobs(2.0, n=500)
    result = sampled_silhouette(X, labels, sample_size=10_000)
    assert result["repeats"] == 1 and result["sample_size"] == 500
    assert result["mean"] == pytest.approx(silhouette_score(X, labels))


def test_better_separation_scores_better_on_every_metric():
    names = ("Low", "Medium", "High")
    good = evaluate_segmentation(*blobs(5.0), names)
    poor = evaluate_segmentation(*blobs(0.5), names)
    assert good["silhouette"]["mean"] > poor["silhouette"]["mean"]
    assert good["davies_bouldin"] < poor["davies_bouldin"]
    assert good["calinski_harabasz"] > poor["calinski_harabasz"]
    assert [e["k"] for e in good["elbow"]] == list(range(2, 9))
    inertia = [e["inertia"] for e in good["elbow"]]
    assert inertia == sorted(inertia, reverse=True)
    assert sum(good["sizes"].values()) == 3000 and set(good["silhouette_by_segment"]) == set(names)
