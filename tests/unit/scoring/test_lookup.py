"""Customer lookup: summary rows, filters flag, caps, readable values and download tables."""

import numpy as np
import pandas as pd
import pytest

from core.analysis.filters import Filters
from core.present.formats import format_value
from core.scoring.lookup import (
    describe_scored,
    id_options,
    look_up_customers,
    lookup_customers,
    reason_table,
    scores_table,
    segment_fit_table,
)
from core.scoring.score import score_customers


def test_lookup_rows_follow_the_ids_and_carry_scores(trained):
    customers, names = trained.customers, list(trained.models.segment_names)
    ids = list(customers["CustomerID"].iloc[[40, 2, 17]])
    result = look_up_customers(trained.models, customers, [ids[0], "NOPE", ids[1].lower(), ids[2], ids[0]])
    table = result.table
    assert list(table["CustomerID"]) == ids and result.unknown == ["NOPE"] and result.skipped == 0
    assert list(table["segment"].astype(str)) == list(customers.set_index("CustomerID").loc[ids, "segment"])
    assert table["in_filters"].all() and result.outside_filters == []
    # distances recomputed from the fitted K-Means centres, not read back from the table under test
    z = trained.models.segment.transform(customers.set_index("CustomerID").loc[ids])
    distances = np.linalg.norm(z[:, None, :] - trained.models.segment.centres()[None, :, :], axis=2)
    assert np.allclose(table[[f"distance_{n}" for n in names]].to_numpy(), distances)
    second = [names[i] for i in np.argsort(distances, axis=1)[:, 1]]
    assert list(table["closest_other"]) == second
    assert (table["closest_other"] != table["segment"].astype(str)).all()
    assert table["stands_out"].str.len().gt(0).all()


def test_lookup_flags_customers_outside_the_filters(trained):
    customers = trained.customers
    low = customers.loc[customers["segment"] == "Low", "CustomerID"].iloc[0]
    high = customers.loc[customers["segment"] == "High", "CustomerID"].iloc[0]
    result = look_up_customers(trained.models, customers, [low, high], Filters(segments=("High",)))
    assert list(result.table["in_filters"]) == [False, True] and result.outside_filters == [low]


def test_lookup_caps_the_number_of_ids(trained):
    ids = list(trained.customers["CustomerID"].iloc[:12])
    result = look_up_customers(trained.models, trained.customers, ids, limit=5)
    assert len(result.table) == 5 and result.skipped == 7


def test_lookup_of_unknown_ids_only_is_empty_but_typed(trained):
    result = look_up_customers(trained.models, trained.customers, ["X1", "X2"])
    assert result.table.empty and result.unknown == ["X1", "X2"]
    assert "p_High" in result.table and "in_filters" in result.table


def test_id_options_are_capped_and_come_from_the_view(trained):
    view = trained.customers[trained.customers["segment"] == "High"]
    options = id_options(view, limit=10)
    assert len(options) == 10 and set(options) <= set(view["CustomerID"])


@pytest.mark.parametrize(
    ("name", "value", "text"),
    [
        ("balance", 1234567.8, "₹12.3 lakh"),  # lakh and crore from 1 lakh up, as everywhere in the app
        ("balance", 98_765.4, "₹98,765"),
        ("n_transactions", 3, "3"),
        ("recency_days", 1, "1 day"),
        ("recency_days", 51, "51 days"),
        ("mean_hour", 17.5, "17:30"),
        ("night_share", 0.25, "25%"),
        ("age", 35.0, "35 years"),
        ("age", np.nan, "–"),
        ("location", "MUMBAI", "MUMBAI"),
        ("gender", None, "–"),
        ("gender", "F", "Female"),
    ],
)
def test_values_read_like_a_marketer_writes_them(name, value, text):
    assert format_value(name, value) == text


def test_reason_and_fit_tables_describe_one_customer(trained):
    names = list(trained.models.segment_names)
    row = trained.customers.iloc[0].copy()
    row["balance"] = 1e8
    reasons = reason_table(trained.models, row)
    assert list(reasons.columns) == [
        "Feature",
        "This customer",
        "Typical customer",
        "vs typical",
        "Decides the segment",
    ]
    assert reasons.iloc[0]["Decides the segment"]  # the segment's reasons come first
    assert reasons.iloc[0]["Feature"] in ("Account balance", "Average transaction", "Total spend")
    balance = reasons[reasons["Feature"] == "Account balance"].iloc[0]
    assert balance["This customer"] == "₹10.0 Cr" and balance["vs typical"].startswith("much higher (")
    scored = score_customers(trained.models, pd.DataFrame([row])).iloc[0]
    fit = segment_fit_table(scored, names)
    assert list(fit["Segment"]) == names and fit["Probability"].sum() == pytest.approx(1)


def test_scores_table_has_readable_headers_and_rounding(trained):
    result = look_up_customers(trained.models, trained.customers, list(trained.customers["CustomerID"].iloc[:3]))
    table = scores_table(result.table.assign(extra="kept"))
    assert {
        "Customer ID",
        "Segment",
        "Account balance (INR)",
        "Classifier probability High",
        "Distance to Low centre",
        "Matches filters",
        "Stands out",
        "Next closest segment",
        "extra",
    } <= set(table.columns)
    assert (table["Classifier probability High"] == table["Classifier probability High"].round(3)).all()
    assert "p_High" in result.table  # the input is not renamed in place


def test_describe_scored_counts_segments_and_missing_features():
    scored = pd.DataFrame({"segment": ["Low", "High", "High"]})
    scored.attrs["missing_features"] = ["age", "location"]
    assert describe_scored(scored, ["Low", "Medium", "High"]) == (
        "3 customers scored: 1 Low, 0 Medium, 2 High. Not in the file, so scored as unknown: Age, Location."
    )


def test_agreement_is_the_classifiers_probability_of_the_own_segment(trained):
    ids = list(trained.customers["CustomerID"].iloc[:25])
    table = look_up_customers(trained.models, trained.customers, ids).table
    for _, row in table.iterrows():
        assert row["agreement"] == row[f"p_{row['segment']}"]


def test_lookup_by_a_shared_id_finds_every_person_behind_it():
    customers = pd.DataFrame({"CustomerID": ["C1", "C1#2", "C10", "C2", "C1#3"], "balance": [1.0, 2, 3, 4, 5]})
    found, unknown = lookup_customers(customers, ["c1", "C2", "C9"])
    assert found["CustomerID"].tolist() == ["C1", "C1#2", "C1#3", "C2"] and unknown == ["C9"]
    found, _ = lookup_customers(customers, ["C1#2", "C1"])
    assert found["CustomerID"].tolist() == ["C1#2", "C1", "C1#3"]  # each person once, in the order asked
