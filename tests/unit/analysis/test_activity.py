"""Tests for core.analysis.activity: the three activity tables of the selected customers, checked with plain pandas."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.analysis.activity import transaction_activity


def make_data() -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(11)
    customers = pd.DataFrame({"CustomerID": pd.array([f"C{i}" for i in range(50)], dtype="str")})
    n = 400
    tx = pd.DataFrame(
        {
            "customer_id": pd.array(rng.choice([f"C{i}" for i in range(60)], n), dtype="str"),  # C50-C59: not shown
            "date": pd.Timestamp("2016-08-01") + pd.to_timedelta(rng.integers(0, 20, n), unit="D"),
            "hour": np.where(rng.random(n) < 0.05, np.nan, rng.integers(0, 24, n)).astype("float64"),
            "amount": np.round(rng.exponential(500, n) + 1, 2),
        }
    )
    return customers, tx


def test_activity_counts_only_the_customers_given():
    customers, tx = make_data()
    shown = customers.iloc[:20]
    act = transaction_activity(shown, tx)
    mine = tx[tx["customer_id"].isin(set(shown["CustomerID"]))]
    assert act.n_transactions == len(mine)
    by_hour = mine.dropna(subset=["hour"]).groupby(mine["hour"].dropna().astype(int)).size()
    assert act.hour.set_index("hour")["transactions"].reindex(by_hour.index).tolist() == by_hour.tolist()
    assert act.hour["transactions"].sum() == mine["hour"].notna().sum()
    by_day = mine.groupby(mine["date"].dt.day_of_week)["amount"].sum()
    got_days = act.weekday.set_index("weekday")["total_amount"].reindex(by_day.index)
    assert got_days.to_numpy() == pytest.approx(by_day.to_numpy())
    daily = mine.groupby(mine["date"].dt.normalize()).size()
    got = act.daily.set_index("date")["transactions"]
    assert got.sum() == len(mine) and got.reindex(daily.index).tolist() == daily.tolist()
    assert (got.drop(daily.index) == 0).all()  # days without a transaction are there, with zero


def test_days_without_transactions_are_counted():
    customers, tx = make_data()
    gap = tx[(tx["date"] < "2016-08-05") | (tx["date"] > "2016-08-08")]  # 4 days with nothing at all
    act = transaction_activity(customers, gap)
    assert act.empty_days == 4
    assert transaction_activity(customers, tx).empty_days == 0
