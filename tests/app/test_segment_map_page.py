"""Segment map page: points carry CustomerIDs, axes and views change the chart, the selection hint, empty filters.

AppTest can't drag a box in plotly, so the selection -> customer rows step is unit-tested in
tests/unit/test_selection.py; here the page must say how to select while nothing is selected.
"""

import pytest

from core.present.segment_map import PCA_TITLE
from tests.app.conftest import assert_clean, run_page
from tests.app.figures import figures

PAGE = "pages/2_Segment_map.py"


def customer_traces(fig: dict) -> list[dict]:
    """The traces of customer points (the segment centres have no customdata)."""
    return [t for t in fig["data"] if "customdata" in t]


def plotted_ids(fig: dict) -> dict[str, set[str]]:
    """Segment name -> CustomerIDs drawn in that segment's trace."""
    return {t["name"]: {row[0] for row in t["customdata"]} for t in customer_traces(fig)}


def test_map_shows_every_customer_in_its_segment_and_how_to_select(trained):
    at = run_page(PAGE)
    assert_clean(at)
    fig = figures(at)[0]
    assert fig["layout"]["xaxis"]["type"] == "log" and fig["layout"]["yaxis"]["type"] == "log"
    assert [t["type"] for t in customer_traces(fig)] == ["scattergl"] * 3
    c = trained.customers
    plottable = c[(c["balance"] > 0) & (c["mean_amount"] > 0)]  # the small dataset is below the 20,000 sample
    ids = plotted_ids(fig)
    for segment in ("Low", "Medium", "High"):
        assert ids[segment] == set(plottable.loc[plottable["segment"] == segment, "CustomerID"])
    assert any("drag a box" in i.value for i in at.info)
    assert not at.dataframe and not at.get("download_button")  # nothing selected yet


def test_segment_centres_are_the_segment_medians(trained):
    fig = figures(run_page(PAGE))[0]
    centres = next(t for t in fig["data"] if t["name"] == "Segment centre")
    medians = trained.customers.groupby("segment", observed=True)[["balance", "mean_amount"]].median()
    assert centres["text"] == ["Low", "Medium", "High"]
    assert centres["x"] == pytest.approx(list(medians["balance"]))
    assert centres["y"] == pytest.approx(list(medians["mean_amount"]))


def test_axis_and_log_widgets_change_the_chart(trained):
    at = run_page(PAGE)
    at.selectbox(key="map_x").set_value("age").run()
    assert_clean(at)
    fig = figures(at)[0]
    assert fig["layout"]["xaxis"]["title"]["text"] == "Age (years)"
    assert fig["layout"]["xaxis"]["type"] == "linear"
    ages = trained.customers.set_index("CustomerID")["age"]
    low = next(t for t in customer_traces(fig) if t["name"] == "Low")
    assert low["x"][:20] == pytest.approx([ages[row[0]] for row in low["customdata"][:20]])
    at.toggle(key="map_log_y_mean_amount").set_value(False).run()
    assert figures(at)[0]["layout"]["yaxis"]["type"] == "linear"


def test_segment_filter_keeps_only_that_segment(trained):
    at = run_page(PAGE)
    at.multiselect(key="segment").select("High").run()
    assert_clean(at)
    c = trained.customers
    high = c[(c["segment"] == "High") & (c["balance"] > 0) & (c["mean_amount"] > 0)]
    assert plotted_ids(figures(at)[0]) == {"High": set(high["CustomerID"])}


def test_main_direction_views(trained):
    at = run_page(PAGE)
    at.button_group(key="map_mode").set_value("pca2").run()
    assert_clean(at)
    fig = figures(at)[0]
    assert fig["layout"]["title"]["text"] == PCA_TITLE
    assert fig["layout"]["xaxis"]["title"]["text"].startswith("Direction 1 (")
    assert sum(len(t["customdata"]) for t in customer_traces(fig)) == len(trained.customers)
    assert any("drag a box" in i.value for i in at.info)
    at.button_group(key="map_mode").set_value("pca3").run()
    assert_clean(at)
    fig = figures(at)[0]
    assert {t["type"] for t in fig["data"]} == {"scatter3d"}
    assert any("switch to a 2-D view" in i.value for i in at.info)


def test_the_map_view_and_axes_come_from_the_link_and_survive_a_page_switch():
    at = run_page(PAGE, x="age", y="balance", log_y="False")
    assert_clean(at)
    fig = figures(at)[0]
    assert fig["layout"]["xaxis"]["title"]["text"] == "Age (years)"
    assert fig["layout"]["yaxis"]["title"]["text"] == "Account balance (INR)"
    assert fig["layout"]["yaxis"]["type"] == "linear"
    assert (at.query_params["x"], at.query_params["y"], at.query_params["log_y"]) == ("age", "balance", "False")
    at.selectbox(key="map_y").set_value("mean_amount").run()
    at.switch_page("pages/1_Explore_data.py").run()
    assert at.query_params["y"] == "mean_amount"  # the choice travels in the URL of every page
    at.switch_page(PAGE).run()
    assert_clean(at)
    assert (at.selectbox(key="map_x").value, at.selectbox(key="map_y").value) == ("age", "mean_amount")
    assert figures(at)[0]["layout"]["yaxis"]["type"] == "log"  # a money axis chosen anew starts on a log scale
    pca = run_page(PAGE, map="pca2")
    assert pca.segmented_control(key="map_mode").value == "pca2"
