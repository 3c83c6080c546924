"""Compare page: two groups side by side, their KPIs, sentences and effect sizes."""

from __future__ import annotations

from tests.app.conftest import assert_clean, run_page

PAGE = "pages/8_Compare.py"


def test_default_compares_the_highest_with_the_lowest_segment(trained):
    at = run_page(PAGE)
    assert_clean(at)
    assert at.selectbox(key="compare_a").value == "Segment High"
    assert at.selectbox(key="compare_b").value == "Segment Low"
    kpis = at.dataframe[0].value
    c = trained.customers
    assert kpis.loc["Customers", "Segment High"] == f"{(c['segment'] == 'High').sum():,}"
    low_median = c.loc[c["segment"] == "Low", "balance"].median()
    assert kpis.loc["Median account balance (INR)", "Segment Low"] == f"₹{low_median:,.0f}"
    assert any("Segment High has" in m.value for m in at.markdown)
    effects = at.dataframe[1].value
    assert effects["Standardised mean difference"].abs().is_monotonic_decreasing
    assert len(at.get("plotly_chart")) == 3


def test_selection_against_everyone_else_when_filtered(trained):
    at = run_page(PAGE, gender="F")
    assert_clean(at)
    assert at.selectbox(key="compare_a").value == "The current selection"
    kpis = at.dataframe[0].value
    c = trained.customers
    assert kpis.iloc[0].tolist() == [f"{(c['gender'] == 'F').sum():,}", f"{(c['gender'] != 'F').sum():,}"]


def test_an_empty_group_gives_a_message():
    at = run_page(PAGE)
    at.selectbox(key="compare_b").select("Everyone else (not in the selection)").run()
    assert not at.exception
    assert any("no customers" in i.value for i in at.info)
    assert not at.get("plotly_chart")
