"""The Segment profiles queries equal analysis.profiles / analysis.rfm on the in-memory customers, and the report
pack built from queries has the same tables as the one built from frames."""

from __future__ import annotations

import pandas as pd
import pytest

from core.analysis import profiles, rfm
from core.analysis.filters import Filters, apply_filters
from core.analysis.sql import profiles as sql_profiles
from core.present.insights import _base_profile, describe_personas
from core.present.report_pack import profile_tables, queried_numbers, tables_of


def _cases(customers) -> list[Filters]:
    names = list(customers["segment"].cat.categories)
    return [
        Filters(),
        Filters(segments=(names[0], names[-1]), genders=("F",)),
        Filters(age_range=(30, 45)),
        Filters(segments=(names[-1],)),  # a segment alone: read from the transactions' own segment, no join
    ]


def _view(artifacts, filters):
    return apply_filters(artifacts.customers, filters, artifacts.transactions)


def test_timing_comparison_and_mix_equal_the_pandas_functions(pair):
    artifacts, source = pair
    for filters in _cases(artifacts.customers):
        view = _view(artifacts, filters)
        pd.testing.assert_frame_equal(
            sql_profiles.timing_by_segment(source, filters),
            profiles.timing_by_segment(view, artifacts.transactions),
            check_dtype=False,
        )
        pd.testing.assert_frame_equal(
            sql_profiles.compare_to_base(source, filters),
            profiles.compare_to_base(view, artifacts.customers),
            check_exact=False,
            rtol=1e-9,
        )
        got, expected = sql_profiles.demographic_mix(source, filters), profiles.demographic_mix(view)
        for part in ("gender", "age_band", "locations"):
            pd.testing.assert_frame_equal(getattr(got, part), getattr(expected, part), check_dtype=False, obj=part)


@pytest.mark.parametrize("feature", ["balance", "age", "n_transactions", "night_share"])
def test_box_plot_quantiles_are_the_pandas_quantiles(pair, feature):
    artifacts, source = pair
    for filters in _cases(artifacts.customers):
        pd.testing.assert_frame_equal(
            sql_profiles.feature_summary(source, filters, feature),
            profiles.feature_summary(_view(artifacts, filters), feature),
            check_dtype=False,
            check_exact=False,
            rtol=1e-9,
        )


def test_rfm_tables_and_notes_equal_the_pandas_ones(pair):
    artifacts, source = pair
    customers = artifacts.customers
    for filters in _cases(customers):
        pd.testing.assert_frame_equal(
            sql_profiles.rfm_crosstab(source, filters), rfm.rfm_crosstab(_view(artifacts, filters))
        )
    pd.testing.assert_frame_equal(sql_profiles.rfm_grid(source), rfm.rfm_grid(customers))
    spreads = sql_profiles.score_spreads(source)
    for column, spread in spreads.items():
        expected = rfm.score_spread(customers, column)
        assert (spread.used, spread.top_share) == (expected.used, pytest.approx(expected.top_share))
    assert rfm.frequency_note(spreads) == rfm.frequency_note(customers)


def test_personas_yardstick_is_the_whole_banks(pair):
    artifacts, source = pair
    reference = sql_profiles.base_profile(source)
    pd.testing.assert_series_equal(reference, _base_profile(artifacts.customers), check_exact=False, check_names=False)
    view = _view(artifacts, _cases(artifacts.customers)[1])
    profile = profiles.profile_segments(view)
    assert describe_personas(profile=profile, reference=reference) == describe_personas(
        view, artifacts.customers, profile
    )


def test_the_report_pack_from_queries_has_the_tables_of_the_pandas_pack(pair):
    artifacts, source = pair
    for filters in _cases(artifacts.customers)[:2]:
        expected = profile_tables(_view(artifacts, filters), artifacts.customers, artifacts.transactions)
        got = tables_of(queried_numbers(source, filters))
        assert list(got) == list(expected)
        for name in expected:
            pd.testing.assert_frame_equal(got[name], expected[name], check_dtype=False, check_exact=False, obj=name)


def test_segment_summaries_from_queries_draw_the_pandas_numbers(pair):
    import numpy as np

    from core.present.summary import queried_summary_figures, segment_summary_figures

    artifacts, source = pair
    filters = _cases(artifacts.customers)[1]
    expected = segment_summary_figures(_view(artifacts, filters), artifacts.customers, artifacts.transactions, "ctx")
    got = queried_summary_figures(source, filters, "ctx")
    assert list(got) == list(expected) and len(got) == 2
    for name, figure in expected.items():
        mine = got[name]
        assert [t.name for t in mine.data] == [t.name for t in figure.data]
        for a, b in zip(mine.data, figure.data, strict=True):
            if a.y is not None and np.asarray(a.y).dtype.kind == "f":
                np.testing.assert_allclose(np.asarray(a.y, dtype=float), np.asarray(b.y, dtype=float), rtol=1e-9)
        texts = [x.text for x in mine.layout.annotations]
        assert texts == [x.text for x in figure.layout.annotations]  # KPIs and the persona, in words


def test_timing_without_the_transactions_segment_joins_to_the_same_answer(pair, monkeypatch):
    artifacts, source = pair
    assert source.transactions_have_segments  # written by this version's trainer
    names = list(artifacts.customers["segment"].cat.categories)
    views = [Filters(), Filters(segments=(names[0],))]
    carried = [sql_profiles.timing_by_segment(source, f) for f in views]
    monkeypatch.setattr(source, "_tx_segments", False)  # as a version saved before the column was carried
    for filters, got in zip(views, carried, strict=True):
        joined = sql_profiles.timing_by_segment(source, filters)
        pd.testing.assert_frame_equal(got, joined)
        assert joined["transactions"].sum() > 0
