"""Segment profiles page: cards, insight sentences with the right numbers, personas, charts, lists, empty filters."""

import numpy as np
import pytest

from tests.app.conftest import assert_clean, run_page
from tests.app.figures import figure, titles

PAGE = "pages/3_Segment_profiles.py"


def open_tab(at, label: str):
    """Switch the page's tabs (what a click on the tab does); only the open tab's content runs."""
    at.session_state["profile_tab"] = label
    return at.run()


def page_text(at) -> str:
    """All markdown on the page, backslash escapes removed (what the reader sees)."""
    return "\n".join(m.value for m in at.markdown).replace("\\", "")


def test_profiles_render_cards_charts_and_a_list(trained):
    at = run_page(PAGE)
    assert_clean(at)
    assert [m.label for m in at.metric].count("Median balance") == 3
    assert titles(at) == []  # the first tab, Personas, is words: the charts wait in their tabs
    expected = {
        "Against the average": ["How each segment differs from the average customer"],
        "Distributions": ["Account balance by segment"],
        "Who they are": ["Gender mix", "Age bands", "Top locations"],
        "When they transact": ["When customers transact"],
    }
    for tab, charts in expected.items():
        at = open_tab(at, tab)
        assert_clean(at)
        assert titles(at) == charts, tab
    at = open_tab(at, "RFM")
    assert len(at.dataframe) == 2  # RFM cross-tab, R x F grid
    at = open_tab(at, "Customer lists")
    assert len(at.dataframe) == 1 and at.get("download_button")


def test_insights_state_the_numbers_of_the_data(trained):
    c = trained.customers
    text = page_text(run_page(PAGE))
    sizes = c["segment"].value_counts()
    largest, smallest = sizes.idxmax(), sizes.idxmin()
    assert (
        f"{largest} is the largest segment with {sizes.max():,} customers ({sizes.max() / len(c):.0%}); "
        f"{smallest} is the smallest with {sizes.min():,}"
    ) in text
    balance = c.groupby("segment", observed=True)["balance"].median()
    assert f"{balance.idxmax()}'s median balance (₹{balance.max():,.0f})" in text
    assert f"{balance.idxmin()}'s (₹{balance.min():,.0f})" in text
    frequency = c.groupby("segment", observed=True)["n_transactions"].mean()
    assert f"{frequency.max():.2f} transactions per customer vs {frequency.min():.2f}" in text


def test_a_persona_per_segment_relative_to_the_whole_bank(trained):
    at = run_page(PAGE)
    c = trained.customers
    balance = c.groupby("segment", observed=True)["balance"].median()
    personas = [m.value.replace("\\", "") for m in at.markdown if "typical customer's" in m.value]
    assert len(personas) == 3
    for persona, segment in zip(personas, ["Low", "Medium", "High"], strict=True):
        assert f"median balance ₹{balance[segment]:,.0f}, " in persona
    # with a filter, "typical customer" still means the whole bank: High's ratio does not change
    at.multiselect(key="segment").select("High").run()
    assert_clean(at)
    filtered = [m.value.replace("\\", "") for m in at.markdown if "typical customer's" in m.value]
    assert filtered == [personas[2]]


def test_comparison_keeps_the_whole_bank_as_yardstick_under_filters(trained):
    at = open_tab(run_page(PAGE), "Against the average")
    everyone = figure(at, "How each segment differs")["data"][0]
    assert everyone["x"] == ["Low", "Medium", "High"]
    c = trained.customers
    log_balance = np.log1p(c["balance"])
    high = np.log1p(c.loc[c["segment"] == "High", "balance"])
    row = everyone["y"].index("Account balance")
    assert everyone["z"][row][2] == pytest.approx((high.mean() - log_balance.mean()) / log_balance.std(ddof=0))
    at.multiselect(key="segment").select("High").run()
    assert_clean(at)
    high_only = figure(at, "How each segment differs")["data"][0]
    assert high_only["x"] == ["High"]
    assert [r[0] for r in high_only["z"]] == pytest.approx([r[2] for r in everyone["z"]])  # not all zero


def test_feature_select_changes_the_box_plot(trained):
    at = open_tab(run_page(PAGE), "Distributions")
    at.selectbox(key="profile_feature").set_value("age").run()
    assert_clean(at)
    boxes = figure(at, "Age by segment")["data"]
    medians = trained.customers.groupby("segment", observed=True)["age"].median()
    assert [b["name"] for b in boxes] == ["Low", "Medium", "High"]
    assert [b["median"][0] for b in boxes] == pytest.approx(list(medians))


def test_customer_list_of_the_chosen_segment(trained):
    at = open_tab(run_page(PAGE), "Customer lists")
    at.selectbox(key="profile_list_segment").set_value("High").run()
    assert_clean(at)
    c = trained.customers
    high = c.loc[c["segment"] == "High", "CustomerID"]
    shown = at.dataframe[-1].value
    assert set(shown["Customer ID"]) <= set(high) and len(shown) == min(len(high), 1_000)
    assert set(shown["Segment"].astype(str)) == {"High"}
    assert f"Download all {len(high):,} High customers" in [b.label for b in at.get("download_button")]


def test_one_segment_selected_is_described_on_its_own(trained):
    at = run_page(PAGE)
    at.multiselect(key="segment").select("Low").run()
    assert_clean(at)
    n_low = int((trained.customers["segment"] == "Low").sum())
    assert f"Only Low is in this selection: {n_low:,} customers" in page_text(at)
    assert [m.label for m in at.metric].count("Median balance") == 1
