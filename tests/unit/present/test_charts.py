"""Tests for core.present.charts: figures carry the expected traces, ids, colours and axis types."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from core.analysis.explore import (
    activity_by_date,
    activity_by_hour,
    activity_by_weekday,
    feature_correlations,
    top_locations,
)
from core.analysis.profiles import (
    compare_to_base,
    demographic_mix,
    feature_summary,
    segment_centroids,
    timing_by_segment,
)
from core.analysis.projection import pca_projection
from core.errors import DataError
from core.present.activity_charts import daily_activity_line, hourly_activity_line, weekday_bar
from core.present.charts import (
    age_band_bar,
    correlation_heatmap,
    feature_box_by_segment,
    feature_histogram,
    gender_mix_bar,
    location_bar,
    segment_comparison_heatmap,
)
from core.present.figures import CENTROID_SYMBOL, SEGMENT_COLOURS, feature_axis, segment_colour_map
from core.present.model_charts import (
    confusion_matrix_heatmap,
    elbow_chart,
    importance_bar,
    probability_bar,
    silhouette_by_k_chart,
    silhouette_by_segment_bar,
)
from core.present.scatter import customer_position_chart, segment_scatter, segment_scatter_3d, selected_customer_ids
from tests.unit.fake_segments import NAMES


@pytest.fixture(scope="module")
def colours(data) -> dict[str, str]:
    """The colour map of the fixture's segments."""
    return segment_colour_map(["Low", "Medium", "High"])


@pytest.mark.parametrize("k", range(2, 9))
def test_colour_map_gives_distinct_colours_from_muted_to_strong(k):
    names = list(NAMES[:k])
    cmap = segment_colour_map(names)
    assert list(cmap) == names
    assert len(set(cmap.values())) == k
    assert cmap[names[0]] == SEGMENT_COLOURS[0] and cmap[names[-1]] == SEGMENT_COLOURS[-1]


def bars_by_name(fig: go.Figure) -> dict[str, go.Bar]:
    """The figure's traces keyed by name."""
    return {t.name: t for t in fig.data}


def test_histogram_has_one_bar_trace_per_segment_in_its_colour(data, colours):
    customers, _ = data
    fig = feature_histogram(customers, "balance")
    traces = bars_by_name(fig)
    assert list(traces) == ["Low", "Medium", "High"]
    assert all(isinstance(t, go.Bar) and t.marker.color == colours[name] for name, t in traces.items())
    assert fig.layout.xaxis.type == "log"
    assert all(t.startswith("₹") for t in fig.layout.xaxis.ticktext)
    positive = customers["balance"] > 0
    for name, trace in traces.items():
        assert sum(trace.y) == int((positive & (customers["segment"] == name)).sum())
    assert "without a plottable value" in fig.layout.title.subtitle.text  # the NaN balances are counted


def test_histogram_of_counts_is_linear_and_normalised_shares_sum_to_one(data):
    customers, _ = data
    fig = feature_histogram(customers, "n_transactions", normalise=True)
    assert fig.layout.xaxis.type == "linear"
    for trace in fig.data:
        assert sum(trace.y) == pytest.approx(1.0)


def test_histogram_keeps_colours_for_a_filtered_view(data, colours):
    customers, _ = data
    fig = feature_histogram(customers[customers["segment"] == "High"], "mean_amount")
    assert [(t.name, t.marker.color) for t in fig.data] == [("High", colours["High"])]


def test_histogram_refuses_categories_and_survives_empty_input(data):
    customers, _ = data
    with pytest.raises(DataError, match="category"):
        feature_histogram(customers, "gender")
    assert len(feature_histogram(customers.iloc[:0], "balance").data) == 0


def test_scatter_customdata_carries_customer_ids(data, colours):
    customers, _ = data
    sample = customers.dropna(subset=["balance"]).iloc[:500]
    fig = segment_scatter(sample, "balance", "mean_amount")
    assert all(isinstance(t, go.Scattergl) for t in fig.data)
    for trace in fig.data:
        want = sample.loc[sample["segment"] == trace.name, "CustomerID"].tolist()
        assert [row[0] for row in trace.customdata] == want
        assert trace.marker.color == colours[trace.name]
    assert fig.layout.xaxis.type == "log" and fig.layout.yaxis.type == "log"


def test_scatter_marks_centroids_and_respects_linear_axes(data, colours):
    customers, _ = data
    centroids = segment_centroids(customers, ["age", "mean_amount"])
    fig = segment_scatter(customers, "age", "mean_amount", log_y=False, centroids=centroids)
    centre = fig.data[-1]
    assert centre.marker.symbol == CENTROID_SYMBOL
    assert list(centre.marker.color) == [colours[s] for s in ["Low", "Medium", "High"]]
    assert fig.layout.xaxis.type == "linear" and fig.layout.yaxis.type == "linear"


def test_scatter_samples_large_inputs_and_says_so(data):
    customers, _ = data
    fig = segment_scatter(customers, "age", "night_share", max_points=300)
    assert sum(len(t.x) for t in fig.data) <= 300
    assert "Stratified sample of 300 of 2,000 customers" in fig.layout.title.subtitle.text
    assert {t.name for t in fig.data} == {"Low", "Medium", "High"}


def test_selected_customer_ids_reads_plotly_selection_points():
    points = [
        {"curve_number": 0, "customdata": ["C000001"]},
        {"curve_number": 1, "customdata": "C000002"},
        {"curve_number": 0, "customdata": ["C000001"]},
        {"curve_number": 3, "x": 1.0},  # a segment centre: no customer id
    ]
    assert selected_customer_ids(points) == ["C000001", "C000002"]
    assert selected_customer_ids([]) == []


def test_scatter_3d_uses_scatter3d_with_ids_and_variance_titles(data):
    customers, _ = data
    frame, centroids, ratio = pca_projection(customers.iloc[:400], n_components=3)
    fig = segment_scatter_3d(frame, centroids, ratio)
    assert all(isinstance(t, go.Scatter3d) for t in fig.data)
    ids = [row[0] for t in fig.data[:-1] for row in t.customdata]
    assert sorted(ids) == sorted(frame["CustomerID"])
    assert f"{ratio[0]:.0%} of variance" in fig.layout.scene.xaxis.title.text


def test_comparison_heatmap(data):
    customers, _ = data
    comparison = compare_to_base(customers)
    heat = segment_comparison_heatmap(comparison)
    np.testing.assert_allclose(np.asarray(heat.data[0].z, dtype=float), comparison.to_numpy())
    assert list(heat.data[0].x) == ["Low", "Medium", "High"]
    assert heat.data[0].y[1] == "Account balance"


def test_box_plot_uses_precomputed_quantiles_only(data, colours):
    customers, _ = data
    summary = feature_summary(customers, "balance")
    fig = feature_box_by_segment(summary)
    assert len(fig.data) == 3 and all(t.y is None for t in fig.data)  # no raw points are sent
    high = fig.data[2]
    assert high.median[0] == pytest.approx(summary.loc[summary["segment"] == "High", "median"].item())
    assert high.marker.color == colours["High"]
    assert fig.layout.yaxis.type == "log"


def test_mix_bars_per_segment_and_overall(data, colours):
    customers, _ = data
    mix = demographic_mix(customers)
    gender = gender_mix_bar(mix.gender)
    assert [t.name for t in gender.data] == ["Low", "Medium", "High"]
    assert list(gender.data[0].x) == ["Male", "Female", "Other", "Unknown"]
    assert gender.data[2].marker.color == colours["High"]
    ages = age_band_bar(mix.age_band)
    assert list(ages.data[0].x)[-1] == "Unknown"
    overall = location_bar(top_locations(customers, 3))
    assert len(overall.data) == 1 and len(overall.data[0].y) == 3
    per_segment = location_bar(mix.locations)
    assert [t.name for t in per_segment.data] == ["Low", "Medium", "High"]


def test_activity_charts(data, colours):
    customers, transactions = data
    hourly = hourly_activity_line(timing_by_segment(customers, transactions))
    assert [t.name for t in hourly.data] == ["Low", "Medium", "High"]
    assert hourly.data[0].line.color == colours["Low"]
    assert len(hourly_activity_line(activity_by_hour(transactions)).data) == 1
    week = weekday_bar(activity_by_weekday(transactions))
    assert list(week.data[0].x)[0] == "Monday"
    daily = daily_activity_line(activity_by_date(transactions))
    assert [t.name for t in daily.data] == ["Transactions", "Amount (INR)"]
    ticks = list(daily.layout.yaxis2.tickvals)
    top = activity_by_date(transactions)["total_amount"].max()
    assert ticks[0] == 0 and ticks[-1] >= top > ticks[-2]  # round steps from 0 just past the busiest day
    assert all(t.startswith("₹") for t in daily.layout.yaxis2.ticktext)


def test_model_quality_charts():
    elbow = elbow_chart([2, 3, 4], [100.0, 60.0, 50.0], chosen_k=3)
    assert list(elbow.data[0].y) == [100.0, 60.0, 50.0]
    sil = silhouette_by_k_chart([2, 3, 4], [0.3, 0.4, 0.35], [0.01, 0.02, 0.01])
    assert list(sil.data[0].error_y.array) == [0.01, 0.02, 0.01]
    by_segment = silhouette_by_segment_bar({"Low": 0.3, "Medium": 0.2, "High": 0.5}, overall=0.33)
    assert list(by_segment.data[0].marker.color) == list(segment_colour_map(["Low", "Medium", "High"]).values())
    matrix = np.array([[8, 2], [1, 9]])
    conf = confusion_matrix_heatmap(matrix, ["Low", "High"])
    np.testing.assert_allclose(conf.data[0].z, [[0.8, 0.2], [0.1, 0.9]])
    assert conf.data[0].text[0][0] == "8<br>80%"
    imp = importance_bar(pd.DataFrame({"feature": ["age", "balance"], "mean": [0.1, 0.3], "std": [0.01, 0.02]}))
    assert list(imp.data[0].y) == ["Age", "Account balance"]  # most important at the top of a horizontal bar


def test_probability_bar_highlights_the_most_likely_segment():
    fig = probability_bar({"Low": 0.1, "Medium": 0.7, "High": 0.2})
    widths = fig.data[0].marker.line.color
    assert widths[1] != widths[0] and widths[0] == widths[2]
    assert list(fig.data[0].text) == ["10%", "70%", "20%"]


def test_customer_position_chart_places_the_customer(data):
    customers, _ = data
    one = customers.dropna(subset=["balance"]).iloc[0]
    fig = customer_position_chart(
        one,
        background=customers.iloc[:300],
        centroids=segment_centroids(customers, ["balance", "mean_amount"]),
        segment=str(one["segment"]),
    )
    star = fig.data[-1]
    assert star.name == "This customer" and star.marker.symbol == "star"
    assert star.x[0] == one["balance"] and star.y[0] == one["mean_amount"]
    missing = customer_position_chart({"balance": np.nan, "mean_amount": 10.0})
    assert "cannot be placed" in missing.layout.title.subtitle.text


def test_correlation_heatmap_labels_features(data):
    customers, _ = data
    corr = feature_correlations(customers, ["balance", "age"])
    fig = correlation_heatmap(corr)
    assert list(fig.data[0].x) == ["Account balance", "Age"]
    assert fig.data[0].zmin == -1 and fig.data[0].zmax == 1


def test_empty_inputs_give_a_message_not_an_exception(data):
    customers, transactions = data
    none = customers.iloc[:0]
    for fig in (
        segment_scatter(none, "balance", "age"),
        hourly_activity_line(timing_by_segment(none, transactions)),
        feature_box_by_segment(feature_summary(none, "balance")),
        gender_mix_bar(demographic_mix(none).gender),
    ):
        assert isinstance(fig, go.Figure) and len(fig.data) == 0 and fig.layout.annotations


def test_user_text_is_shown_as_text_not_html(data):
    customers, _ = data
    tricky = customers.head(50).copy()
    tricky["location"] = "<a href='https://evil.example'>CLICK</a>"
    tricky["CustomerID"] = [f"<b>C{i}</b>" for i in range(50)]
    bars = location_bar(top_locations(tricky))
    assert list(bars.data[0].y) == ["&lt;a href='https://evil.example'&gt;CLICK&lt;/a&gt;"]
    scatter = segment_scatter(tricky, "balance", "mean_amount")
    points = scatter.data[0]
    assert points.customdata[0][0].startswith("<b>C") and points.customdata[0][1].startswith("&lt;b&gt;C")
    assert "customdata[1]" in points.hovertemplate and "customdata[0]" not in points.hovertemplate
    # selections still give back the real ids
    assert selected_customer_ids([{"customdata": list(points.customdata[0])}]) == [points.customdata[0][0]]


@pytest.mark.parametrize(
    ("log", "values", "expected"),
    [
        (True, [5.0, 3e7], ["₹1", "₹10", "₹100", "₹1,000", "₹10,000", "₹1 lakh", "₹10 lakh", "₹1 Cr", "₹10 Cr"]),
        (True, [150.0, 800.0], ["₹100", "₹200", "₹500", "₹1,000"]),  # one decade: 1-2-5 steps
        (False, [0.0, 2.6e6], ["₹0", "₹5 lakh", "₹10 lakh", "₹15 lakh", "₹20 lakh", "₹25 lakh", "₹30 lakh"]),
    ],
)
def test_money_axes_read_in_lakh_and_crore(log, values, expected):
    axis = feature_axis("balance", log, np.array(values))
    assert list(axis["ticktext"]) == expected
