"""Engine-computed distributions equal the in-memory ones: the same bins and counts, bands, activity, correlations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.analysis import explore
from core.analysis.activity import transaction_activity as memory_activity
from core.analysis.filters import Filters, apply_filters
from core.analysis.segments import segment_codes
from core.analysis.sql import distributions as sql


def _memory_histogram(view: pd.DataFrame, feature: str, log: bool, bins: int = 40):
    """The counts the in-memory chart draws, from its own arrays (present.charts.feature_histogram's binning)."""
    codes, names = segment_codes(view)
    values = view[feature].to_numpy(dtype="float64")
    ok = np.isfinite(values) & (codes >= 0) & ((values > 0) if log else True)
    edges = explore.histogram_edges(float(values[ok].min()), float(values[ok].max()), bins, log, "money" if log else "")
    idx = np.clip(np.searchsorted(edges, values[ok], side="right") - 1, 0, len(edges) - 2)
    counts = np.zeros((len(names), len(edges) - 1), dtype="int64")
    np.add.at(counts, (codes[ok], idx), 1)
    return counts, edges, int((~ok & (codes >= 0)).sum())


@pytest.mark.parametrize(("feature", "log"), [("balance", True), ("mean_amount", True), ("night_share", False)])
def test_segment_histogram_counts_equal_the_in_memory_binning(pair, feature, log):
    artifacts, source = pair
    names = list(artifacts.customers["segment"].cat.categories)
    for filters in (Filters(), Filters(genders=("F",), segments=(names[0], names[-1]))):
        view = apply_filters(artifacts.customers, filters, artifacts.transactions)
        counts, edges, hidden = _memory_histogram(view, feature, log)
        got = sql.segment_histogram(source, filters, feature, log)
        np.testing.assert_array_equal(got.edges, edges)
        assert got.hidden == hidden
        assert got.counts.tolist() == counts.tolist()


def test_small_integer_features_get_one_bin_per_value(generated_pair):
    artifacts, source = generated_pair
    got = sql.segment_histogram(source, Filters(), "n_transactions", log=False)
    top = int(artifacts.customers["n_transactions"].max())
    assert got.edges[0] == 0.5 and got.edges[-1] == top + 0.5
    per_value = artifacts.customers["n_transactions"].value_counts().sort_index()
    assert got.counts.sum(axis=0).tolist() == per_value.reindex(range(1, top + 1), fill_value=0).tolist()


def test_age_bands_equal_explore_age_distribution(pair):
    artifacts, source = pair
    for filters in (Filters(), Filters(age_range=(26, 45), include_unknown_age=False)):
        view = apply_filters(artifacts.customers, filters, artifacts.transactions)
        pd.testing.assert_frame_equal(sql.age_distribution(source, filters), explore.age_distribution(view))


def test_activity_equals_the_in_memory_activity(pair):
    artifacts, source = pair
    names = list(artifacts.customers["segment"].cat.categories)
    filters = Filters(segments=(names[-1],))
    view = apply_filters(artifacts.customers, filters, artifacts.transactions)
    expected = memory_activity(view, artifacts.transactions)
    got = sql.transaction_activity(source, filters)
    assert got.n_transactions == expected.n_transactions
    assert got.empty_days == expected.empty_days
    for part in ("hour", "weekday", "daily"):
        pd.testing.assert_frame_equal(getattr(got, part), getattr(expected, part), check_dtype=False)


def test_correlations_equal_explore_when_the_view_is_not_sampled(pair):
    artifacts, source = pair
    expected = explore.feature_correlations(artifacts.customers)
    got = sql.correlations(source, Filters())
    pd.testing.assert_frame_equal(got, expected, atol=1e-12)


def test_correlations_of_a_large_view_use_a_seeded_sample_of_the_stated_size(generated_pair):
    _, source = generated_pair
    first = sql.correlations(source, Filters(), max_rows=1000, seed=1)
    assert first.equals(sql.correlations(source, Filters(), max_rows=1000, seed=1))
    assert not first.equals(sql.correlations(source, Filters(), max_rows=1000, seed=2))
    assert np.allclose(np.diag(first.to_numpy()), 1.0)


@pytest.mark.parametrize(
    ("lo", "hi", "log", "kind"),
    [
        (0.5, 4.9e7, True, "money"),
        (-2_500.0, 1.2e6, False, "money"),
        (1.0, 30.0, False, "count"),
        (7.0, 7.0, True, "money"),
    ],
)
def test_bin_index_places_every_value_as_numpy_searchsorted_does(lo, hi, log, kind):
    """The estimate-and-correct binning equals numpy's on the edges themselves, the floats just beside each edge,
    both ends and random values: no value lands in a neighbouring bin."""
    import duckdb

    from core.analysis.explore import histogram_edges
    from core.analysis.sql.distributions import bin_index

    edges = histogram_edges(lo, hi, 40, log, kind)
    near = np.concatenate([edges, np.nextafter(edges, -np.inf), np.nextafter(edges, np.inf)])
    spread = np.geomspace(edges[0], edges[-1], 997) if log else np.linspace(edges[0], edges[-1], 997)
    values = np.concatenate([near, spread, np.random.default_rng(0).uniform(edges[0], edges[-1], 2_000)])
    values = values[(values >= lo) & (values <= hi)] if hi > lo else np.array([lo])
    estimate, exact = bin_index(edges, log)
    got = duckdb.execute(
        f"SELECT {exact} AS bin FROM (SELECT x, {estimate} AS b FROM (SELECT unnest(?::DOUBLE[]) AS x))",
        [values.tolist()],
    ).fetchnumpy()["bin"]
    expected = np.clip(np.searchsorted(edges[1:-1], values, side="right"), 0, len(edges) - 2)
    assert len(values) > 1 or hi == lo
    np.testing.assert_array_equal(got, expected)
