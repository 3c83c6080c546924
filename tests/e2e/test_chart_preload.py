"""A page without charts loads plotly.js once it has gone quiet, so the first chart page of the session need not."""

from __future__ import annotations

import time

import pytest

from tests.browser import wait_until_idle

pytestmark = pytest.mark.e2e
NAV = '[data-testid="stSidebar"] [data-testid="stPageLink-NavLink"]'
PLOTLY = "performance.getEntriesByType('resource').filter(e => e.name.includes('/static/js/PlotlyChart.')).length"


def fetched_plotly(page, within: float) -> int:
    """How many times the page fetched Streamlit's plotly module, waiting up to `within` seconds for a first time."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline and not page.evaluate(PLOTLY):
        time.sleep(0.2)
    return page.evaluate(PLOTLY)


def test_home_preloads_plotly_after_it_is_drawn_and_the_chart_page_reuses_it(server, page):
    page.goto(server)
    wait_until_idle(page)
    assert fetched_plotly(page, within=15) == 1
    # the preload's slot in the sidebar is hidden, not an empty gap above the filters
    slots = page.locator('[data-testid="stSidebar"] [data-testid="stElementContainer"]:has(.stHtml)')
    assert slots.count() == 1 and not slots.first.is_visible()
    page.locator(NAV, has_text="Explore data").first.click()
    wait_until_idle(page)
    page.wait_for_selector('[data-testid="stMain"] .js-plotly-plot', timeout=30_000)
    assert page.evaluate(PLOTLY) == 1  # the chart came from the module already loaded: no second fetch
