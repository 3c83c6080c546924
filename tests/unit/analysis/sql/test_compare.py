"""Two groups compared by the engine equal analysis.compare on the in-memory customers (KPIs, effect sizes, mixes,
sentences, the overlaid histogram)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.analysis import compare as pandas_compare
from core.analysis.filters import Filters, apply_filters
from core.analysis.sql import compare
from core.present.charts import feature_histogram, segment_histogram_bars

AUDIENCES = (("Rich women", "gender = 'F' and balance >= 20000"),)


def _cases(customers) -> list[tuple[Filters, str, str]]:
    names = list(customers["segment"].cat.categories)
    rfm = next(s for s in customers["rfm_segment"].cat.categories if (customers["rfm_segment"] == s).any())
    return [
        (Filters(genders=("F",)), pandas_compare.SELECTION, pandas_compare.REST),
        (Filters(), f"Segment {names[-1]}", f"Segment {names[0]}"),
        (Filters(genders=("M", "F")), f"RFM: {rfm}", "Audience: Rich women"),
    ]


def test_the_comparison_equals_the_pandas_comparison(pair):
    artifacts, source = pair
    customers = artifacts.customers
    assert compare.group_labels(source, AUDIENCES) == pandas_compare.group_labels(customers, dict(AUDIENCES))
    for filters, a, b in _cases(customers):
        view = apply_filters(customers, filters, artifacts.transactions)
        expected = pandas_compare.compare_groups(view, customers, a, b, AUDIENCES)
        got = compare.compare_groups(source, filters, a, b, AUDIENCES)
        assert (got.a.customers, got.b.customers, got.shared) == (
            expected.a.customers,
            expected.b.customers,
            expected.shared,
        )
        assert got.a.customers > 0 and got.b.customers > 0
        pd.testing.assert_frame_equal(got.kpis, expected.kpis, check_exact=False, rtol=1e-9)
        pd.testing.assert_frame_equal(got.features, expected.features, check_exact=False, rtol=1e-9, atol=1e-12)
        for key in ("gender", "age_band"):
            pd.testing.assert_frame_equal(got.demographics[key], expected.demographics[key], check_exact=False)
        assert got.sentences == expected.sentences


def test_an_unknown_group_is_refused(pair):
    _, source = pair
    with pytest.raises(ValueError, match="unknown group 'Segment Nope'"):
        compare.compare_groups(source, Filters(), "Segment Nope", pandas_compare.REST)


@pytest.mark.parametrize(("feature", "log"), [("balance", True), ("age", False), ("recency_days", False)])
def test_the_overlaid_histogram_has_the_pandas_bars(pair, feature, log):
    artifacts, source = pair
    customers = artifacts.customers
    filters, a, b = _cases(customers)[2]
    view = apply_filters(customers, filters, artifacts.transactions)
    masks = [pandas_compare.group_mask(customers, view, g, dict(AUDIENCES)) for g in (a, b)]
    expected = feature_histogram(pandas_compare.compare_frame(customers[[feature]], *masks, (a, b)), feature, log)
    h = compare.group_histogram(source, filters, feature, a, b, AUDIENCES, log=log)
    got = segment_histogram_bars(h.counts, h.edges, h.names, feature, log, False, h.hidden)
    assert h.counts.sum() > 0
    assert [t.name for t in got.data] == [t.name for t in expected.data]
    for mine, theirs in zip(got.data, expected.data, strict=True):
        np.testing.assert_array_equal(np.asarray(mine.y), np.asarray(theirs.y))
        np.testing.assert_allclose(np.asarray(mine.x, dtype=float), np.asarray(theirs.x, dtype=float))
    assert got.layout.title.text == expected.layout.title.text  # the hidden count is in the subtitle
