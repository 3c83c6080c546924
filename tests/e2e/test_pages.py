"""Every page in a real browser: no exception, key elements visible, a screenshot of each."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import SHOTS, wait_until_idle

pytestmark = pytest.mark.e2e

# URL path -> the elements a marketer must see on that page
PAGES = {
    "": ["stMetric", "stPageLink"],
    "Explore_data": ["stPlotlyChart"],
    "Segment_map": ["stPlotlyChart"],
    "Segment_profiles": ["stMetric", "stPlotlyChart"],
    "Customer_lookup": ["stTextArea"],
    "What_if": ["stForm"],
    "Model_quality": ["stMetric", "stPlotlyChart"],
    "Data": ["stFileUploader", "stDataFrame"],
}


@pytest.mark.parametrize("path", list(PAGES))
def test_page_renders_without_exception(server, page, path):
    page.goto(f"{server}/{path}")
    wait_until_idle(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{path or 'Home'}.png"), full_page=True)
    assert page.locator('[data-testid="stException"]').count() == 0, page.locator(
        '[data-testid="stException"]').first.inner_text()
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0
    for testid in PAGES[path]:
        assert page.locator(f'[data-testid="{testid}"]').first.is_visible(), f"{testid} not visible on /{path}"


def customers_shown(page) -> int:
    text = page.locator('[data-testid="stMetric"]').first.inner_text()
    return int(re.search(r"([\d,]+)", text.split("\n", 1)[1]).group(1).replace(",", ""))


def test_filters_live_in_the_url_and_follow_to_other_pages(server, page, trained):
    high = int((trained.customers["segment"] == "High").sum())
    page.goto(f"{server}/?segment=High")
    wait_until_idle(page)
    assert customers_shown(page) == high
    page.locator('[data-testid="stSidebarNav"] a', has_text="Segment profiles").click()
    wait_until_idle(page)
    assert "segment=High" in page.url
    assert page.get_by_text(f"{high:,} of {len(trained.customers):,} customers match").is_visible()
