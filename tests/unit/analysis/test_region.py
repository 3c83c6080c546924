"""Tests for core.analysis.region: a box or lasso means every customer inside it, sampled or not."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.analysis.projection import fit_projection, project
from core.analysis.region import (
    PCA_AXES,
    MapAxes,
    Region,
    customers_in_region,
    describe_region,
    inside_region,
    region_from_selection,
    region_mask,
)
from core.analysis.sampling import sample_customers

NAMES = ["Low", "Medium", "High"]


@pytest.fixture(scope="module")
def view() -> pd.DataFrame:
    """5,000 seeded customers with money spanning several powers of ten, a few unknown or zero values."""
    rng = np.random.default_rng(7)
    n = 5_000
    seg = rng.choice(3, n, p=[0.4, 0.35, 0.25])
    frame = pd.DataFrame(
        {
            "CustomerID": [f"C{i:05d}" for i in range(n)],
            "balance": np.round(np.exp(rng.normal(8 + seg, 1.5)), 2),
            "mean_amount": np.round(np.exp(rng.normal(5 + seg, 1.0)), 2),
            "age": rng.integers(18, 80, n).astype("float64"),
        }
    )
    frame.loc[::97, "balance"] = 0.0  # not drawable on a log axis
    frame.loc[::89, "mean_amount"] = np.nan
    frame["segment"] = pd.Categorical.from_codes(seg, categories=NAMES, ordered=True)
    return frame


def test_a_box_holds_every_customer_inside_it_not_only_the_sampled_ones(view):
    region = Region(boxes=((1_000.0, 50_000.0, 100.0, 2_000.0),))
    axes = MapAxes("balance", "mean_amount", log_x=True, log_y=True)
    inside = view[region_mask(view, axes, region)]
    b, m = view["balance"], view["mean_amount"]
    direct = view[(b >= 1_000) & (b <= 50_000) & (m >= 100) & (m <= 2_000)]
    assert inside["CustomerID"].tolist() == direct["CustomerID"].tolist()
    sample = sample_customers(view, 500)
    in_sample = region_mask(sample, axes, region).sum()
    assert 0 < in_sample < len(inside)  # what the old page listed: only the drawn ones


def test_a_lasso_on_log_axes_is_a_polygon_in_log_space(view):
    # a triangle with corners (10^3, 10^2), (10^5, 10^2), (10^3, 10^4): on log axes its long side is log y = 7 - log x
    region = Region(lassos=(((1e3, 1e5, 1e3), (1e2, 1e2, 1e4)),))
    mask = region_mask(view, MapAxes("balance", "mean_amount", True, True), region)
    with np.errstate(divide="ignore", invalid="ignore"):
        lx, ly = np.log10(view["balance"]), np.log10(view["mean_amount"])
    direct = (lx >= 3) & (ly >= 2) & (ly <= 7 - lx)
    assert mask.sum() > 50
    assert mask.tolist() == direct.fillna(False).tolist()
    # on linear axes the same corners make another triangle, with other customers in it
    linear = region_mask(view, MapAxes("balance", "mean_amount"), region)
    assert linear.tolist() != mask.tolist()


def test_values_that_cannot_be_drawn_are_never_inside(view):
    everything = Region(boxes=((-1e12, 1e12, -1e12, 1e12),))
    mask = region_mask(view, MapAxes("balance", "mean_amount", True, True), everything)
    drawable = (view["balance"] > 0) & view["mean_amount"].notna()
    assert mask.tolist() == drawable.tolist()
    assert region_mask(view, MapAxes("balance", "mean_amount", True, True), Region()).sum() == 0


def test_several_shapes_are_a_union():
    x = np.array([1.0, 5.0, 9.0])
    y = np.array([1.0, 5.0, 9.0])
    region = Region(boxes=((0, 2, 0, 2), (8, 10, 8, 10)))
    assert inside_region(x, y, region).tolist() == [True, False, True]


def test_streamlit_selection_becomes_a_region_and_bad_shapes_are_ignored():
    selection = {
        "points": [],
        "box": [{"xref": "x", "yref": "y", "x": [64.5, 147740.7], "y": [3304.3, 30.2]}, {"x": ["a", 1], "y": [1, 2]}],
        "lasso": [{"x": [1, 2, 3], "y": [1, 3, 1]}, {"x": [1, 2], "y": [1, 2]}],
    }
    region = region_from_selection(selection)
    assert region.boxes == ((64.5, 147740.7, 30.2, 3304.3),)  # y given top-down by plotly: put in order
    assert region.lassos == (((1.0, 2.0, 3.0), (1.0, 3.0, 1.0)),)
    assert region_from_selection({}).is_empty and region_from_selection(None).is_empty


def test_main_directions_project_every_customer_as_the_sample_is_drawn(view):
    sample = sample_customers(view, 800)
    projection = fit_projection(sample, ["balance", "mean_amount", "age"], n_components=2)
    drawn = project(sample, projection)
    everyone = project(view, projection)
    # the sampled customers sit at the same place whether projected alone or with everyone
    same = everyone.loc[sample.index, ["PC1", "PC2"]].to_numpy()
    np.testing.assert_allclose(same, drawn[["PC1", "PC2"]].to_numpy())
    # PC coordinates are uncorrelated on the sample they were fitted on, and ordered by variance
    assert abs(np.corrcoef(drawn["PC1"], drawn["PC2"])[0, 1]) < 1e-6
    assert drawn["PC1"].var() > drawn["PC2"].var()
    assert projection.explained[0] > projection.explained[1] > 0
    box = Region(boxes=((0.0, 1e6, -1e6, 1e6),))
    inside = region_mask(everyone, MapAxes("PC1", "PC2"), box)
    assert inside.sum() == int((everyone["PC1"] >= 0).sum())


def test_customers_in_region_on_features_and_on_main_directions(view):
    box = Region(boxes=((1_000.0, 50_000.0, 100.0, 2_000.0),))
    selected = customers_in_region(view, MapAxes("balance", "mean_amount", True, True), box, sample_size=500)
    b, m = view["balance"], view["mean_amount"]
    assert len(selected) == int(((b >= 1_000) & (b <= 50_000) & (m >= 100) & (m <= 2_000)).sum())
    # main directions: the components of the 500 drawn customers, applied to all 5,000
    right_half = Region(boxes=((0.0, 1e9, -1e9, 1e9),))
    on_pcs = customers_in_region(view, PCA_AXES, right_half, sample_size=500)
    coordinates = project(view, fit_projection(sample_customers(view, 500), n_components=2))
    assert len(on_pcs) == int((coordinates["PC1"] >= 0).sum())
    assert 500 < len(on_pcs) < len(view)


def test_the_description_counts_everyone_inside_and_says_how_many_are_drawn(view):
    box = Region(boxes=((0.0, 1e12, 0.0, 1e12),))
    selected = view.iloc[:1_234]
    text = describe_region(selected, drawn=120, region=box)
    assert text.startswith("1,234 customers inside the box: ")
    assert "120 of them are drawn on the map (a sample)" in text
    assert "drawn" not in describe_region(selected, drawn=1_234, region=box)
    assert describe_region(view.iloc[:0], drawn=0, region=box) == "No customer inside the box."
    two = Region(boxes=((0, 1, 0, 1),), lassos=(((0, 1, 1), (0, 0, 1)),))
    assert "inside the selection" in describe_region(selected, drawn=5, region=two)
