"""Tests for core.analysis.filters: masks match independent pandas expressions, URL round trips, words and slugs."""

from __future__ import annotations

import re
from datetime import date

import numpy as np
import pandas as pd
import pytest

from core.analysis.filter_urls import filters_from_query, filters_to_query, read_filters_query
from core.analysis.filters import (
    FilterOptions,
    Filters,
    apply_filters,
    filter_options,
    normalise_filters,
    unknown_age_count,
)
from core.pipeline.link import link_transactions
from core.present.filter_text import describe_filters, filters_slug
from tests.unit.fake_segments import NAMES, make_data


@pytest.fixture(scope="module")
def options(data):
    """Widget options of the fixture data."""
    customers, transactions = data
    return filter_options(customers, transactions)


def ids(frame: pd.DataFrame) -> list[str]:
    """The customer ids of a frame, sorted, for set-like comparisons."""
    return sorted(frame["CustomerID"])


def test_no_filters_returns_everyone_and_is_inactive(data):
    customers, transactions = data
    assert not Filters().is_active
    assert len(apply_filters(customers, Filters(), transactions)) == len(customers)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(segments=("High",)), lambda c: c["segment"] == "High"),
        (Filters(segments=("Low", "High")), lambda c: c["segment"].isin(["Low", "High"])),
        (Filters(genders=("F",)), lambda c: c["gender"] == "F"),
        (Filters(locations=("NEW DELHI, SOUTH", "PUNE")), lambda c: c["location"].isin(["NEW DELHI, SOUTH", "PUNE"])),
        (Filters(age_range=(25, 40)), lambda c: c["age"].between(25, 40)),  # a narrowed range: known ages only
        (Filters(age_range=(25, 40), include_unknown_age=True), lambda c: c["age"].between(25, 40) | c["age"].isna()),
        (Filters(include_unknown_age=False), lambda c: c["age"].notna()),
        (Filters(balance_range=(5_000, 50_000)), lambda c: c["balance"].between(5_000, 50_000)),
        (
            Filters(segments=("Medium",), genders=("M",), age_range=(30, 60), balance_range=(1_000, 1e6)),
            lambda c: (
                (c["segment"] == "Medium")
                & (c["gender"] == "M")
                & c["age"].between(30, 60)
                & c["balance"].between(1_000, 1e6)
            ),
        ),
    ],
)
def test_filters_match_an_independent_pandas_expression(data, filters, expected):
    customers, transactions = data
    got = apply_filters(customers, filters, transactions)
    want = customers[expected(customers)]
    assert 0 < len(got) < len(customers)
    assert ids(got) == ids(want)


def test_date_range_keeps_customers_with_a_transaction_in_it(data):
    customers, transactions = data
    start, end = date(2016, 8, 20), date(2016, 8, 31)
    in_range = transactions["date"].between(pd.Timestamp(start), pd.Timestamp(end))
    want = set(transactions.loc[in_range, "customer_id"])
    got = apply_filters(customers, Filters(date_range=(start, end)), transactions)
    assert set(got["CustomerID"]) == want
    assert 0 < len(want) < len(customers)


def test_date_range_with_linked_transactions_gives_the_same_customers(data):
    customers, transactions = data
    f = Filters(segments=("Low", "High"), date_range=(date(2016, 9, 1), date(2016, 9, 15)))
    linked = link_transactions(customers, transactions)
    assert ids(apply_filters(customers, f, linked)) == ids(apply_filters(customers, f, transactions))


def test_date_range_without_transactions_uses_first_and_last_dates(data):
    customers, _ = data
    start, end = pd.Timestamp("2016-08-20"), pd.Timestamp("2016-08-31")
    got = apply_filters(customers, Filters(date_range=(start.date(), end.date())))
    want = customers[(customers["first_date"] <= end) & (customers["last_date"] >= start)]
    assert ids(got) == ids(want)


def test_filtering_on_a_plain_text_segment_column_works_too(data):
    customers, _ = data
    plain = customers.assign(segment=customers["segment"].astype(str))
    assert len(apply_filters(plain, Filters(segments=("High",)))) == int((customers["segment"] == "High").sum())


def test_no_match_gives_an_empty_frame_with_the_same_columns(data):
    customers, transactions = data
    got = apply_filters(customers, Filters(segments=("High",), locations=("NOWHERE",)), transactions)
    assert got.empty
    assert list(got.columns) == list(customers.columns)


def test_apply_filters_does_not_mutate_its_input(data):
    customers, transactions = data
    before = customers.copy()
    apply_filters(customers, Filters(segments=("Low",), balance_range=(0, 100)), transactions)
    pd.testing.assert_frame_equal(customers, before)


def test_filters_accept_widget_lists_and_are_hashable():
    f = Filters(
        segments=["High", "High", "Low"], age_range=[40, 25], date_range=(pd.Timestamp("2016-09-01"), "2016-08-01")
    )
    assert f.segments == ("High", "Low")
    assert f.age_range == (25, 40)
    assert f.date_range == (date(2016, 8, 1), date(2016, 9, 1))
    assert hash(f) == hash(
        Filters(segments=("High", "Low"), age_range=(25, 40), date_range=(date(2016, 8, 1), date(2016, 9, 1)))
    )


def test_filter_options_read_choices_and_bounds_from_the_data(data, options):
    customers, transactions = data
    assert options.segments == ("Low", "Medium", "High")
    assert options.genders == ("M", "F", "other", "unknown")
    counts = customers["location"].value_counts()
    assert options.locations[0] == counts.idxmax()
    assert [counts[loc] for loc in options.locations] == sorted(counts, reverse=True)
    assert options.age_min == customers["age"].min() and options.age_max == customers["age"].max()
    assert options.balance_min <= customers["balance"].min() and options.balance_max >= customers["balance"].max()
    assert options.date_min == transactions["date"].min().date()
    assert options.date_max == transactions["date"].max().date()


def test_query_round_trip_keeps_every_filter_including_commas_in_locations(options):
    f = Filters(
        segments=("Low", "High"),
        genders=("F",),
        age_range=(25, 40),
        include_unknown_age=True,
        balance_range=(1_000.5, 50_000),
        locations=("NEW DELHI, SOUTH", "100% TOWN"),
        date_range=(date(2016, 8, 10), date(2016, 8, 20)),
    )
    query = filters_to_query(f)
    assert all(isinstance(v, str) for v in query.values())
    assert filters_from_query(query, options) == f


def test_empty_filters_give_an_empty_query(options):
    assert filters_to_query(Filters()) == {}
    assert filters_from_query({}, options) == Filters()


def test_bad_query_values_are_ignored_never_raised(options):
    params = {
        "segment": "Bogus,High",
        "gender": "X",
        "age": "abc..40",
        "balance": "1e400..nan",
        "dates": "2016-13-01..2016-08-05",
        "location": "NOWHERE",
        "unexpected": "1",
    }
    assert filters_from_query(params, options) == Filters(segments=("High",))


def test_link_values_match_any_letter_case_and_the_rest_is_named(options):
    f, notes = read_filters_query({"location": "pune,nowhere", "gender": "f", "segment": "high"}, options)
    assert f == Filters(segments=("High",), genders=("F",), locations=("PUNE",))
    assert notes == ["Location 'nowhere' is not in this data"]
    f, notes = read_filters_query({"gender": "female,MALE"}, options)
    assert f.genders == ("M", "F") and notes == []
    f, notes = read_filters_query({"age": "abc", "balance": "1..2", "age_unknown": "maybe"}, options)
    assert f == Filters()
    assert notes == [
        "Age 'abc' is not a range like 25..40",
        f"Balance '1..2' is outside this data ({options.balance_min}..{options.balance_max})",
        "age_unknown 'maybe' should be 'include' or 'exclude'",
    ]
    assert read_filters_query({}, options) == (Filters(), [])


def test_ambiguous_letter_case_is_not_guessed():
    options = FilterOptions(locations=("Pune", "PUNE"))
    f, notes = read_filters_query({"location": "pune"}, options)
    assert f.locations == () and notes == ["Location 'pune' (could be Pune or PUNE) is ambiguous"]


def test_unknown_ages_follow_the_age_range_unless_chosen(data, options):
    customers, _ = data
    unknown = int(customers["age"].isna().sum())
    assert unknown > 0
    narrowed = Filters(age_range=(25, 40))
    assert not narrowed.unknown_age_included and Filters().unknown_age_included
    assert unknown_age_count(customers, narrowed) == unknown  # what ticking "also include" would add
    assert filters_to_query(narrowed) == {"age": "25..40"}
    assert filters_to_query(Filters(age_range=(25, 40), include_unknown_age=True))["age_unknown"] == "include"
    assert filters_to_query(Filters(include_unknown_age=False)) == {"age_unknown": "exclude"}
    # an explicit choice equal to what the range implies is the same view, so the same (cache) value
    assert normalise_filters(Filters(age_range=(25, 40), include_unknown_age=False), options) == narrowed
    assert normalise_filters(Filters(include_unknown_age=True), options) == Filters()
    # the whole age range is no age filter: everyone again, unknown ages included
    assert normalise_filters(Filters(age_range=(0, 200)), options).unknown_age_included
    assert describe_filters(narrowed) == "Customers aged 25–40 (known ages only)."


def test_query_ranges_are_clamped_or_dropped(options):
    f = filters_from_query({"age": "10..40", "balance": "-5..1e12", "dates": "2015-01-01..2015-02-01"}, options)
    assert f.age_range == (options.age_min, 40)
    assert f.balance_range is None  # covers the whole range after clamping: same as no filter
    assert f.date_range is None  # entirely before the data


def test_query_accepts_repeated_keys_as_lists(options):
    f = filters_from_query({"gender": ["F", "M"], "age": ["30..35", "25..40"]}, options)
    assert f.genders == ("M", "F")  # in option order
    assert f.age_range == (25, 40)  # the last value wins


def test_choosing_everything_is_the_same_as_no_filter(options):
    f = normalise_filters(Filters(segments=options.segments, age_range=(0, 200)), options)
    assert f == Filters()


def test_describe_filters_says_what_is_shown():
    assert describe_filters(Filters()) == "All customers."
    text = describe_filters(
        Filters(
            segments=("High",),
            genders=("F",),
            age_range=(25, 40),
            balance_range=(1_000, 50_000),
            date_range=(date(2016, 8, 1), date(2016, 9, 30)),
        )
    )
    assert text.startswith("Customers in segment High")
    for part in ("female", "aged 25–40", "₹1,000–₹50,000", "1 Aug 2016", "30 Sep 2016"):
        assert part in text


def test_describe_filters_shortens_long_location_lists():
    text = describe_filters(Filters(locations=("A", "B", "C", "D", "E")))
    assert "A, B, C and 2 other locations" in text


def test_filters_slug_is_short_safe_and_descriptive():
    assert filters_slug(Filters()) == "all"
    slug = filters_slug(Filters(segments=("High",), genders=("F",), age_range=(25, 40)))
    assert slug == "segment-High_gender-F_age-25-40"
    long_a = filters_slug(Filters(segments=tuple(f"Segment number {i}" for i in range(8)), locations=("A", "B", "C")))
    long_b = filters_slug(Filters(segments=tuple(f"Segment number {i}" for i in range(7)), locations=("A", "B", "C")))
    assert len(long_a) <= 80 and len(long_b) <= 80
    assert long_a != long_b
    assert re.fullmatch(r"[A-Za-z0-9._-]+", long_a)


def test_filters_slug_replaces_unsafe_characters():
    slug = filters_slug(Filters(locations=("NEW DELHI, SOUTH", "../etc")))
    assert re.fullmatch(r"[A-Za-z0-9._-]+", slug)
    assert ".." not in slug and "/" not in slug


def test_apply_filters_handles_k_other_than_three():
    customers, transactions = make_data(500, k=6, seed=3)
    got = apply_filters(customers, Filters(segments=("Sixth", "Low")), transactions)
    assert ids(got) == ids(customers[customers["segment"].isin(["Sixth", "Low"])])
    assert np.array_equal(filter_options(customers).segments, NAMES[:6])
