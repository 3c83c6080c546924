"""Re-scoring periods of a dataset with its fixed model: the whole range reproduces training, halves, refusals."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from core.errors import DataError
from core.scoring.periods import default_periods, period_transactions, score_period

COMPARED = (
    "age",
    "gender",
    "location",
    "balance",
    "n_transactions",
    "total_amount",
    "mean_amount",
    "max_amount",
    "recency_days",
    "active_span_days",
    "mean_hour",
    "night_share",
    "weekend_share",
)


def test_default_periods_are_the_two_halves():
    assert default_periods(date(2016, 8, 1), date(2016, 10, 21)) == (
        (date(2016, 8, 1), date(2016, 9, 10)),
        (date(2016, 9, 11), date(2016, 10, 21)),
    )
    assert default_periods(date(2016, 8, 1), date(2016, 8, 2)) == (
        (date(2016, 8, 1), date(2016, 8, 1)),
        (date(2016, 8, 2), date(2016, 8, 2)),
    )


def test_the_whole_date_range_reproduces_the_training_features_and_segments(trained):
    c, tx = trained.customers, trained.transactions
    scored = score_period(trained.models, c, tx, tx["date"].min().date(), tx["date"].max().date())
    assert scored["CustomerID"].tolist() == c["CustomerID"].tolist()
    for name in COMPARED:
        pd.testing.assert_series_equal(scored[name], c[name], check_names=False)
    assert (scored["segment"].astype(str).to_numpy() == c["segment"].astype(str).to_numpy()).all()


def test_a_period_only_counts_its_own_transactions(trained):
    c, tx = trained.customers, trained.transactions
    start, end = date(2016, 8, 1), date(2016, 8, 31)
    in_august = tx[(tx["date"] >= "2016-08-01") & (tx["date"] <= "2016-08-31")]
    scored = score_period(trained.models, c, tx, start, end)
    assert len(scored) == in_august["customer_id"].nunique()
    counted = in_august.groupby("customer_id").size()
    assert scored.set_index("CustomerID")["n_transactions"].sort_index().tolist() == counted.sort_index().tolist()


def test_rows_restrict_the_customers(trained):
    c, tx = trained.customers, trained.transactions
    rows = c.index[c["gender"] == "F"]
    period = period_transactions(c, tx, date(2016, 8, 1), date(2016, 10, 31), rows)
    assert set(period["customer_id"]) == set(c.loc[rows, "CustomerID"])
    assert (period["gender"] == "F").all()


def test_an_empty_period_is_refused_with_a_message(trained):
    with pytest.raises(DataError, match="no transaction between 01/01/2020 and 31/01/2020"):
        score_period(trained.models, trained.customers, trained.transactions, date(2020, 1, 1), date(2020, 1, 31))
