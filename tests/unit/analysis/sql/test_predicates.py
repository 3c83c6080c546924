"""The SQL clause selects exactly the customers the pandas masks select, for every kind of filter and rule."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest

from core.analysis.audience_rules import rule_mask
from core.analysis.filters import Filters, customer_mask
from core.analysis.sql.predicates import (
    chosen_by_segment_alone,
    filters_predicate,
    rule_predicate,
    transactions_predicate,
)
from core.analysis.sql.source import ROW_COLUMN


def _sql_rows(source, predicate) -> list[int]:
    rows = source.query(f"SELECT {ROW_COLUMN} AS r FROM customers WHERE {predicate.sql} ORDER BY r", predicate.params)
    return rows["r"].tolist()


def _filter_cases(customers, transactions) -> list[Filters]:
    names = list(customers["segment"].cat.categories)
    cities = customers["location"].value_counts().index[:3].tolist()
    dates = transactions["date"]
    middle = (dates.min() + (dates.max() - dates.min()) / 2).date()
    balance = customers["balance"].quantile([0.2, 0.7]).tolist()
    return [
        Filters(),
        Filters(segments=(names[-1],)),
        Filters(segments=(names[0], names[-1]), genders=("F",)),
        Filters(genders=("M", "unknown")),
        Filters(age_range=(25, 40)),  # a narrowed range: known ages only (issue 12)
        Filters(age_range=(25, 40), include_unknown_age=True),
        Filters(age_range=(25, 40), include_unknown_age=False),
        Filters(include_unknown_age=False),
        Filters(balance_range=tuple(balance)),
        Filters(locations=tuple(cities)),
        Filters(locations=("NO SUCH PLACE",)),
        Filters(date_range=(middle, middle)),
        Filters(date_range=(middle, middle + timedelta(days=20)), segments=(names[1],)),
        Filters(rfm_segments=("Champions", "Hibernating")),
        Filters(audience=("rich", "balance >= 100000 and gender = 'f'")),
    ]


def test_every_filter_selects_the_same_customers_as_the_pandas_mask(pair):
    artifacts, source = pair
    customers, transactions = artifacts.customers, artifacts.transactions
    for filters in _filter_cases(customers, transactions):
        expected = np.flatnonzero(customer_mask(customers, filters, transactions)).tolist()
        assert _sql_rows(source, filters_predicate(filters)) == expected, filters


def test_the_transactions_of_a_view_are_its_customers_transactions_with_or_without_their_segment(pair):
    artifacts, source = pair
    customers, transactions = artifacts.customers, artifacts.transactions
    assert source.transactions_have_segments
    for filters in _filter_cases(customers, transactions):
        rows = np.flatnonzero(customer_mask(customers, filters, transactions))
        expected = int(np.isin(transactions["customer_row"].to_numpy(), rows).sum())
        for own in (True, False):
            clause = transactions_predicate(filters, own)
            found = source.scalar(f"SELECT count(*) FROM transactions WHERE {clause.sql}", clause.params)
            assert found == expected, (filters, own)
            # the join-free clause only where a transaction's own segment decides
            assert ("customers" not in clause.sql) == (own and chosen_by_segment_alone(filters)), filters
    assert chosen_by_segment_alone(Filters()) and chosen_by_segment_alone(Filters(segments=("High",)))
    assert not chosen_by_segment_alone(Filters(segments=("High",), genders=("F",)))
    assert not chosen_by_segment_alone(Filters(include_unknown_age=False))


RULES = [
    "segment = 'high'",
    "segment != 'High'",
    "segment in ('Low', 'medium')",
    "gender not in ('F')",
    "location = 'mumbai' or location = 'NEW DELHI'",
    "age between 30 and 45",
    "age is missing",
    "age is not missing and balance < 5000",
    "balance > 50000 and (n_transactions >= 2 or mean_amount > 2000)",
    "mean_amount <= 300",
    "n_transactions = 1",
    "n_transactions != 1",
    "recency_days in (0, 1, 2)",
    "night_share > 0",
    "first_date >= '2016-08-15'",
    "last_date between '2016-08-01' and '2016-08-31'",
    "rfm_segment = 'champions'",
    "rfm_monetary >= 4",
]


@pytest.mark.parametrize("rule", RULES)
def test_every_rule_selects_the_same_customers_as_rule_mask(pair, rule):
    artifacts, source = pair
    mask, _ = rule_mask(rule, artifacts.customers)
    assert _sql_rows(source, rule_predicate(rule)) == np.flatnonzero(mask).tolist()


def test_user_text_is_a_parameter_never_sql(generated_pair):
    _, source = generated_pair
    before = source.scalar("SELECT count(*) FROM customers")
    assert before > 0
    hostile = "x'); DROP VIEW customers; --"
    predicate = filters_predicate(Filters(locations=(hostile,), audience=("a", f'location = "{hostile}"')))
    assert hostile not in predicate.sql
    assert _sql_rows(source, predicate) == []
    assert source.scalar("SELECT count(*) FROM customers") == before  # still there
