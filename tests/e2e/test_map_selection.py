"""A box drawn on the Segment map lists every customer inside it, not only the sampled points drawn there."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from tests.browser import SHOTS, wait_until_idle

pytestmark = pytest.mark.e2e


def drag_box(page, start: float = 0.2, end: float = 0.8) -> None:
    """Drag a box over the map from `start` to `end` of the plot area (fractions of its width and height)."""
    area = page.locator('[data-testid="stPlotlyChart"] .nsewdrag').first.bounding_box()
    x0, y0 = area["x"] + area["width"] * start, area["y"] + area["height"] * start
    page.mouse.move(x0, y0)
    page.mouse.down()
    for step in (0.5, 1.0):
        fraction = start + (end - start) * step
        page.mouse.move(area["x"] + area["width"] * fraction, area["y"] + area["height"] * fraction, steps=10)
    page.mouse.up()


def test_a_box_with_no_filters_lists_every_customer_inside_it(server, page, trained, tmp_path):
    page.goto(f"{server}/Segment_map")
    wait_until_idle(page)
    drag_box(page)
    page.get_by_role("heading", name="Selected customers").wait_for(timeout=30_000)
    wait_until_idle(page)
    page.screenshot(path=str(SHOTS / "Segment_map_box.png"))
    # The box as plotly itself holds it (data units, also on log axes), read from the chart, not from the app.
    box = page.evaluate(
        "() => document.querySelector('[data-testid=\"stPlotlyChart\"] .js-plotly-plot').layout.selections[0]"
    )
    x0, x1 = sorted((box["x0"], box["x1"]))
    y0, y1 = sorted((box["y0"], box["y1"]))
    c = trained.customers
    inside = c[c["balance"].between(x0, x1) & c["mean_amount"].between(y0, y1)]  # both axes log: > 0 anyway
    text = page.get_by_text(re.compile(r"customers? inside the box")).first.inner_text()
    listed = int(re.match(r"([\d,]+) customers? inside the box", text).group(1).replace(",", ""))
    drawn = int(re.search(r"([\d,]+) of them (?:is|are) drawn", text).group(1).replace(",", ""))
    assert listed == len(inside) > 0
    assert drawn < listed  # the map draws a sample; the list does not stop there
    with page.expect_download() as download:
        page.get_by_role("button", name="Download selected customers").click()
    path = tmp_path / "selected.csv"
    download.value.save_as(path)
    rows = pd.read_csv(path, encoding="utf-8-sig", dtype={"Customer ID": str})
    assert sorted(rows["Customer ID"]) == sorted(inside["CustomerID"].astype(str))
    assert page.locator('[data-testid="stException"]').count() == 0
