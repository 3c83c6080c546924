"""Comparing two groups: SMD, ratio of medians, KPIs, demographic shares and sentences, on hand-computed cases."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from core.analysis.compare import (
    REST,
    SELECTION,
    compare_features,
    compare_frame,
    compare_sentences,
    demographic_comparison,
    effect_display,
    effect_table,
    effect_word,
    group_kpis,
    group_labels,
    group_mask,
    kpi_display,
    kpi_table,
    standardised_difference,
)


def _customers() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "CustomerID": ["A1", "A2", "A3", "B1", "B2", "B3"],
            "segment": pd.Categorical(
                ["High", "High", "High", "Low", "Low", "Low"], categories=["Low", "High"], ordered=True
            ),
            "gender": ["M", "M", "F", "F", "F", "F"],
            "age": [30.0, 40.0, np.nan, 20.0, 22.0, 24.0],
            "balance": [1000.0, 2000.0, 3000.0, 10.0, 20.0, 30.0],
            "n_transactions": [1, 2, 3, 1, 1, 1],
            "total_amount": [100.0, 200.0, 300.0, 50.0, 50.0, 50.0],
        }
    )


A = np.array([True, True, True, False, False, False])
B = ~A


def test_standardised_difference_by_hand():
    # means 2 and 5, sample variances 1 and 1 -> (2 - 5) / 1 = -3.
    assert standardised_difference(np.array([1.0, 2, 3]), np.array([4.0, 5, 6])) == pytest.approx(-3.0)
    # variances 1 and 4 -> sqrt(2.5)
    assert standardised_difference(np.array([1.0, 2, 3]), np.array([1.0, 3, 5])) == pytest.approx(-1 / math.sqrt(2.5))
    assert math.isnan(standardised_difference(np.array([1.0]), np.array([1.0, 2.0])))
    assert standardised_difference(np.array([2.0, 2.0]), np.array([2.0, 2.0])) == 0.0
    assert math.isnan(standardised_difference(np.array([2.0, 2.0]), np.array([3.0, 3.0])))


def test_effect_words_follow_cohen():
    assert [effect_word(v) for v in (0.1, -0.3, 0.6, -0.8, 2.0)] == ["negligible", "small", "medium", "large", "large"]


def test_compare_features_by_hand():
    table = compare_features(_customers(), A, B, features=("age", "n_transactions", "balance")).set_index("feature")
    # transactions: A = 1,2,3 (mean 2, var 1), B = 1,1,1 (var 0): SMD = 1 / sqrt(0.5)
    assert table.loc["n_transactions", "smd"] == pytest.approx(1 / math.sqrt(0.5))
    assert table.loc["n_transactions", "median_ratio"] == pytest.approx(2.0)
    # age: the unknown age is left out of A: 30, 40 vs 20, 22, 24
    assert table.loc["age", "n_a"] == 2 and table.loc["age", "n_b"] == 3
    assert table.loc["age", "median_a"] == pytest.approx(35.0)
    assert table.loc["age", "smd"] == pytest.approx((35 - 22) / math.sqrt((50 + 4) / 2))
    # money on a signed log scale: log1p of 1000/2000/3000 vs 10/20/30
    la, lb = np.log1p([1000.0, 2000, 3000]), np.log1p([10.0, 20, 30])
    expected = (la.mean() - lb.mean()) / math.sqrt((la.var(ddof=1) + lb.var(ddof=1)) / 2)
    assert table.loc["balance", "smd"] == pytest.approx(expected)
    assert table.loc["balance", "median_ratio"] == pytest.approx(100.0)
    assert table.loc["balance", "effect"] == "large"
    # ranked by |SMD|, biggest first
    smd = compare_features(_customers(), A, B, features=("age", "n_transactions", "balance"))["smd"].abs()
    assert smd.is_monotonic_decreasing


def test_ratio_of_medians_needs_positive_medians():
    frame = _customers().assign(balance=[0.0, 0.0, 0.0, 5.0, 5.0, 5.0])
    table = compare_features(frame, A, B, features=("balance",))
    assert math.isnan(table.loc[0, "median_ratio"])


def test_kpis_and_table():
    k = group_kpis(_customers(), A, "High")
    assert (k.customers, k.share_of_base, k.median_balance, k.median_total) == (3, 0.5, 2000.0, 200.0)
    assert k.repeat_share == pytest.approx(2 / 3)
    table = kpi_table(k, group_kpis(_customers(), B, "Low"))
    assert list(table.columns) == ["High", "Low"]
    assert table.loc["Median account balance (INR)", "Low"] == 20.0
    same = kpi_table(k, k)
    assert list(same.columns) == ["High (A)", "High (B)"]


def test_demographic_shares():
    demo = demographic_comparison(_customers(), A, B)
    gender = demo["gender"].set_index("gender")
    assert gender.loc["M", "share_a"] == pytest.approx(2 / 3)
    assert gender.loc["F", "share_b"] == pytest.approx(1.0)
    assert gender.loc["M", "difference"] == pytest.approx(2 / 3)
    bands = demo["age_band"].set_index("age_band")
    assert bands.loc["Unknown", "share_a"] == pytest.approx(1 / 3)
    assert bands["share_b"].sum() == pytest.approx(1.0)


def test_sentences_come_from_the_numbers():
    c = _customers()
    ka, kb = group_kpis(c, A, "High"), group_kpis(c, B, "Low")
    features = compare_features(c, A, B, features=("balance", "n_transactions"))
    sentences = compare_sentences(ka, kb, features, demographic_comparison(c, A, B))
    assert sentences[0] == "High has 3 customers (50.0% of all), about as many as Low (3)."
    assert sentences[1] == (
        "Account balance: the median of High is ₹2,000, 100× Low's (₹20), a large difference "
        f"(SMD {features.loc[0, 'smd']:+.2f})."
    )
    assert sentences[-1] == "High is 67% male, Low 0%."


def test_sentence_when_nothing_differs():
    c = _customers().assign(n_transactions=[1, 2, 3, 1, 2, 3])
    ka, kb = group_kpis(c, A, "X"), group_kpis(c, B, "Y")
    features = compare_features(c, A, B, features=("n_transactions",))
    assert "every |SMD| is below 0.2" in " ".join(compare_sentences(ka, kb, features, demographic_comparison(c, A, B)))


def test_empty_group_is_said():
    c = _customers()
    none = np.zeros(6, dtype=bool)
    ka, kb = group_kpis(c, A, "X"), group_kpis(c, none, "Y")
    assert (
        "no customers" in compare_sentences(ka, kb, compare_features(c, A, none), demographic_comparison(c, A, none))[0]
    )


def test_groups_and_masks():
    c = _customers()
    view = c[c["gender"] == "F"]
    assert group_labels(c) == [SELECTION, REST, "Segment Low", "Segment High"]
    assert group_mask(c, view, SELECTION).tolist() == [False, False, True, True, True, True]
    assert group_mask(c, view, REST).tolist() == [True, True, False, False, False, False]
    assert group_mask(c, view, "Segment High").tolist() == [False, False, True, False, False, False]
    with pytest.raises(ValueError, match="unknown group 'Segment Mid'"):
        group_mask(c, view, "Segment Mid")


def test_compare_frame_labels_each_group():
    c = _customers()
    frame = compare_frame(c, A, np.ones(6, dtype=bool), ("High", "Everyone"))
    assert len(frame) == 9
    assert frame["segment"].astype(str).tolist() == ["High"] * 3 + ["Everyone"] * 6
    assert list(frame["segment"].cat.categories) == ["High", "Everyone"]


def test_saved_audiences_are_groups_within_the_selection():
    c = _customers()
    rules = {"Rich": "balance >= 1000", "Women": "gender = 'F'"}
    assert group_labels(c, rules)[-2:] == ["Audience: Rich", "Audience: Women"]
    view = c[c["segment"] == "High"]
    assert group_mask(c, c, "Audience: Women", rules).tolist() == [False, False, True, True, True, True]
    assert group_mask(c, view, "Audience: Women", rules).tolist() == [False, False, True, False, False, False]
    with pytest.raises(ValueError, match="unknown group 'Audience: Men'"):
        group_mask(c, c, "Audience: Men", rules)


def test_kpi_display_formats_each_row():
    c = _customers()
    shown = kpi_display(kpi_table(group_kpis(c, A, "High"), group_kpis(c, B, "Low")))
    assert shown["High"].tolist() == ["3", "50.0%", "₹2,000", "₹200", "2", "66.7%"]


def test_effect_display_formats_each_median_by_its_feature_and_keeps_half_counts():
    c = _customers()
    features = compare_features(c, A, B, features=("balance", "n_transactions"))
    shown = effect_display(features, ("High", "Low")).set_index("Feature")
    assert shown.loc["Account balance (INR)", "Median, High"] == "₹2,000"
    assert shown.loc["Account balance (INR)", "Median, Low"] == "₹20"
    assert shown.loc["Account balance (INR)", "Ratio of medians"] == "100×"
    assert shown.loc["Account balance (INR)", "Customers with a value, High"] == "3"
    two = c.assign(n_transactions=[1, 2, 5, 1, 2, 9])
    first_two = np.array([True, True, False, False, False, False])  # 1 and 2: the median is 1.5
    shown = effect_display(compare_features(two, first_two, B, features=("n_transactions",)), ("X", "Y"))
    assert shown.loc[0, "Median, X"] == "1.5"
    assert shown.loc[0, "Median, Y"] == "2"  # 1, 2, 9
    assert effect_table(features, ("High", "Low"))["Ratio of medians"].dtype.kind == "f"  # downloads keep numbers
