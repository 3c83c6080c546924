"""In a real browser: save an audience, reload the app and find it, open its link, download its workbook."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from core.pipeline.audience_store import audience_file
from tests.browser import wait_until_idle

pytestmark = pytest.mark.e2e


def test_save_reload_filter_and_download_the_workbook(server, page, app_data, trained, tmp_path):
    store = audience_file(app_data.resolve())
    store.unlink(missing_ok=True)
    high = int((trained.customers["segment"] == "High").sum())
    try:
        page.goto(f"{server}/Audiences")
        wait_until_idle(page)
        rule = page.get_by_label("Rule", exact=True)
        rule.fill("segment = 'High'")
        rule.press("Control+Enter")
        wait_until_idle(page)
        assert page.get_by_text(f"{high:,}", exact=True).first.is_visible()
        page.get_by_label("Name", exact=True).fill("E2E high")
        page.get_by_label("Your name", exact=True).fill("browser")
        page.get_by_role("button", name="Save audience").click()
        wait_until_idle(page)
        assert page.get_by_text("Saved").first.is_visible()

        page.reload()  # a new session: the audience comes back from the store
        wait_until_idle(page)
        # the picker of saved audiences offers it, and its download has every one of its customers
        assert page.get_by_role("button", name=f"Download its {high:,} customers").is_visible()

        with page.expect_download() as download:
            page.get_by_role("button", name="Excel").last.click()
        path = tmp_path / download.value.suggested_filename
        download.value.save_as(path)
        assert path.suffix == ".xlsx"
        book = load_workbook(path)
        assert book.sheetnames[-1] == "About"
        sheet = book.worksheets[0]
        assert sheet.max_row == high + 1  # header + every customer of the audience
        assert sheet.freeze_panes == "A2"

        page.goto(f"{server}/Segment_profiles?audience=E2E+high")
        wait_until_idle(page)
        assert page.get_by_text(f"{high:,} of {len(trained.customers):,} customers match").is_visible()
    finally:
        store.unlink(missing_ok=True)
