"""Tests for core.analysis.explore: each aggregation checked against an independent pandas computation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.analysis.explore import (
    activity_by_date,
    activity_by_hour,
    activity_by_weekday,
    age_distribution,
    feature_correlations,
    gender_mix,
    summarise_dataset,
    summarise_view,
    top_locations,
)
from core.analysis.joins import linked_positions, select_transactions, transaction_positions
from core.analysis.sampling import sample_customers
from core.errors import DataError
from core.pipeline.link import id_positions, ids_in, link_transactions


def test_ids_in_matches_pandas_isin():
    values = pd.Series(["C1", "C2", "C3", None, "C5"], dtype="str")
    candidates = pd.Series(["C3", "C1", "C9"], dtype=object)
    np.testing.assert_array_equal(ids_in(values, candidates), values.isin(candidates).to_numpy())
    assert ids_in(values.iloc[:0], candidates).shape == (0,)


def test_ids_in_copes_with_numeric_ids_against_text():
    np.testing.assert_array_equal(ids_in(pd.Series([1, 2, 3]), ["2", "3"]), [False, True, True])


def test_id_positions_finds_each_value_or_minus_one():
    lookup = pd.Series(["a", "b", "c"], dtype="str")
    np.testing.assert_array_equal(id_positions(pd.Series(["c", "x", "a", "c"]), lookup), [2, -1, 0, 2])


def test_select_transactions_keeps_only_the_customers_given(data):
    customers, transactions = data
    high = customers[customers["segment"] == "High"]
    got = select_transactions(transactions, high)
    assert set(got["customer_id"]) == set(high["CustomerID"])
    assert len(got) == int(high["n_transactions"].sum())


def test_summarise_dataset_numbers(data):
    customers, transactions = data
    s = summarise_dataset(customers, transactions)
    assert s["n_customers"] == len(customers) and s["n_transactions"] == len(transactions)
    assert s["total_balance"] == pytest.approx(customers["balance"].sum())
    assert s["total_amount"] == pytest.approx(transactions["amount"].sum())
    assert s["share_single_transaction"] == pytest.approx((customers["n_transactions"] == 1).mean())
    assert s["transactions_per_customer"] == pytest.approx(len(transactions) / len(customers))
    assert s["date_min"] == transactions["date"].min().date() and s["date_max"] == transactions["date"].max().date()
    assert s["n_locations"] == customers.loc[customers["location"] != "UNKNOWN", "location"].nunique()


def test_summarise_dataset_of_nothing_does_not_raise(data):
    customers, transactions = data
    s = summarise_dataset(customers.iloc[:0], transactions.iloc[:0])
    assert s["n_customers"] == 0 and s["date_min"] is None and np.isnan(s["median_balance"])


def test_top_locations_are_the_biggest_first(data):
    customers, _ = data
    got = top_locations(customers, n=3)
    want = customers["location"].value_counts().head(3)
    assert got["location"].tolist() == want.index.tolist()
    assert got["customers"].tolist() == want.tolist()
    np.testing.assert_allclose(got["share"], want.to_numpy() / len(customers))


def test_activity_by_hour_counts_every_hour(data):
    _, transactions = data
    got = activity_by_hour(transactions)
    want = transactions.dropna(subset=["hour"]).groupby("hour")["amount"].agg(["size", "sum"])
    assert got["hour"].tolist() == list(range(24))
    assert got.set_index("hour")["transactions"].loc[want.index.astype(int)].tolist() == want["size"].tolist()
    np.testing.assert_allclose(got.set_index("hour")["total_amount"].loc[want.index.astype(int)], want["sum"])
    assert got["share"].sum() == pytest.approx(1.0)


def test_activity_by_weekday_starts_on_monday(data):
    _, transactions = data
    got = activity_by_weekday(transactions)
    want = transactions.groupby(transactions["date"].dt.day_name()).size()
    assert got["day"].tolist()[0] == "Monday" and got["day"].tolist()[-1] == "Sunday"
    assert got.set_index("day")["transactions"].loc[want.index].tolist() == want.tolist()


def test_activity_by_date_fills_missing_days_with_zero():
    tx = pd.DataFrame(
        {
            "customer_id": ["a", "b", "c"],
            "hour": [1.0, 2.0, 3.0],
            "amount": [10.0, 20.0, 5.0],
            "date": pd.to_datetime(["2016-08-01 10:00", "2016-08-01 12:00", "2016-08-04 00:00"]),
        }
    )
    got = activity_by_date(tx)
    assert got["transactions"].tolist() == [2, 0, 0, 1]
    assert got["total_amount"].tolist() == [30.0, 0.0, 0.0, 5.0]
    assert activity_by_date(tx.iloc[:0]).empty


def test_age_distribution_uses_marketing_bands(data):
    customers, _ = data
    got = age_distribution(customers)
    bands = pd.cut(customers["age"], [0, 25, 35, 45, 60, 200], labels=["18-25", "26-35", "36-45", "46-60", "60+"])
    want = bands.value_counts().reindex(["18-25", "26-35", "36-45", "46-60", "60+"]).tolist()
    assert got["age_band"].tolist() == ["18-25", "26-35", "36-45", "46-60", "60+", "Unknown"]
    assert got["customers"].tolist() == [*want, int(customers["age"].isna().sum())]
    assert got["share"].sum() == pytest.approx(1.0)


def test_age_distribution_with_edges_or_a_bin_count(data):
    customers, _ = data
    got = age_distribution(customers, [18, 30, 50, 200])
    assert got["age_band"].tolist() == ["18-29", "30-49", "50-199", "Unknown"]
    assert got["customers"].iloc[0] == int(customers["age"].between(18, 29.999).sum())
    assert got["customers"].sum() == len(customers)
    assert age_distribution(customers, 5)["customers"].sum() == len(customers)


def test_gender_mix_in_fixed_order(data):
    customers, _ = data
    got = gender_mix(customers)
    assert got["gender"].tolist() == ["M", "F", "other", "unknown"]
    assert got["customers"].tolist() == customers["gender"].value_counts().reindex(got["gender"]).tolist()


def test_feature_correlations_are_spearman(data):
    customers, _ = data
    corr = feature_correlations(customers)
    assert corr.shape[0] == corr.shape[1] and np.allclose(np.diag(corr), 1.0)
    np.testing.assert_allclose(corr.to_numpy(), corr.to_numpy().T)
    want = customers[["total_amount", "n_transactions"]].corr(method="spearman").iloc[0, 1]
    assert corr.loc["total_amount", "n_transactions"] == pytest.approx(want, abs=1e-9)


def test_feature_correlations_on_a_fixed_sample_are_deterministic(data):
    customers, _ = data
    a = feature_correlations(customers, max_rows=500, seed=1)
    b = feature_correlations(customers, max_rows=500, seed=1)
    pd.testing.assert_frame_equal(a, b)


def test_sample_customers_is_stratified_deterministic_and_ordered(data):
    customers, _ = data
    tiny = customers.copy()
    tiny["segment"] = tiny["segment"].cat.add_categories("Tiny")
    tiny.loc[tiny.index[:3], "segment"] = "Tiny"  # a segment of 3 customers must still appear
    a = sample_customers(tiny, 200, seed=7)
    b = sample_customers(tiny, 200, seed=7)
    assert len(a) == 200
    assert a["CustomerID"].tolist() == b["CustomerID"].tolist()
    assert set(a["segment"]) == set(tiny["segment"])
    assert a.index.is_monotonic_increasing
    assert a.attrs["sampled_from"] == len(tiny)
    share = a["segment"].value_counts(normalize=True)["Low"]
    assert share == pytest.approx((tiny["segment"] == "Low").mean(), abs=0.05)


def test_sample_customers_returns_everyone_when_small_enough(data):
    customers, _ = data
    assert len(sample_customers(customers, 10_000)) == len(customers)
    assert len(sample_customers(customers, 50, by=None)) == 50


def test_link_transactions_records_each_customers_row(data):
    customers, transactions = data
    linked = link_transactions(customers, transactions)
    rows = linked["customer_row"].to_numpy()
    assert (customers["CustomerID"].to_numpy()[rows] == transactions["customer_id"].to_numpy()).all()
    assert "customer_row" not in transactions  # the input is left alone


def test_link_transactions_needs_the_full_frame(data):
    customers, transactions = data
    with pytest.raises(DataError, match="full customers table"):
        link_transactions(customers[customers["segment"] == "High"], transactions)


def test_linked_and_unlinked_joins_agree_on_filtered_views(data):
    customers, transactions = data
    linked = link_transactions(customers, transactions)
    view = customers[(customers["segment"] != "Low") & (customers["gender"] == "M")]
    want = select_transactions(transactions, view)
    assert linked_positions(view, linked) is not None  # the fast path is taken
    got = select_transactions(linked, view)
    assert got["customer_id"].tolist() == want["customer_id"].tolist()
    np.testing.assert_array_equal(transaction_positions(view, linked), transaction_positions(view, transactions))


def test_a_link_that_does_not_fit_the_view_falls_back_to_ids(data):
    customers, transactions = data
    linked = link_transactions(customers, transactions)
    view = customers[customers["segment"] == "High"].reset_index(drop=True)  # index labels no longer rows
    assert linked_positions(view, linked) is None
    assert set(select_transactions(linked, view)["customer_id"]) == set(view["CustomerID"])


def test_summarise_view_counts_only_the_views_own_transactions(data):
    customers, transactions = data
    view = customers[customers["segment"] == "High"]
    summary = summarise_view(view, transactions)
    assert summary["n_customers"] == len(view)
    assert summary["n_transactions"] == int(transactions["customer_id"].isin(view["CustomerID"]).sum())
