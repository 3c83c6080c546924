"""Pages answered by engine queries never build a filtered frame of customers in the server (issue 10)."""

from __future__ import annotations

import pytest

from tests.app.conftest import LARGE, assert_clean, run_page
from tests.app.figures import figures


@pytest.fixture
def no_frames(monkeypatch):
    """Fail loudly if a page asks for the in-memory view or runs a pandas filter pass."""

    def refuse(*args, **kwargs):
        raise AssertionError("this page built the in-memory filtered view")

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


# ---- no page holds a per-customer frame of the whole dataset (the `bounded` fixture: tests/app/conftest.py) ---


@pytest.mark.parametrize("mode", ["features", "pca2", "pca3"])
def test_segment_map_draws_the_engines_sample_only(bounded, mode):
    at = run_page("pages/2_Segment_map.py", segment="Low", map=mode)
    assert_clean(at)
    fig = figures(at)[0]
    drawn = sum(len(t.get("customdata") or []) for t in fig["data"])
    assert 100 <= drawn <= 160  # the configured sample of 150 (quota floors may add a point per segment)
    assert max(bounded, default=0) < LARGE


def test_customer_lookup_reads_only_the_customers_asked_for(bounded, trained):
    at = run_page("pages/4_Customer_lookup.py", gender="F")
    ids = trained.customers["CustomerID"].iloc[[3, 700]].tolist()
    at.text_area(key="lookup_paste").input(", ".join(ids)).run()
    assert_clean(at)
    assert any("2 customers found" in s.value for s in at.subheader)
    assert max(bounded) < LARGE


@pytest.mark.parametrize("mode", ["Customer", "Prospect"])
def test_what_if_builds_its_median_customer_and_background_by_queries(bounded, mode):
    at = run_page("pages/5_What_if.py", segment="High")
    at.segmented_control(key="what_if_mode").set_value(mode).run()
    assert_clean(at)
    assert max(bounded, default=0) < LARGE


def test_audiences_are_sized_by_queries(bounded, trained):
    at = run_page("pages/9_Audiences.py")
    at.text_area(key="audience_rule").input("segment = 'High' and gender = 'F'").run()
    assert_clean(at)
    c = trained.customers
    expected = int(((c["segment"] == "High") & (c["gender"] == "F")).sum())
    assert next(m.value for m in at.metric if m.label == "Audience size") == f"{expected:,}"
    assert max(bounded, default=0) < LARGE


@pytest.mark.parametrize(
    ("a", "b"), [("Segment High", "Segment Low"), ("The current selection", "Everyone else (not in the selection)")]
)
def test_compare_is_answered_by_aggregates(bounded, a, b):
    at = run_page("pages/8_Compare.py", gender="F")
    at.selectbox(key="compare_a").set_value(a)
    at.selectbox(key="compare_b").set_value(b).run()
    assert_clean(at)
    assert len(at.get("plotly_chart")) >= 3 and at.dataframe
    assert max(bounded, default=0) < LARGE


def test_segment_profiles_is_answered_by_queries(bounded):
    at = run_page("pages/3_Segment_profiles.py", gender="F")
    assert_clean(at)
    charts, tables = 0, 0
    for tab in ("Against the average", "Distributions", "Who they are", "When they transact", "RFM", "Customer lists"):
        at.session_state["profile_tab"] = tab
        at.run()
        assert_clean(at)
        charts, tables = charts + len(at.get("plotly_chart")), tables + len(at.dataframe)
    assert charts >= 6 and tables >= 3
    at.session_state["profile_tab"] = "Distributions"
    at.run()
    at.selectbox(key="profile_feature").set_value("age").run()
    assert_clean(at)
    assert max(bounded, default=0) < LARGE


@pytest.mark.parametrize("page", ["Home.py", "pages/3_Segment_profiles.py", "pages/8_Compare.py"])
def test_pages_with_medians_say_when_they_are_those_of_a_sample(page, monkeypatch):
    """Above the exact size (forced small here) every page showing medians says they come from a fixed sample."""

    def said(at) -> bool:
        return any("fixed sample" in c.value for c in at.caption)

    import streamlit as st

    assert not said(run_page(page))  # the small test data: exact medians, nothing to say
    monkeypatch.setattr("core.analysis.sql.quantiles.EXACT_QUANTILE_ROWS", 100)
    st.cache_data.clear()  # answers cached under the real threshold (a constant of a deployment) go
    try:
        at = run_page(page)
        assert_clean(at)
        assert said(at)
    finally:
        st.cache_data.clear()  # and the sampled ones must not reach the next test
