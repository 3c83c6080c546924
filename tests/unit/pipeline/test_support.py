"""Warnings when the data cannot support the features: a single date, no repeat customers, constant columns."""

import numpy as np
import pandas as pd

from core.pipeline.train import train_from_raw


def renamed_table(n: int = 300, seed: int = 0) -> pd.DataFrame:
    """A wrong-schema file renamed into the expected columns: one row per ID, one date, one gender."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "TransactionID": [f"T{i}" for i in range(n)],
            "CustomerID": [f"C{i}" for i in range(n)],
            "CustomerDOB": "1/1/90",
            "CustGender": "M",
            "CustLocation": rng.choice(["MUMBAI", "PUNE"], n),
            "CustAccountBalance": np.round(np.exp(rng.normal(9, 1.5, n)), 2).astype(str),
            "TransactionDate": "2/8/16",
            "TransactionTime": rng.integers(0, 235959, n).astype(str),
            "TransactionAmount (INR)": np.round(np.exp(rng.normal(6, 1.2, n)), 2).astype(str),
        }
    )


def test_a_renamed_table_trains_but_says_what_its_features_cannot_mean():
    artifacts = train_from_raw(renamed_table())
    warnings = artifacts.card.extra["warnings"]
    assert any(w.startswith("Every transaction is on the same date (02 Aug 2016)") for w in warnings)
    assert any(w.startswith("No customer has more than one transaction") for w in warnings)
    assert any("Gender" in w and "Age" in w and "the same value for every customer" in w for w in warnings)
    issues = {item["issue"] for item in artifacts.quality.data.to_dict()["items"]}
    assert set(warnings) <= issues


def test_ordinary_data_gets_no_warnings(trained):
    assert trained.card.extra["warnings"] == []
