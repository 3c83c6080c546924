"""Customer features: aggregates checked against hand-computed values."""

import numpy as np
import pandas as pd
import pytest

from core.errors import DataError
from core.pipeline.features import FEATURES, build_customer_features, feature_label


def clean_frame() -> pd.DataFrame:
    """Three transactions of C1 (Fri night, Sat, Mon) and one of C2, in a shuffled order."""
    return pd.DataFrame(
        {
            "transaction_id": ["T3", "T1", "T4", "T2"],
            "customer_id": ["C1", "C1", "C2", "C1"],
            "age": [31.0, 30.0, np.nan, 30.0],
            "gender": ["M", "M", "F", "M"],
            "location": ["PUNE", "MUMBAI", "UNKNOWN", "MUMBAI"],
            "balance": [900.0, 1000.0, 50.0, 1200.0],
            "date": pd.to_datetime(["2016-08-08", "2016-08-05", "2016-08-10", "2016-08-06"]),
            "hour": [14.0, 23.0, 9.0, 10.0],
            "amount": [300.0, 100.0, 40.0, 200.0],
        }
    )


def test_one_row_per_customer_with_hand_computed_values():
    out = build_customer_features(clean_frame()).set_index("CustomerID")
    assert list(out.index) == ["C1", "C2"]
    c1 = out.loc["C1"]
    assert c1["n_transactions"] == 3
    assert c1["total_amount"] == 600 and c1["mean_amount"] == 200 and c1["max_amount"] == 300
    # latest transaction (8 Aug) gives the balance, location and age
    assert c1["balance"] == 900 and c1["location"] == "PUNE" and c1["age"] == 31
    assert c1["recency_days"] == 2  # data ends 10 Aug
    assert c1["active_span_days"] == 3
    assert c1["mean_hour"] == pytest.approx((23 + 10 + 14) / 3)
    assert c1["night_share"] == pytest.approx(1 / 3)
    assert c1["weekend_share"] == pytest.approx(1 / 3)  # 6 Aug 2016 was a Saturday
    assert out.loc["C2", "recency_days"] == 0 and np.isnan(out.loc["C2", "age"])


def test_input_is_not_mutated():
    frame = clean_frame()
    before = frame.copy()
    build_customer_features(frame)
    pd.testing.assert_frame_equal(frame, before)


def test_no_transactions_is_a_clear_error():
    with pytest.raises(DataError, match="no usable transactions"):
        build_customer_features(clean_frame().iloc[0:0])


def test_catalogue_labels_every_feature_with_unit():
    assert feature_label("balance") == "Account balance (INR)"
    assert all(f.description and f.label for f in FEATURES.values())
    assert set(build_customer_features(clean_frame()).columns) >= set(FEATURES)
