"""The Segment map, Customer lookup and What-if queries equal the pandas functions they replace."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from core.analysis.filters import Filters, apply_filters
from core.analysis.profiles import segment_centroids as pandas_centroids
from core.analysis.projection import fit_projection, project
from core.analysis.region import MapAxes, Region, describe_region, describe_region_counts, region_mask
from core.analysis.sql.aggregates import feature_maxima, segment_centroids, typical_values
from core.analysis.sql.lookup import first_ids, rows_matching
from core.analysis.sql.region import region_counts, region_customers, sample_region
from core.analysis.sql.sample import sample_view
from core.scoring.lookup import id_options, look_up_customers, look_up_in_source
from core.scoring.whatif import data_maxima, typical_customer


def _filters(customers) -> list[Filters]:
    names = list(customers["segment"].cat.categories)
    return [Filters(), Filters(segments=(names[0], names[-1]), genders=("F",))]


def _view(artifacts, filters):
    return apply_filters(artifacts.customers, filters, artifacts.transactions)


def _quantile_box(view, x, y, lo=0.2, hi=0.7) -> tuple[float, float, float, float]:
    qx, qy = view[x].quantile([lo, hi]), view[y].quantile([lo, hi])
    return (float(qx.iloc[0]), float(qx.iloc[1]), float(qy.iloc[0]), float(qy.iloc[1]))


def _lasso(view, x, y, log: bool) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """A five-pointed star (concave, so the even-odd rule matters) around the view's median point."""
    cx, cy = float(view[x].median()), float(view[y].median())
    rx, ry = float(view[x].std()), float(view[y].std())
    angles = np.linspace(0, 4 * np.pi, 6)[:-1]  # every second vertex of a pentagon: a self-crossing star
    if log:  # on log axes the star is drawn in log units, as plotly hands back data units of a log-drawn shape
        xs = tuple(float(10 ** (np.log10(cx) + 0.8 * np.cos(a))) for a in angles)
        ys = tuple(float(10 ** (np.log10(cy) + 0.8 * np.sin(a))) for a in angles)
    else:
        xs = tuple(cx + rx * float(np.cos(a)) for a in angles)
        ys = tuple(cy + ry * float(np.sin(a)) for a in angles)
    return xs, ys


def _regions(view) -> list[tuple[MapAxes, Region]]:
    linear = MapAxes("age", "recency_days")
    logged = MapAxes("balance", "mean_amount", log_x=True, log_y=True)
    return [
        (linear, Region(boxes=(_quantile_box(view, "age", "recency_days"),))),
        (linear, Region(lassos=(_lasso(view, "age", "recency_days", log=False),))),
        (logged, Region(boxes=(_quantile_box(view, "balance", "mean_amount", 0.1, 0.5),))),
        (
            logged,
            Region(
                boxes=(_quantile_box(view, "balance", "mean_amount", 0.6, 0.9),),
                lassos=(_lasso(view, "balance", "mean_amount", log=True),),
            ),
        ),
    ]


def test_feature_regions_hold_exactly_the_customers_the_pandas_test_selects(pair):
    artifacts, source = pair
    for filters in _filters(artifacts.customers):
        view = _view(artifacts, filters)
        for axes, region in _regions(view):
            expected = view[region_mask(view, axes, region)]
            assert 0 < len(expected) < len(view)  # a real selection, not everyone or no one
            got = region_customers(source, filters, axes, region, sample_size=500)
            assert got.index.tolist() == expected.index.tolist()
            counts = region_counts(source, filters, axes, region, sample_size=500)
            assert counts.index.tolist() == list(artifacts.customers["segment"].cat.categories)
            assert counts.to_dict() == expected["segment"].value_counts().reindex(counts.index).to_dict()
            assert describe_region_counts(counts, 10, region) == describe_region(expected, 10, region)


def test_a_region_on_the_main_directions_is_the_projection_of_the_maps_own_sample(pair):
    artifacts, source = pair
    filters = _filters(artifacts.customers)[1]
    view = _view(artifacts, filters)
    sample = sample_view(source, filters, 400)
    coordinates = project(view, fit_projection(sample, n_components=2))
    axes = MapAxes("PC1", "PC2")
    region = Region(boxes=(_quantile_box(coordinates, "PC1", "PC2", 0.3, 0.8),))
    expected = coordinates[region_mask(coordinates, axes, region)]
    assert 0 < len(expected) < len(view)
    got = region_customers(source, filters, axes, region, sample_size=400)
    assert got.index.tolist() == expected.index.tolist()
    assert int(region_counts(source, filters, axes, region, sample_size=400).sum()) == len(expected)


def test_the_region_list_is_a_stratified_sample_of_the_region_only(pair):
    artifacts, source = pair
    view = _view(artifacts, Filters())
    axes, region = _regions(view)[0]
    inside = set(view.index[region_mask(view, axes, region)])
    preview = sample_region(source, Filters(), axes, region, sample_size=500, n=50)
    assert preview.attrs["sampled_from"] == len(inside)
    assert 50 <= len(preview) <= 53 and set(preview.index) <= inside  # quota floors may add one per segment
    empty = Region()
    assert int(region_counts(source, Filters(), axes, empty, sample_size=500).sum()) == 0


def test_segment_centroids_are_the_pandas_medians(pair):
    artifacts, source = pair
    for filters in _filters(artifacts.customers):
        expected = pandas_centroids(_view(artifacts, filters), ["balance", "age"])
        got = segment_centroids(source, filters, features=("balance", "age"))
        pd.testing.assert_frame_equal(got, expected, check_dtype=False, check_categorical=False)
        assert got["segment"].astype(str).tolist() == expected["segment"].astype(str).tolist()


def test_typical_values_and_maxima_equal_the_what_if_functions(pair):
    artifacts, source = pair
    for filters in _filters(artifacts.customers):
        view = _view(artifacts, filters)
        expected, got = typical_customer(view), typical_values(source, filters)
        assert got.keys() == expected.keys()
        for name, value in expected.items():
            if isinstance(value, float) and math.isnan(value):
                assert math.isnan(got[name]), name
            else:
                assert got[name] == pytest.approx(value), name
    assert feature_maxima(source, Filters()) == pytest.approx(data_maxima(artifacts.customers))


def test_lookup_through_the_source_equals_the_in_memory_lookup(pair):
    artifacts, source = pair
    customers = artifacts.customers
    filters = _filters(customers)[1]
    inside = _view(artifacts, filters)["CustomerID"]
    outside = customers.loc[~customers.index.isin(inside.index), "CustomerID"]
    asked = [inside.iloc[3], outside.iloc[10], inside.iloc[-1], outside.iloc[-5], "NO-SUCH-ID"]
    expected = look_up_customers(artifacts.models, customers, asked, filters, artifacts.transactions)
    got = look_up_in_source(artifacts.models, source, asked, filters)
    assert got.unknown == expected.unknown == ["NO-SUCH-ID"]
    assert got.table["CustomerID"].tolist() == expected.table["CustomerID"].tolist()
    assert got.table["in_filters"].tolist() == expected.table["in_filters"].tolist()
    assert got.table["in_filters"].nunique() == 2  # some match the filters, some do not
    for column in ("stands_out", "boundary", "agreement", *[c for c in expected.table if c.startswith("p_")]):
        assert got.table[column].tolist() == expected.table[column].tolist(), column


def test_rows_matching_and_first_ids_equal_the_pandas_view(pair):
    artifacts, source = pair
    filters = _filters(artifacts.customers)[1]
    view = _view(artifacts, filters)
    ids = artifacts.customers["CustomerID"].iloc[:300].astype(str).tolist()
    assert sorted(rows_matching(source, filters, ids)) == [i for i in view.index if i < 300]
    assert first_ids(source, filters, 40) == id_options(view, 40)
    assert rows_matching(source, filters, []) == []
