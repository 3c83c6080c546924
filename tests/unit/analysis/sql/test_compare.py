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


def _cells_of(parts: list[np.ndarray]) -> pd.DataFrame:
    """Cells as the engine returns them, for every numeric feature the same values (count, means, ddof-1 var)."""
    rows = []
    for values in parts:
        row = {"customers": len(values), "repeats": 0}
        for name in compare.NUMERIC_FEATURES:
            row |= {
                f"n_{name}": len(values),
                f"mean_{name}": values.mean() if len(values) else np.nan,
                f"smean_{name}": values.mean() if len(values) else np.nan,
                # DuckDB's var_samp of equal values is exactly 0 (numpy's two passes leave ~1e-34)
                f"svar_{name}": (values.var(ddof=1) if np.ptp(values) else 0.0) if len(values) > 1 else np.nan,
            }
        rows.append(row)
    return pd.DataFrame(rows)


def test_pooled_cells_give_the_mean_and_variance_of_all_their_values():
    rng = np.random.default_rng(7)
    values = rng.lognormal(8, 2, 1_001)
    parts = [values[:1], values[1:400], values[400:400], values[400:]]  # a cell of one value and an empty one
    pooled = compare._pooled(_cells_of(parts))
    assert pooled["n_balance"] == 1_001
    assert pooled["mean_balance"] == pytest.approx(values.mean(), rel=1e-12)
    assert pooled["svar_balance"] == pytest.approx(values.var(ddof=1), rel=1e-12)


def test_pooled_cells_of_one_repeated_value_have_no_spread_at_all():
    """Cells whose mean is the same value (as DuckDB reports for a constant feature) pool to that mean and a
    variance of exactly 0, not the ~1e-33 a weighted sum of 0.1s leaves (the effect size is then 0 or undefined)."""
    cells = _cells_of([np.full(1_000_003, 0.5), np.full(999, 0.5), np.full(17, 0.5)])  # sizes where it shows
    for name in compare.NUMERIC_FEATURES:
        cells[f"smean_{name}"] = cells[f"mean_{name}"] = 0.1
    pooled = compare._pooled(cells)
    assert pooled["smean_age"] == 0.1 and pooled["mean_age"] == 0.1
    assert pooled["svar_age"] == 0.0
    assert np.isnan(compare._pooled(_cells_of([np.full(1, 0.1)]))["svar_age"])  # one value: no sample variance
