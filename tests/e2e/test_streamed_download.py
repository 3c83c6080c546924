"""A long segment list is written by the engine and streamed from disk through the app's /export route."""

from __future__ import annotations

import csv
import io

import pytest

from tests.browser import wait_until_idle

pytestmark = pytest.mark.e2e


def test_a_long_segment_list_downloads_from_disk_once(server, page, trained):
    customers = trained.customers
    segment = str(customers["segment"].value_counts().idxmax())
    expected = sorted(customers.loc[customers["segment"] == segment, "CustomerID"].astype(str))
    assert len(expected) > 500  # the e2e server streams lists longer than 500 (SEGMENTATION_STREAM_ROWS)
    page.goto(f"{server}/Segment_profiles")
    wait_until_idle(page)
    page.get_by_role("tab", name="Customer lists").click()
    wait_until_idle(page)
    picker = page.get_by_label("Segment", exact=True).last
    # Scrolled to first: clicking it while Streamlit's main area scrolls opens and at once closes the dropdown.
    picker.scroll_into_view_if_needed()
    picker.click()
    page.get_by_role("option", name=segment, exact=True).click()
    wait_until_idle(page)
    page.get_by_role("button", name=f"Prepare the CSV of {len(expected):,} customers").click()
    wait_until_idle(page)
    link = page.get_by_role("link", name=f"Download {len(expected):,} customers")
    href = link.get_attribute("href")
    assert href.startswith("/export/")
    response = page.request.get(f"{server}{href}")
    assert response.status == 200
    assert f"customers_{segment}_" in response.headers["content-disposition"]
    body = response.body()
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert sorted(r["Customer ID"] for r in rows) == expected
    assert {r["Segment"] for r in rows} == {segment}
    assert page.request.get(f"{server}{href}").status == 404  # a link works once
