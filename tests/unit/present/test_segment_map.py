"""Tests for core.present.segment_map: the 2-D projection plot keeps CustomerIDs, segment colours and readable axes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.analysis.profiles import segment_centroids
from core.analysis.projection import pca_projection
from core.present.figures import segment_colour_map
from core.present.scatter import segment_scatter, selected_customer_ids
from core.present.segment_map import PCA_TITLE, direction_title, pca_scatter, pca_scatter_3d


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    rng = np.random.default_rng(5)
    seg = rng.choice(3, 300)
    frame = pd.DataFrame(
        {
            "CustomerID": [f"C{i}" for i in range(300)],
            "balance": np.exp(rng.normal(8 + seg, 1.0)),
            "mean_amount": np.exp(rng.normal(5 + seg, 0.5)),
            "age": rng.integers(18, 70, 300).astype("float64"),
        }
    )
    frame["segment"] = pd.Categorical.from_codes(seg, categories=["Low", "Medium", "High"], ordered=True)
    return frame


def test_pca_scatter_has_one_trace_per_segment_with_ids(sample):
    projected, centres, explained = pca_projection(sample)
    fig = pca_scatter(projected, centres, explained)
    customers = [t for t in fig.data if t.customdata is not None]
    colours = segment_colour_map(["Low", "Medium", "High"])
    assert [t.name for t in customers] == ["Low", "Medium", "High"]
    for trace in customers:
        assert trace.marker.color == colours[trace.name]
        assert trace.hovertemplate.endswith(f"<extra>{trace.name}</extra>")
        assert "Direction 1:" in trace.hovertemplate and "PC1" not in trace.hovertemplate
    ids = selected_customer_ids({"customdata": list(row)} for t in customers for row in t.customdata)
    assert sorted(ids) == sorted(sample["CustomerID"])
    centre = fig.data[-1]
    assert centre.name == "Segment centre" and centre.type == "scattergl"  # drawn last, above the points
    assert list(centre.x) == pytest.approx(list(centres["PC1"]))


def test_pca_scatter_axes_say_how_much_variation_they_hold(sample):
    projected, centres, explained = pca_projection(sample)
    fig = pca_scatter(projected, centres, explained)
    assert fig.layout.title.text == PCA_TITLE
    assert fig.layout.xaxis.title.text == f"Direction 1 ({explained[0]:.0%} of the variation)"
    assert fig.layout.yaxis.title.text == f"Direction 2 ({explained[1]:.0%} of the variation)"
    assert fig.layout.xaxis.type == "linear"


def test_direction_title_without_a_known_share():
    assert direction_title(2, [0.5, 0.3]) == "Direction 3"
    assert direction_title(0, [float("nan")]) == "Direction 1"
    assert direction_title(0, None) == "Direction 1"


def test_pca_scatter_of_nobody_shows_a_message(sample):
    projected, centres, explained = pca_projection(sample.iloc[0:0])
    fig = pca_scatter(projected, centres, explained)
    assert fig.layout.annotations and "No customers" in fig.layout.annotations[0].text


def test_centres_are_drawn_above_the_webgl_points(sample):
    fig = segment_scatter(
        sample, "balance", "mean_amount", centroids=segment_centroids(sample, ["balance", "mean_amount"])
    )
    # browsers draw WebGL above SVG: the centres must be WebGL too, and drawn last, to be seen
    centre = fig.data[-1]
    assert centre.type == "scattergl" and centre.name == "Segment centre" and centre.marker.symbol == "x"
    assert all(t.type == "scattergl" for t in fig.data)


def test_pca_scatter_3d_uses_the_same_axis_words(sample):
    projected, centres, explained = pca_projection(sample, n_components=3)
    fig = pca_scatter_3d(projected, centres, explained)
    assert fig.layout.scene.zaxis.title.text == f"Dir. 3 · {explained[2]:.0%}"  # short enough to fit the box
    centres = next(t for t in fig.data if t.customdata is None)
    assert centres.mode == "markers+text" and list(centres.text) == [str(n) for n in centres_names(fig)]
    customers = [t for t in fig.data if t.customdata is not None]
    assert [t.name for t in customers] == ["Low", "Medium", "High"]
    assert all("Direction 3" in t.hovertemplate and "PC" not in t.hovertemplate for t in customers)
    assert fig.layout.legend.itemsizing == "constant"  # legend dots readable despite tiny 3-D markers


def centres_names(fig) -> list[str]:
    """The segment names of the customer traces, in order (each has one centre)."""
    return [t.name for t in fig.data if t.customdata is not None]
