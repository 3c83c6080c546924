"""The report pack in a real browser: one click on Segment profiles downloads a workbook of the page's tables."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

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
