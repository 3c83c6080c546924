"""The numbers a statistician would sign, on generated data and on the real rows (skipped when absent).

Segments follow both balance and spending, separation is read against a structureless reference, the prospect
model is calibrated and judged by ranking, importances are grouped. Expected values are computed here from the
customers, never taken from the code under test.
"""

import numpy as np
import pandas as pd
import pytest
from sklearn.calibration import CalibratedClassifierCV

from core.pipeline.train import run_training

MIN_AGREEMENT = 0.55


@pytest.fixture(scope="module")
def real_trained(real_csv, tmp_path_factory):
    """The first 20,000 real rows, trained once for this module."""
    return run_training(real_csv, tmp_path_factory.mktemp("real") / "real", k=3, seed=0)


@pytest.fixture(params=["generated", pytest.param("real", marks=pytest.mark.real)])
def artifacts(request):
    """Each goal is checked on the generated default-like file and on the real rows."""
    return request.getfixturevalue("trained" if request.param == "generated" else "real_trained")


def tercile_agreement(values: pd.Series, segment: pd.Series) -> float:
    """Share of customers whose segment rank equals their tercile of `values` (pandas' qcut on ranks)."""
    known = values.notna()
    terciles = pd.qcut(values[known].rank(method="first"), 3, labels=False)
    return float((terciles.to_numpy() == segment[known].cat.codes.to_numpy()).mean())


def test_segments_follow_both_balance_and_spending(artifacts):
    c = artifacts.customers
    assert tercile_agreement(c["balance"], c["segment"]) >= MIN_AGREEMENT
    assert tercile_agreement(c["mean_amount"], c["segment"]) >= MIN_AGREEMENT
    assert c["segment"].value_counts(normalize=True).min() >= 0.05
    medians = c.groupby("segment", observed=True)[["balance", "mean_amount"]].median()
    assert medians["balance"].is_monotonic_increasing and medians["balance"].is_unique
    assert medians["mean_amount"].is_monotonic_increasing and medians["mean_amount"].is_unique
    params = artifacts.card.params.extra
    assert params["segment_weights"] == {"balance": 0.5, "mean_amount": 0.5}
    assert "half" in params["segment_weights_reason"]
    agreement = artifacts.quality.segmentation["agreement"]
    assert agreement["balance"] == pytest.approx(tercile_agreement(c["balance"], c["segment"]), abs=0.02)


def test_borderline_share_is_the_customers_near_a_cut(artifacts):
    c, model = artifacts.customers, artifacts.models.segment
    d = np.sort(model.distances(c), axis=1)
    expected = float((d[:, 1] <= 1.1 * d[:, 0]).mean())
    assert artifacts.quality.segmentation["borderline_share"] == pytest.approx(expected)
    assert 0 < expected < 0.25


def test_separation_is_measured_against_a_structureless_reference(artifacts):
    metrics = artifacts.card.to_dict()["metrics"]
    assert 0 < metrics["reference_silhouette"] < 1
    assert metrics["silhouette_gap"] == pytest.approx(metrics["silhouette_mean"] - metrics["reference_silhouette"])
    elbow = artifacts.quality.segmentation["elbow"]
    assert [row["k"] for row in elbow] == list(range(2, 9))
    assert all("reference_silhouette" in row for row in elbow)


@pytest.mark.real
def test_real_segments_are_tiers_of_a_continuum(real_trained):
    segmentation = real_trained.quality.segmentation
    assert abs(segmentation["silhouette_gap"]) < 0.05  # measured: real 0.531 vs reference 0.536
    assert max(row["gap"] for row in segmentation["elbow"]) < 0.05  # no k stands out above the reference


def test_prospect_model_is_honest_calibrated_and_judged_by_ranking(artifacts):
    m = artifacts.card.metrics.extra["prospect"]
    models = artifacts.models
    assert not {"n_transactions", "recency_days", "active_span_days", "balance"} & set(models.prospect_features)
    assert isinstance(models.prospect, CalibratedClassifierCV)
    assert m["log_loss"] < m["prior_log_loss"]
    names = list(models.segment_names)
    assert set(m["auc"]) == set(m["top_decile_lift"]) == set(names)
    assert all(v > 0.5 for v in m["auc"].values())
    c = artifacts.customers
    proba = models.prospect.predict_proba(c[list(models.prospect_features)])
    shares = c["segment"].value_counts(normalize=True, sort=False).to_numpy()
    assert proba.mean(axis=0) == pytest.approx(shares, abs=0.03)  # calibrated on average
    quality = artifacts.quality.prospect_model
    assert quality["accuracy"] >= quality["baseline_accuracy"]


def test_importances_are_grouped(artifacts):
    full = artifacts.quality.full_model
    spending = next(row for row in full["importances"] if "mean_amount" in row["features"])
    assert set(spending["features"]) == {"mean_amount", "total_amount", "max_amount"}
    assert sum("total_amount" in row["features"] for row in full["importances"]) == 1
