"""Transitions between two populations against a hand-built case: directions, matrix, row shares, cells."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.analysis.movement import (
    GONE,
    NEW,
    cell_direction,
    counts_from_matrix,
    largest_move,
    matrix_long,
    members_table,
    movement_counts,
    row_shares,
    segment_moves,
    transition_matrix,
)

NAMES = ("Low", "Medium", "High")
# c1 Low->High (up), c2 High->Medium (down), c3 High->Medium (down), c4 Medium->Medium, c5 gone (Low), c6 new (High)
A = pd.DataFrame(
    {
        "CustomerID": ["c1", "c2", "c3", "c4", "c5"],
        "segment": ["Low", "High", "High", "Medium", "Low"],
        "mean_amount": [10.0, 900.0, 800.0, 100.0, 5.0],
    }
)
B = pd.DataFrame(
    {
        "CustomerID": ["c6", "c4", "c3", "c2", "c1"],
        "segment": ["High", "Medium", "Medium", "Medium", "High"],
        "mean_amount": [700.0, 110.0, 90.0, 95.0, 950.0],
    }
)


@pytest.fixture
def moves() -> pd.DataFrame:
    return segment_moves(A, B, NAMES)


def test_each_customer_gets_a_direction(moves):
    by_id = moves.set_index("CustomerID")["direction"].astype(str).to_dict()
    assert by_id == {"c1": "up", "c2": "down", "c3": "down", "c4": "unchanged", "c5": "gone", "c6": "new"}
    counts = movement_counts(moves)
    assert (counts.up, counts.down, counts.unchanged, counts.new, counts.gone) == (1, 2, 1, 1, 1)
    assert counts.matched == 4


def test_matrix_counts_and_row_shares(moves):
    matrix = transition_matrix(moves)
    assert list(matrix.index) == ["Low", "Medium", "High", NEW]
    assert list(matrix.columns) == ["Low", "Medium", "High", GONE]
    expected = np.array([[0, 0, 1, 1], [0, 1, 0, 0], [0, 2, 0, 0], [0, 0, 1, 0]])
    assert (matrix.to_numpy() == expected).all()
    shares = row_shares(matrix)
    assert shares.loc["Low"].tolist() == [0.0, 0.0, 0.5, 0.5]
    assert shares.loc["High", "Medium"] == 1.0


def test_an_empty_row_has_no_shares():
    moves = segment_moves(A[A["segment"] != "Medium"], B, NAMES)
    shares = row_shares(transition_matrix(moves))
    assert shares.loc["Medium"].isna().all()


def test_cell_directions():
    assert cell_direction("Low", "High", NAMES) == "up"
    assert cell_direction("High", "Low", NAMES) == "down"
    assert cell_direction("Medium", "Medium", NAMES) == "unchanged"
    assert cell_direction(NEW, "Low", NAMES) == "new"
    assert cell_direction("Low", GONE, NAMES) == "gone"
    assert cell_direction(NEW, GONE, NAMES) == ""


def test_a_cells_table_puts_both_sides_next_to_each_other():
    found = pd.DataFrame({"CustomerID": ["c2", "c3"], "a_mean_amount": [900.004, 800.0], "b_mean_amount": [95.0, 90.0]})
    table = members_table(found, "High", "Medium", ("mean_amount", "balance"), ("July", "August"))
    assert list(table.columns) == [
        "Customer ID",
        "Segment (July)",
        "Segment (August)",
        "Average transaction (INR) (July)",
        "Average transaction (INR) (August)",
    ]
    assert table["Customer ID"].tolist() == ["c2", "c3"]
    assert table["Segment (July)"].tolist() == ["High", "High"]
    assert table["Segment (August)"].tolist() == ["Medium", "Medium"]
    assert table["Average transaction (INR) (July)"].tolist() == [900.0, 800.0]  # money to 2 decimals
    assert table["Average transaction (INR) (August)"].tolist() == [95.0, 90.0]


def test_counts_read_off_the_matrix(moves):
    counts = counts_from_matrix(transition_matrix(moves), NAMES)
    assert (counts.up, counts.down, counts.unchanged, counts.new, counts.gone) == (1, 2, 1, 1, 1)
    assert counts == movement_counts(moves)


def test_the_default_cell_is_the_largest_downgrade(moves):
    assert largest_move(transition_matrix(moves), NAMES) == ("High", "Medium")


def test_long_matrix_leaves_out_the_impossible_cell(moves):
    long = matrix_long(transition_matrix(moves), NAMES)
    assert len(long) == 4 * 4 - 1
    row = long[(long["From"] == "High") & (long["To"] == "Medium")].iloc[0]
    assert (row["Direction"], row["Customers"], row["Share of the row"]) == ("down", 2, 1.0)


def test_duplicate_customers_are_refused():
    with pytest.raises(ValueError, match="once"):
        segment_moves(pd.concat([A, A.head(1)]), B, NAMES)
