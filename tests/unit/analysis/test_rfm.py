"""RFM scores, names and the degenerate-frequency note, against hand-computed cases."""

from __future__ import annotations

import pandas as pd
import pytest

from core.analysis.rfm import frequency_note, grid_names, impossible_segments, rfm_crosstab, rfm_grid, rfm_grid_table
from core.pipeline.rfm import RFM_GRID, RFM_SEGMENTS, quintile_scores, rfm_sql, score_rfm, with_rfm


def _customers(recency, frequency, monetary, segment=None) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "CustomerID": [f"C{i}" for i in range(len(recency))],
            "recency_days": recency,
            "n_transactions": frequency,
            "total_amount": monetary,
        }
    )
    if segment is not None:
        frame["segment"] = pd.Categorical(segment, categories=["Low", "Medium", "High"], ordered=True)
    return frame


def test_distinct_values_fill_one_quintile_each():
    # Ten distinct values: 0..9 strictly smaller -> floor(5k/10) = 0,0,1,1,2,2,3,3,4,4.
    scores = quintile_scores(pd.Series([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]))
    assert scores.tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]


def test_recency_is_reversed():
    scores = quintile_scores(pd.Series([0, 1, 2, 3, 4]), higher_is_better=False)
    assert scores.tolist() == [5, 4, 3, 2, 1]


def test_ties_share_the_score_of_their_lowest_position():
    # Values 1,1,1,1,1,1,1,2,2,3: the seven 1s have 0 worse -> 1; the 2s have 7 worse -> 1+floor(35/10)=4;
    # the 3 has 9 worse -> 1+floor(45/10)=5.
    scores = quintile_scores(pd.Series([1, 1, 1, 1, 1, 1, 1, 2, 2, 3]))
    assert scores.tolist() == [1, 1, 1, 1, 1, 1, 1, 4, 4, 5]


def test_ties_do_not_depend_on_row_order():
    values = pd.Series([3, 1, 2, 1, 1, 2, 1, 1, 1, 1])
    assert quintile_scores(values).tolist() == [5, 1, 4, 1, 1, 4, 1, 1, 1, 1]


def test_missing_values_get_no_score_and_do_not_count():
    scores = quintile_scores(pd.Series([1.0, None, 2.0, 3.0, 4.0, 5.0]))
    assert scores.isna().tolist() == [False, True, False, False, False, False]
    assert scores.dropna().tolist() == [1, 2, 3, 4, 5]


def test_grid_names_cover_the_standard_map():
    assert RFM_GRID[(5, 5)] == "Champions"
    assert RFM_GRID[(5, 1)] == "New"
    assert RFM_GRID[(4, 1)] == "Promising"
    assert RFM_GRID[(3, 3)] == "Need attention"
    assert RFM_GRID[(3, 1)] == "About to sleep"
    assert RFM_GRID[(2, 3)] == "At risk"
    assert RFM_GRID[(1, 5)] == "Can't lose"
    assert RFM_GRID[(1, 1)] == "Hibernating"
    assert RFM_GRID[(4, 4)] == "Loyal"
    assert RFM_GRID[(5, 2)] == "Potential loyalists"
    assert set(RFM_GRID.values()) == set(RFM_SEGMENTS)
    assert grid_names().loc["R5", "F5"] == "Champions"
    assert grid_names().loc["R1", "F1"] == "Hibernating"


def test_score_rfm_names_each_customer():
    # Five customers, recency 0..4 (0 is best), frequency 1..5, spend 5..1.
    scores = score_rfm(_customers([0, 1, 2, 3, 4], [1, 2, 3, 4, 5], [50, 40, 30, 20, 10]))
    assert scores["rfm_recency"].tolist() == [5, 4, 3, 2, 1]
    assert scores["rfm_frequency"].tolist() == [1, 2, 3, 4, 5]
    assert scores["rfm_monetary"].tolist() == [5, 4, 3, 2, 1]
    assert scores["rfm_segment"].astype(str).tolist() == [
        "New",
        "Potential loyalists",
        "Need attention",
        "At risk",
        "Can't lose",
    ]


def test_score_rfm_refuses_missing_columns():
    with pytest.raises(ValueError, match="'n_transactions'"):
        score_rfm(pd.DataFrame({"recency_days": [1], "total_amount": [2.0]}))


def test_with_rfm_does_not_mutate_and_replaces():
    customers = _customers([0, 1], [1, 1], [1.0, 2.0])
    before = customers.copy()
    out = with_rfm(customers)
    pd.testing.assert_frame_equal(customers, before)
    assert list(out.columns[-4:]) == ["rfm_recency", "rfm_frequency", "rfm_monetary", "rfm_segment"]
    again = with_rfm(out)
    assert list(again.columns) == list(out.columns)


def _one_timers() -> pd.DataFrame:
    # 10 customers: 8 transact once, 2 twice -> frequency scores 1 (8) and 1+floor(40/10)=5 (2).
    return with_rfm(_customers(list(range(10)), [1] * 8 + [2, 2], [float(v) for v in range(1, 11)]))


def test_degenerate_frequency_is_said_and_the_lost_segments_named():
    customers = _one_timers()
    assert sorted(customers["rfm_frequency"].unique().tolist()) == [1, 5]
    note = frequency_note(customers)
    assert note is not None
    assert "80.0% of customers have exactly 1 transaction" in note
    assert "only the values 1 and 5" in note
    # With F only 1 or 5: At risk (F3-4), Need attention (F3) and Potential loyalists (F2-3) are unreachable.
    assert impossible_segments(customers) == ["Potential loyalists", "Need attention", "At risk"]
    assert "Potential loyalists, Need attention or At risk" in note


def test_no_note_when_every_score_occurs():
    customers = with_rfm(_customers(list(range(10)), list(range(1, 11)), [float(v) for v in range(10)]))
    assert frequency_note(customers) is None


def test_grid_counts_every_cell():
    customers = _one_timers()
    grid = rfm_grid(customers)
    assert grid.shape == (5, 5)
    assert int(grid.to_numpy().sum()) == 10
    # recency 0..9 -> scores 5,5,4,4,3,3,2,2,1,1; the two twice-customers have recency 8 and 9 -> R1, F5.
    assert grid.loc["R1", "F5"] == 2
    assert grid.loc["R5", "F1"] == 2
    assert grid.loc["R3", "F3"] == 0


def test_crosstab_has_every_segment_and_totals():
    customers = with_rfm(
        _customers(
            [0, 1, 2, 3, 4], [1, 2, 3, 4, 5], [50, 40, 30, 20, 10], segment=["High", "High", "Low", "Medium", "Low"]
        )
    )
    table = rfm_crosstab(customers)
    assert list(table.index) == ["Low", "Medium", "High", "All"]
    assert list(table.columns) == [*RFM_SEGMENTS, "All"]
    assert table.loc["High", "New"] == 1
    assert table.loc["High", "Potential loyalists"] == 1
    assert table.loc["Low", "Need attention"] == 1
    assert table.loc["Low", "Can't lose"] == 1
    assert table.loc["Medium", "At risk"] == 1
    assert table.loc["All", "All"] == 5
    assert table.loc["Low", "Champions"] == 0


def test_sql_gives_the_same_scores():
    duckdb = pytest.importorskip("duckdb")
    customers = _customers(
        [5, 3, 3, 0, 9, 1, 1, 1, 7, 2],
        [1, 1, 2, 1, 4, 1, 1, 3, 1, 2],
        [10.0, 20.0, 20.0, 5.0, 99.0, 1.0, 3.0, 3.0, 8.0, 2.0],
    )
    con = duckdb.connect()
    con.register("customers", customers)
    result = con.execute(rfm_sql("customers") + " ORDER BY CustomerID").df().set_index("CustomerID")
    expected = score_rfm(customers).set_index(customers["CustomerID"]).sort_index()
    for column in ("rfm_recency", "rfm_frequency", "rfm_monetary"):
        assert result[column].astype(int).tolist() == expected[column].astype(int).tolist()
    assert result["rfm_segment"].tolist() == expected["rfm_segment"].astype(str).tolist()


def test_grid_table_names_and_counts_each_cell():
    table = rfm_grid_table(_one_timers())
    assert table.loc["R1", "F5"] == "Can't lose: 2"
    assert table.loc["R5", "F1"] == "New: 2"
    assert table.loc["R3", "F3"] == "Need attention: 0"
