"""Audience overlap: shared counts and exclusive intersections against hand-counted sets."""

from __future__ import annotations

import numpy as np
import pytest

from core.analysis.overlap import combination_label, intersections, overlap_matrix
from core.present.audience_charts import upset_chart

# Seven customers: A = {0,1,2,3}, B = {2,3,4}, C = {3,5}; customer 6 is in none.
MASKS = {
    "A": np.array([1, 1, 1, 1, 0, 0, 0], bool),
    "B": np.array([0, 0, 1, 1, 1, 0, 0], bool),
    "C": np.array([0, 0, 0, 1, 0, 1, 0], bool),
}


def test_matrix_of_shared_counts():
    m = overlap_matrix(MASKS)
    assert m.loc["A", "A"] == 4 and m.loc["B", "B"] == 3 and m.loc["C", "C"] == 2
    assert m.loc["A", "B"] == 2 and m.loc["B", "A"] == 2
    assert m.loc["A", "C"] == 1 and m.loc["B", "C"] == 1


def test_exclusive_intersections_add_up_to_the_union():
    table = intersections(MASKS)
    got = {combination_label(r, ["A", "B", "C"]): r["customers"] for r in table.to_dict("records")}
    # A only {0,1}; A and B only {2}; A, B and C {3}; B only {4}; C only {5}
    assert got == {"A only": 2, "A and B": 1, "A, B and C": 1, "B only": 1, "C only": 1}
    assert table["customers"].sum() == 6
    assert table["share"].sum() == pytest.approx(1.0)
    assert table["customers"].is_monotonic_decreasing
    assert combination_label(table.iloc[0], ["A", "B", "C"]) == "A only"


def test_between_two_and_five_audiences():
    with pytest.raises(ValueError, match="pick 2 to 5 audiences"):
        overlap_matrix({"A": MASKS["A"]})
    with pytest.raises(ValueError, match="got 6"):
        intersections({str(i): MASKS["A"] for i in range(6)})


def test_upset_chart_draws_one_bar_per_combination():
    table = intersections(MASKS)
    fig = upset_chart(table, ["A", "B", "C"])
    assert list(fig.data[0].y) == table["customers"].tolist()
    assert len(fig.data) == 4
    assert list(fig.layout.yaxis2.ticktext) == ["A", "B", "C"]
