"""compare_to_base with the whole base as yardstick: segment differences that mean the same whatever the filters."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.analysis.profiles import compare_to_base


@pytest.fixture(scope="module")
def base() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    seg = rng.choice(3, 900, p=[0.4, 0.35, 0.25])
    frame = pd.DataFrame(
        {
            "CustomerID": [f"C{i}" for i in range(900)],
            "balance": np.exp(rng.normal(8 + seg, 1.0)),
            "mean_amount": np.exp(rng.normal(5 + seg, 0.5)),
            "age": np.where(rng.random(900) < 0.1, np.nan, rng.integers(18, 70, 900)).astype("float64"),
            "location": rng.choice(["PUNE", "MUMBAI"], 900),
        }
    )
    frame["segment"] = pd.Categorical.from_codes(seg, categories=["Low", "Medium", "High"], ordered=True)
    return frame


def test_the_default_yardstick_is_the_customers_themselves(base):
    pd.testing.assert_frame_equal(compare_to_base(base, base), compare_to_base(base))


def test_a_filtered_view_keeps_the_whole_bank_as_yardstick(base):
    high = base[base["segment"] == "High"]
    z = compare_to_base(high, base)
    assert list(z.columns) == ["High"]
    assert list(z.index) == ["age", "balance", "mean_amount"]  # catalogue order, only features present
    log_balance = np.log1p(base["balance"])
    expected = (np.log1p(high["balance"]).mean() - log_balance.mean()) / log_balance.std(ddof=0)
    assert z.loc["balance", "High"] == pytest.approx(expected)
    assert z.loc["balance", "High"] > 0.5  # High is well above the bank, not 0 as against itself
    assert compare_to_base(high).loc["balance", "High"] == pytest.approx(0.0)


def test_unknown_values_are_left_out_of_means(base):
    z = compare_to_base(base, base)
    age = base["age"]
    low = base.loc[base["segment"] == "Low", "age"]
    assert z.loc["age", "Low"] == pytest.approx((low.mean() - age.mean()) / age.std(ddof=0))
