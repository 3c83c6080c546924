"""The prospect model: prospect-known inputs only, no class weights, calibrated chances, ranking metrics."""

import numpy as np
import pandas as pd
import pytest
from sklearn.calibration import CalibratedClassifierCV
from sklearn.metrics import roc_auc_score

from core.pipeline.classify import PROSPECT_FEATURES
from core.pipeline.prospect import fit_prospect, gains_curve, top_share_lift


@pytest.fixture(scope="module")
def customers() -> pd.DataFrame:
    """6,000 customers whose segment leans on age (older, richer) and nothing else a prospect shows."""
    rng = np.random.default_rng(7)
    n = 6000
    age = rng.integers(18, 80, n).astype(float)
    tier = np.clip(np.round((age - 18) / 62 * 2 + rng.normal(0, 0.8, n)), 0, 2).astype(int)
    return pd.DataFrame(
        {
            "age": age,
            "gender": rng.choice(["M", "F"], n),
            "location": rng.choice(["MUMBAI", "PUNE", "DELHI"], n),
            "mean_hour": rng.uniform(0, 23, n),
            "night_share": rng.uniform(0, 1, n),
            "weekend_share": rng.uniform(0, 1, n),
            "segment": pd.Categorical.from_codes(tier, ["Low", "Medium", "High"], ordered=True),
        }
    )


def test_prospect_inputs_are_only_what_a_prospect_shows():
    assert set(PROSPECT_FEATURES) == {"age", "gender", "location", "mean_hour", "night_share", "weekend_share"}


def test_prospect_model_is_calibrated_unweighted_and_beats_the_prior(customers):
    result = fit_prospect(customers, customers["segment"], PROSPECT_FEATURES)
    m = result.metrics
    assert isinstance(result.pipeline, CalibratedClassifierCV) and m["calibrated"]
    forest = result.pipeline.calibrated_classifiers_[0].estimator.estimator.named_steps["forest"]
    assert forest.class_weight is None
    assert m["log_loss"] < m["prior_log_loss"] - 0.05
    assert m["accuracy"] > m["baseline_accuracy"]
    # calibrated: on every customer, the mean chance of a segment is close to its share
    proba = result.pipeline.predict_proba(customers[list(PROSPECT_FEATURES)])
    shares = customers["segment"].value_counts(normalize=True, sort=False).to_numpy()
    assert proba.mean(axis=0) == pytest.approx(shares, abs=0.03)
    assert set(m["auc"]) == set(m["top_decile_lift"]) == {"Low", "Medium", "High"}
    assert m["auc"]["High"] > 0.7 and m["top_decile_lift"]["High"] > 1.5


def test_lift_and_gains_on_a_known_ranking():
    member = np.array([1, 1, 0, 0, 0, 0, 0, 0, 0, 0] * 10, dtype=bool)
    perfect = member.astype(float) + np.linspace(0, 0.1, 100)
    assert top_share_lift(member, perfect) == pytest.approx(5.0)  # top 10 all members: 100% / 20%
    assert top_share_lift(member, np.zeros(100)) == pytest.approx(1.0)  # ties keep the original order
    gains = gains_curve(member, perfect, points=10)
    assert gains[0] == pytest.approx(0.5) and gains[1] == pytest.approx(1.0) and gains[-1] == pytest.approx(1.0)


def test_auc_stored_matches_sklearn_on_the_test_rows(customers):
    result = fit_prospect(customers, customers["segment"], PROSPECT_FEATURES)
    assert 0.5 < result.metrics["auc"]["Low"] <= 1
    assert result.metrics["n_test"] == pytest.approx(0.2 * len(customers), abs=1)
    # an independent check of the ranking quality on all customers (not only the test rows)
    proba = result.pipeline.predict_proba(customers[list(PROSPECT_FEATURES)])
    auc_all = roc_auc_score(customers["segment"].cat.codes == 0, proba[:, 0])
    assert auc_all == pytest.approx(result.metrics["auc"]["Low"], abs=0.05)


def test_too_few_customers_keep_the_forest_and_say_it_is_not_calibrated(customers):
    tiny = customers.groupby("segment", observed=True).head(12)
    result = fit_prospect(tiny, tiny["segment"], PROSPECT_FEATURES)
    assert result.metrics["calibrated"] is False and "too few" in result.metrics["calibration"]
