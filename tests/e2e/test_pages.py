"""Every page in a real browser: no exception, key elements visible, a screenshot of each."""

from __future__ import annotations

import re

import pytest

from tests.browser import SHOTS, wait_until_idle

pytestmark = pytest.mark.e2e

# URL path -> the elements a marketer must see on that page
PAGES = {
    "": ["stMetric", "stPageLink"],
    "Explore_data": ["stPlotlyChart"],
    "Segment_map": ["stPlotlyChart"],
    "Segment_profiles": ["stMetric", "stTabs"],
    "Customer_lookup": ["stTextArea"],
    "What_if": ["stNumberInput"],
    "Model_quality": ["stMetric", "stPlotlyChart"],
    "Data": ["stFileUploader", "stDataFrame"],
    "Compare": ["stDataFrame", "stPlotlyChart"],
    "Audiences": ["stTextArea"],
    "Segment_movement": ["stMetric", "stPlotlyChart"],
}


@pytest.mark.parametrize("path", list(PAGES))
def test_page_renders_without_exception(server, page, path):
    page.goto(f"{server}/{path}")
    wait_until_idle(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{path or 'Home'}.png"), full_page=True)
    assert page.locator('[data-testid="stException"]').count() == 0, page.locator(
        '[data-testid="stException"]'
    ).first.inner_text()
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0
    for testid in PAGES[path]:
        # raises (failing the test) when the element does not become visible
        page.locator(f'[data-testid="{testid}"]').first.wait_for(state="visible", timeout=15_000)


def customers_shown(page) -> int:
    text = page.locator('[data-testid="stMetric"]').first.inner_text()
    return int(re.search(r"([\d,]+)", text.split("\n", 1)[1]).group(1).replace(",", ""))


def test_filters_live_in_the_url_and_follow_to_other_pages(server, page, trained):
    high = int((trained.customers["segment"] == "High").sum())
    page.goto(f"{server}/?segment=High")
    wait_until_idle(page)
    assert customers_shown(page) == high
    page.locator('[data-testid="stSidebar"] [data-testid="stPageLink-NavLink"]', has_text="Segment profiles").click()
    wait_until_idle(page)
    assert "segment=High" in page.url
    assert page.get_by_text(f"{high:,} of {len(trained.customers):,} customers match").is_visible()


def test_first_start_builds_the_default_dataset_with_progress(browser, tmp_path):
    """With no artifacts at all, Home generates and trains the default (small here) and then shows it."""
    import os
    import subprocess
    import sys

    from core.config import ROOT
    from tests.browser import free_port, wait_healthy

    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "SEGMENTATION_DATA_DIR": str(tmp_path),
        "SEGMENTATION_DEFAULT_ROWS": "3000",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "serve.py", "--server.port", str(port), "--server.headless", "true"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_healthy(url, proc)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url)
        page.get_by_text("First start").wait_for(timeout=60_000)
        page.locator('[data-testid="stMetric"]').first.wait_for(timeout=120_000)
        wait_until_idle(page, timeout=120)
        page.screenshot(path=str(SHOTS / "first_start.png"))
        assert page.locator('[data-testid="stException"]').count() == 0
        assert (tmp_path / "datasets" / "default" / "model_card.json").exists()
        assert (tmp_path / "raw" / "default_transactions.csv.gz").exists()
        page.close()
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_box_selection_on_the_segment_map_lists_the_customers(server, page):
    page.goto(f"{server}/Segment_map")
    wait_until_idle(page)
    area = page.locator('[data-testid="stPlotlyChart"] .nsewdrag').first.bounding_box()
    x0, y0 = area["x"] + area["width"] * 0.2, area["y"] + area["height"] * 0.2
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move(x0 + area["width"] * 0.3, y0 + area["height"] * 0.3, steps=10)
    page.mouse.move(x0 + area["width"] * 0.6, y0 + area["height"] * 0.6, steps=10)
    page.mouse.up()
    page.get_by_role("heading", name="Selected customers").wait_for(timeout=30_000)
    wait_until_idle(page)
    page.screenshot(path=str(SHOTS / "Segment_map_selection.png"))
    assert page.get_by_text("inside the box").first.is_visible()
    assert page.get_by_role("button", name="Download selected customers").is_visible()
    assert page.locator('[data-testid="stException"]').count() == 0
