"""Pages answered by engine queries never build a filtered frame of customers in the server (issue 10)."""

from __future__ import annotations

import pytest

from tests.app.conftest import assert_clean, run_page


@pytest.fixture
def no_frames(monkeypatch):
    """Fail loudly if a page asks for the in-memory view or runs a pandas filter pass."""

    def refuse(*args, **kwargs):
        raise AssertionError("this page built the in-memory filtered view")

    monkeypatch.setattr("ui.sidebar.cached_view", refuse)
    monkeypatch.setattr("core.analysis.filters.apply_filters", refuse)


@pytest.mark.parametrize("query", [{}, {"segment": "High", "gender": "F"}])
def test_home_is_answered_by_queries(no_frames, query):
    at = run_page("Home.py", **query)
    assert_clean(at)
    assert any("customers match" in m.value for m in at.sidebar.markdown)
    assert len(at.metric) >= 4


@pytest.mark.parametrize("tab", ["Distributions", "Customers", "Activity", "Relationships", "Data quality"])
def test_every_explore_tab_is_answered_by_queries(no_frames, tab):
    at = run_page("pages/1_Explore_data.py", segment="Low")
    at.session_state["explore_tab"] = tab
    at.run()
    assert_clean(at)
    assert len(at.get("plotly_chart")) + len(at.dataframe) >= 1


def test_the_match_count_is_the_query_count(no_frames, trained):
    at = run_page("Home.py", segment="High")
    high = int((trained.customers["segment"] == "High").sum())
    total = len(trained.customers)
    assert any(m.value == f"**{high:,}** of {total:,} customers match" for m in at.sidebar.markdown)


@pytest.mark.parametrize("page", ["pages/6_Model_quality.py", "pages/7_Data.py"])
def test_pages_that_only_keep_the_filters_build_no_view(no_frames, page):
    at = run_page(page, segment="Low")
    assert_clean(at)
    assert any("customers match" in m.value for m in at.sidebar.markdown)
