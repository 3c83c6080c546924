"""Explore data page: each tab's charts, widgets that change them, the quality report, filters that match nobody."""

import pandas as pd
import pytest

from tests.app.conftest import assert_clean, run_page
from tests.app.figures import figure, figures, titles

PAGE = "pages/1_Explore_data.py"


def open_tab(at, label: str):
    """Switch the page's tabs (what a click on the tab does); only the open tab's content runs."""
    at.session_state["explore_tab"] = label
    return at.run()


def metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_opens_on_the_balance_distribution_on_a_log_scale(trained):
    at = run_page(PAGE)
    assert_clean(at)
    assert titles(at) == ["Account balance by segment"]
    fig = figures(at)[0]
    assert fig["layout"]["xaxis"]["type"] == "log"
    # the stacked bars hold every customer with a positive balance, each segment in its own trace
    c = trained.customers
    assert sum(sum(t["y"]) for t in fig["data"]) == int((c["balance"] > 0).sum())
    high = next(t for t in fig["data"] if t["name"] == "High")
    assert sum(high["y"]) == int(((c["segment"] == "High") & (c["balance"] > 0)).sum())


def test_feature_and_scale_widgets_change_the_histogram(trained):
    at = run_page(PAGE)
    at.selectbox(key="hist_feature").set_value("n_transactions").run()
    assert_clean(at)
    assert titles(at) == ["Transactions by segment"]
    assert figures(at)[0]["layout"]["xaxis"]["type"] == "linear"  # counts default to a linear axis
    at.selectbox(key="hist_feature").set_value("total_amount").run()
    assert figures(at)[0]["layout"]["xaxis"]["type"] == "log"  # money defaults to log
    at.toggle(key="hist_log_total_amount").set_value(False).run()
    assert_clean(at)
    assert figures(at)[0]["layout"]["xaxis"]["type"] == "linear"


def test_customers_tab_shows_age_gender_and_top_locations(trained):
    at = open_tab(run_page(PAGE), "Customers")
    assert_clean(at)
    assert titles(at) == ["Age bands", "Gender mix", "Top locations"]
    locations = figure(at, "Top locations")["data"][0]
    counts = trained.customers["location"].value_counts()
    assert locations["y"][0] == counts.index[0] and locations["x"][0] == counts.iloc[0]
    assert len(locations["y"]) == min(15, len(counts))


def test_activity_tab_counts_the_transactions_of_the_filtered_customers(trained):
    at = run_page(PAGE)
    at.multiselect(key="segment").select("High").run()
    at = open_tab(at, "Activity")
    assert_clean(at)
    c, tx = trained.customers, trained.transactions
    ids = set(c.loc[c["segment"] == "High", "CustomerID"])
    n_tx = int(tx["customer_id"].isin(ids).sum())
    assert any(f"{n_tx:,} transactions of the {len(ids):,} customers shown" in m.value for m in at.caption)
    assert titles(at) == ["When customers transact", "Transactions by day of the week", "Daily activity"]
    weekday = figure(at, "Transactions by day")
    assert sum(weekday["data"][0]["y"]) == n_tx


def test_relationships_tab_shows_rank_correlations(trained):
    at = open_tab(run_page(PAGE), "Relationships")
    assert_clean(at)
    heat = figures(at)[0]["data"][0]
    labels, z = heat["x"], pd.DataFrame(heat["z"])
    assert "Account balance" in labels and "Total spend" in labels
    c = trained.customers
    expected = c["n_transactions"].corr(c["total_amount"], method="spearman")
    assert z.iloc[labels.index("Transactions"), labels.index("Total spend")] == pytest.approx(expected, abs=0.01)


def test_quality_tab_shows_rows_in_and_out_and_every_fix(trained):
    at = open_tab(run_page(PAGE), "Data quality")
    assert_clean(at)
    report = trained.quality.data.to_dict()
    kept = len(trained.transactions)  # the clean transactions that were saved
    assert metric(at, "Rows kept") == f"{kept:,}"
    assert metric(at, "Rows read") == f"{report['rows_in']:,}"
    assert metric(at, "Rows excluded") == f"{report['rows_in'] - kept:,}"
    table = at.dataframe[0].value
    assert list(table["issue"]) == [item["issue"] for item in report["items"]]
    assert list(table["count"]) == [item["count"] for item in report["items"]]
    assert {"fixed", "excluded"} <= set(table["action"])
