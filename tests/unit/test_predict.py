"""Scoring: exact segment, probabilities, explanations, what-if moves, lookups."""

import numpy as np
import pandas as pd
import pytest

from core.predict import (
    explain_customer,
    lookup_customers,
    parse_id_list,
    predict_prospect,
    score_customers,
    suggest_next_segment,
)


def test_scores_reproduce_saved_segments(trained):
    customers = trained.customers
    scored = score_customers(trained.models, customers.drop(columns="segment"))
    assert (scored["segment"] == customers["segment"]).all()
    proba = scored[[f"p_{n}" for n in trained.models.segment_names]].to_numpy()
    assert np.allclose(proba.sum(axis=1), 1)
    dist = scored[[f"distance_{n}" for n in trained.models.segment_names]].to_numpy()
    assert (dist.argmin(axis=1) == customers["segment"].cat.codes.to_numpy()).all()


def test_missing_fields_are_scored_not_crashed(trained):
    row = pd.DataFrame([{"balance": 20000.0, "mean_amount": 500.0, "total_amount": 500.0}])
    scored = score_customers(trained.models, row)
    assert scored["segment"].iloc[0] in trained.models.segment_names
    prospect = predict_prospect(trained.models, pd.DataFrame([{"age": 35, "gender": "F", "location": "MUMBAI"}]))
    assert prospect.filter(like="p_").sum(axis=1).iloc[0] == pytest.approx(1)


def test_suggestion_moves_customer_up_one_segment(trained):
    models = trained.models
    low = trained.customers[trained.customers["segment"] == "Low"].iloc[0]
    move = suggest_next_segment(models, low)
    assert move is not None and move["target"] == "Medium" and move["to"] > move["from"]
    changed = low.copy()
    changed[move["feature"]] = move["to"] * 1.01
    if move["feature"] == "mean_amount":
        changed["total_amount"] = max(changed["total_amount"], changed["mean_amount"] * changed["n_transactions"])
    assert score_customers(models, pd.DataFrame([changed]))["segment"].iloc[0] == "Medium"
    top = trained.customers[trained.customers["segment"] == "High"].iloc[0]
    assert suggest_next_segment(models, top) is None


def test_explanation_names_the_most_unusual_features(trained):
    row = trained.customers.iloc[0].copy()
    row["balance"] = 1e8  # far above anyone
    reasons = explain_customer(trained.models, row)
    assert reasons.iloc[0]["feature"] == "balance" and reasons.iloc[0]["z"] > 3
    assert len(reasons) == 3


def test_lookup_keeps_order_and_lists_unknown_ids(trained):
    ids = list(trained.customers["CustomerID"].iloc[[5, 2]])
    found, unknown = lookup_customers(trained.customers, [ids[0], "C0000000", ids[1].lower(), ids[0]])
    assert list(found["CustomerID"]) == ids and unknown == ["C0000000"]
    assert parse_id_list("C1, C2;C3\nC4\tC5  C6") == ["C1", "C2", "C3", "C4", "C5", "C6"]
