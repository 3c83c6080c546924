"""The report pack in a real browser: one click on Segment profiles downloads a workbook of the page's tables, another
a zip of one-page segment summaries, and a chart's own toolbar saves it as a named PNG."""

from __future__ import annotations

import io
import time
import zipfile

import pytest
from openpyxl import load_workbook
from PIL import Image

from tests.browser import wait_until_idle

pytestmark = pytest.mark.e2e


def test_report_pack_downloads_a_workbook_of_the_page(server, page, trained, tmp_path):
    page.goto(f"{server}/Segment_profiles?segment=High")
    wait_until_idle(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Report pack (Excel)").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.name.startswith("segment_report_pack_") and path.suffix == ".xlsx"
    book = load_workbook(path)
    assert book.sheetnames[:2] == ["Summary", "Segment profiles"] and book.sheetnames[-1] == "About"
    rows = list(book["Segment profiles"].iter_rows(values_only=True))
    high = int((trained.customers["segment"] == "High").sum())
    assert [(r[0], r[1]) for r in rows[1:]] == [("High", high)]  # the sidebar's selection only
    assert book["Timing"]._charts


def test_segment_summaries_download_a_zip_of_png_pages(server, page, tmp_path):
    page.goto(f"{server}/Segment_profiles?segment=High")
    wait_until_idle(page)
    started = time.monotonic()
    with page.expect_download(timeout=120_000) as download:
        page.get_by_role("button", name="Segment summaries (PNG)").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    print(f"segment summaries: {time.monotonic() - started:.1f} s from click to file")  # noqa: T201
    assert path.name.startswith("segment_summaries_") and path.suffix == ".zip"
    archive = zipfile.ZipFile(path)
    assert archive.namelist() == ["1_segment_summary_High.png"]  # the sidebar's selection: one segment
    image = Image.open(io.BytesIO(archive.read("1_segment_summary_High.png")))
    assert image.format == "PNG" and image.size == (1500, 1950)
    assert not page.locator('[data-testid="stException"]').count()


def test_the_chart_toolbar_saves_a_named_png(server, page, tmp_path):
    page.goto(f"{server}/Segment_profiles?segment=High")
    wait_until_idle(page)
    page.get_by_role("tab", name="Against the average").click()
    wait_until_idle(page)
    charts = page.locator(".js-plotly-plot")
    assert charts.count() == 1
    heatmap = charts.first
    heatmap.scroll_into_view_if_needed()
    heatmap.hover()
    camera = heatmap.locator('.modebar-btn[data-title^="Download plot"]')
    assert camera.count() == 1  # Plotly's own camera button in the chart's toolbar
    with page.expect_download(timeout=60_000) as download:
        camera.click()
    assert download.value.suggested_filename == "segment_comparison_segment-High.png"
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    image = Image.open(path)
    assert image.format == "PNG" and image.width > 1000  # drawn at twice the chart's size (scale 2)
