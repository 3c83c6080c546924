"""Tests for core.analysis.selection: chart selections become the right customers' full rows, by CustomerID."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.analysis.sampling import sample_customers
from core.analysis.selection import customers_by_id, customers_in_segment, describe_selection
from core.errors import DataError
from core.present.scatter import segment_scatter, selected_customer_ids

NAMES = ["Low", "Medium", "High"]


@pytest.fixture(scope="module")
def view() -> pd.DataFrame:
    """600 seeded customers, three segments of different sizes, richer segments with bigger balances."""
    rng = np.random.default_rng(3)
    seg = rng.choice(3, 600, p=[0.5, 0.3, 0.2])
    frame = pd.DataFrame(
        {
            "CustomerID": pd.array([f"C{i:05d}" for i in rng.permutation(600)], dtype="str"),
            "balance": np.round(np.exp(rng.normal(8 + seg, 1.0)), 2),
            "mean_amount": np.round(np.exp(rng.normal(5 + seg, 0.5)), 2),
            "gender": pd.array(rng.choice(["M", "F"], 600), dtype="str"),
        }
    )
    frame["segment"] = pd.Categorical.from_codes(seg, categories=NAMES, ordered=True)
    return frame


def points_of(figure, per_trace: int = 5) -> list[dict]:
    """What Streamlit hands back for a box selection: a few points of each customer trace, customdata included."""
    points = []
    for curve, trace in enumerate(figure.data):
        if trace.customdata is None:
            continue
        for i in range(min(per_trace, len(trace.x))):
            points.append(
                {
                    "curve_number": curve,
                    "point_index": i,
                    "x": trace.x[i],
                    "y": trace.y[i],
                    "customdata": list(trace.customdata[i]),
                }
            )
    return points


def test_selected_points_give_the_customers_plotted_there(view):
    sample = sample_customers(view, 200)
    figure = segment_scatter(sample, "balance", "mean_amount")
    points = points_of(figure)
    rows = customers_by_id(view, selected_customer_ids(points))
    assert len(rows) == len(points) == 15
    # each selected customer's full row has the values the point was drawn at, and the segment of its trace
    by_id = rows.set_index("CustomerID")
    for p in points:
        row = by_id.loc[p["customdata"][0]]
        assert row["balance"] == pytest.approx(p["x"])
        assert row["mean_amount"] == pytest.approx(p["y"])
        assert str(row["segment"]) == figure.data[p["curve_number"]].name


def test_point_positions_would_pick_other_customers(view):
    # the reason for IDs: a point's index within its trace says nothing about its row in the view
    sample = sample_customers(view, 200)
    points = points_of(segment_scatter(sample, "balance", "mean_amount"))
    by_index = view.iloc[[p["point_index"] for p in points]]["CustomerID"]
    assert set(by_index) != set(selected_customer_ids(points))


def test_customers_by_id_keeps_view_order_and_all_columns(view):
    wanted = list(view["CustomerID"].iloc[[40, 3, 17]])
    rows = customers_by_id(view, wanted)
    assert list(rows["CustomerID"]) == list(view["CustomerID"].iloc[[3, 17, 40]])
    assert list(rows.columns) == list(view.columns)


def test_customers_by_id_ignores_unknown_ids_and_duplicates(view):
    first = str(view["CustomerID"].iloc[0])
    rows = customers_by_id(view, [first, "NOT-A-CUSTOMER", first])
    assert list(rows["CustomerID"]) == [first]


def test_customers_by_id_of_nothing_is_an_empty_frame_with_the_columns(view):
    rows = customers_by_id(view, [])
    assert rows.empty and list(rows.columns) == list(view.columns)


def test_customers_by_id_matches_numeric_ids_as_text():
    frame = pd.DataFrame({"CustomerID": [101, 202, 303], "segment": pd.Categorical(["Low", "High", "Low"])})
    assert list(customers_by_id(frame, ["202", "303"])["CustomerID"]) == [202, 303]


def test_customers_in_segment(view):
    rows = customers_in_segment(view, "High")
    assert len(rows) == int((view["segment"] == "High").sum()) > 0
    assert set(rows["segment"].astype(str)) == {"High"}


def test_customers_in_segment_refuses_an_unknown_segment(view):
    with pytest.raises(DataError, match="there is no segment 'Gold'; the segments are Low, Medium, High"):
        customers_in_segment(view, "Gold")


def test_describe_selection_counts_each_segment_in_order(view):
    rows = pd.concat([view[view["segment"] == "High"].head(3), view[view["segment"] == "Low"].head(1)])
    assert describe_selection(rows) == "4 customers selected: Low 1 (25%), High 3 (75%)."
    assert describe_selection(rows.head(1)) == "1 customer selected: High 1 (100%)."
    assert describe_selection(rows.iloc[0:0]) == "No customer selected."
