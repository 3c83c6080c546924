"""Population stability index against hand-computed small cases: shares, decile bins, ties, missing, empty bins."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from core.analysis.drift import (
    EPSILON,
    bin_shares,
    decile_edges,
    drift_report,
    drift_table,
    feature_psi,
    numeric_bins,
    psi_from_shares,
    psi_reading,
    segment_share_psi,
)


def test_psi_of_two_share_vectors_by_hand():
    # (0.6-0.5)ln(0.6/0.5) + (0.4-0.5)ln(0.4/0.5) = 0.1*0.18232 + 0.1*0.22314 = 0.040546
    assert psi_from_shares([0.5, 0.5], [0.6, 0.4]) == pytest.approx(0.0405465, abs=1e-6)
    assert psi_from_shares([0.2, 0.3, 0.5], [0.2, 0.3, 0.5]) == 0.0


def test_an_empty_bin_counts_as_epsilon():
    # reference [1, 0], current [0.5, 0.5]: the empty reference bin is 0.0001
    expected = (0.5 - 1) * math.log(0.5 / 1) + (0.5 - 1e-4) * math.log(0.5 / 1e-4)
    assert EPSILON == 1e-4
    assert psi_from_shares([1.0, 0.0], [0.5, 0.5]) == pytest.approx(expected)
    assert psi_from_shares([1.0, 0.0], [0.5, 0.5]) == pytest.approx(4.6043, abs=1e-4)  # 0.5 ln 2 + 0.4999 ln 5000


def test_deciles_of_the_reference_cut_the_bins_right_closed():
    reference = np.arange(1, 11, dtype=float)  # 1..10: deciles 1.9, 2.8, ..., 9.1
    edges = decile_edges(reference)
    assert edges == pytest.approx([1.9, 2.8, 3.7, 4.6, 5.5, 6.4, 7.3, 8.2, 9.1])
    # each value of the reference in its own bin; a value on an edge falls in the bin below; NaN is the last bin
    assert numeric_bins(reference, edges).tolist() == list(range(10))
    assert numeric_bins(np.array([1.9, np.nan]), edges).tolist() == [0, 10]


def test_tied_deciles_merge_into_fewer_bins():
    # sorted 1 x 9 then 2: the 10th-80th percentiles are all 1, the 90th is 1 + 0.1 x (2 - 1) = 1.1
    reference = pd.Series([1.0] * 9 + [2.0])
    edges = decile_edges(reference.to_numpy())
    assert edges == pytest.approx([1.0, 1.1])
    current = pd.Series([1.0, 1.0, 2.0, 2.0])
    shares = bin_shares(reference, current)
    assert shares["bin"].tolist() == ["≤ 1", "1 – 1.1", "> 1.1"]
    assert shares["reference"].tolist() == pytest.approx([0.9, 0.0, 0.1])
    assert shares["current"].tolist() == pytest.approx([0.5, 0.0, 0.5])
    # the middle bin is empty on both sides: epsilon against epsilon adds nothing
    by_hand = (0.5 - 0.9) * math.log(0.5 / 0.9) + (0.5 - 0.1) * math.log(0.5 / 0.1)
    assert feature_psi(reference, current) == pytest.approx(by_hand)


def test_missing_values_are_a_bin_of_their_own():
    reference = pd.Series([1.0, 2.0, np.nan, np.nan])
    current = pd.Series([1.0, 2.0, 3.0, np.nan])
    shares = bin_shares(reference, current)
    assert shares["bin"].iloc[-1] == "missing"
    assert shares["reference"].iloc[-1] == 0.5
    assert shares["current"].iloc[-1] == 0.25


def test_categories_keep_the_references_top_values():
    reference = pd.Series(["M"] * 6 + ["F"] * 4, dtype="string")
    current = pd.Series(["M"] * 5 + ["F"] * 5, dtype="string")
    shares = bin_shares(reference, current)
    assert shares.set_index("bin").loc[["M", "F"], "reference"].tolist() == [0.6, 0.4]
    by_hand = (0.5 - 0.6) * math.log(0.5 / 0.6) + (0.5 - 0.4) * math.log(0.5 / 0.4)
    assert feature_psi(reference, current) == pytest.approx(by_hand)


def test_segment_share_psi_by_hand():
    names = ["Low", "Medium", "High"]
    a = pd.Series(["Low"] * 5 + ["Medium"] * 3 + ["High"] * 2)
    b = pd.Series(["Low"] * 4 + ["Medium"] * 3 + ["High"] * 3)
    by_hand = (0.4 - 0.5) * math.log(0.4 / 0.5) + 0 + (0.3 - 0.2) * math.log(0.3 / 0.2)
    assert segment_share_psi(a, b, names) == pytest.approx(by_hand)
    assert segment_share_psi(a, a, names) == 0.0


@pytest.mark.parametrize(
    ("psi", "reading"),
    [
        (0.0, "stable"),
        (0.0999, "stable"),
        (0.10, "moderate shift"),
        (0.25, "moderate shift"),
        (0.2501, "significant shift: act"),
        (float("nan"), "not measurable"),
    ],
)
def test_the_usual_reading(psi, reading):
    assert psi_reading(psi) == reading


def test_drift_table_sorts_biggest_shift_first_and_report_is_json():
    a = pd.DataFrame({"balance": np.arange(100.0), "age": np.arange(100.0), "segment": ["Low", "High"] * 50})
    b = a.assign(balance=a["balance"] + 50)
    table = drift_table(a, b, ["age", "balance"])
    assert table["feature"].tolist() == ["balance", "age"]
    assert table.loc[1, "PSI"] == 0.0
    report = drift_report(a, b, ["age", "balance"], ["Low", "High"])
    assert report["segments"] == {"psi": 0.0, "reading": "stable"}
    assert report["features"]["age"] == {"psi": 0.0, "reading": "stable"}
    assert report["features"]["balance"]["reading"] == "significant shift: act"
