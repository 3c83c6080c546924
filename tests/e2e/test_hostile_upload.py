"""Stored markdown/HTML injection (issue 13), in a real browser: a file uploaded with a hostile name, hostile
locations and a hostile customer ID is trained on the Data page; no page then holds a link or an image from it."""

from __future__ import annotations

import re
from urllib.parse import quote

import numpy as np
import pytest

from core.config import DATASETS_DIR, RAW_COLUMNS
from tests.browser import SHOTS, wait_until_idle

pytestmark = pytest.mark.e2e

HOSTILE_NAME = "[Click for your bonus](https://evil.example/x) ![t](https://evil.example/t.png).csv"
HOSTILE_LOCATION = "[CLICK](HTTPS://EVIL.EXAMPLE)"
HOSTILE_ID = "<img/src=https://evil.example/i.png>"  # no spaces: a pasted list splits on them
DATASET = "hostile-e2e"
FROM_THEM = 'a[href*="://evil.example" i], img[src*="://evil.example" i], [data-testid="stException"]'  # the app's own
# navigation links carry the filters in their (URL-encoded) query, which is not a link to evil.example


def hostile_file(customers: int = 150) -> bytes:
    rng = np.random.default_rng(3)
    header = ",".join(f'"{c}"' if "," in c else c for c in RAW_COLUMNS)
    lines = [header]
    for i in range(customers * 2):
        cid = HOSTILE_ID if i % customers == 0 else f"C{i % customers:04d}"
        location = HOSTILE_LOCATION if i % 3 == 0 else "PUNE"
        lines.append(
            f'T{i},"{cid}",1/1/{rng.integers(50, 99)},{"MF"[i % 2]},"{location}",{rng.lognormal(9, 2):.2f},'
            f"{rng.integers(1, 29)}/{rng.integers(1, 13)}/16,{rng.integers(0, 235959)},{rng.lognormal(6, 1.5):.2f}"
        )
    return ("\n".join(lines) + "\n").encode()


def assert_nothing_from_them(page, where: str) -> None:
    found = page.locator(FROM_THEM)
    assert found.count() == 0, (where, found.first.evaluate("e => e.outerHTML"))


def test_hostile_name_location_and_id_never_become_links_or_images(server, page):
    from core.pipeline.persistence import delete_dataset

    try:
        page.goto(f"{server}/Data")
        wait_until_idle(page)
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
            files=[{"name": HOSTILE_NAME, "mimeType": "text/csv", "buffer": hostile_file()}]
        )
        page.get_by_text("2 · Match the columns").wait_for(timeout=60_000)
        wait_until_idle(page)
        assert_nothing_from_them(page, "Data page preview")
        page.get_by_label("Dataset name").fill(DATASET)
        page.get_by_role("button", name="Train segments and models").click()
        page.get_by_text(f"Dataset '{DATASET}' is ready").wait_for(timeout=180_000)
        wait_until_idle(page)
        assert_nothing_from_them(page, "Data page after training")

        page.goto(f"{server}/?dataset={DATASET}")
        wait_until_idle(page)
        caption = page.get_by_text("source:").first.inner_text()
        assert "Click for your bonus" in caption and "evil.example" in caption  # shown as text, cleaned
        assert_nothing_from_them(page, "Home")

        page.goto(f"{server}/Customer_lookup?dataset={DATASET}")
        wait_until_idle(page)
        box = page.locator('[data-testid="stTextArea"] textarea')
        box.fill(f"C0001 C0003 {HOSTILE_ID} nobody")
        box.press("Control+Enter")
        page.get_by_text("customers found").wait_for(timeout=60_000)
        wait_until_idle(page)
        # The location and the ID are shown, as plain text (an invisible word joiner keeps the URL unlinked).
        assert page.get_by_text(re.compile(r"\[CLICK\]\(HTTPS:")).count() >= 1
        assert page.get_by_text(re.compile(r"<img/src=https:")).count() >= 1
        assert_nothing_from_them(page, "Customer lookup")

        page.goto(f"{server}/?dataset={DATASET}&location={quote(HOSTILE_LOCATION)}")  # a link sent to a colleague
        wait_until_idle(page)
        assert page.get_by_text(re.compile(r"Customers in \[CLICK\]")).count() == 1  # the filter sentence
        assert_nothing_from_them(page, "Home filtered on the hostile location")

        page.goto(f"{server}/Explore_data?dataset={DATASET}")
        wait_until_idle(page)
        assert_nothing_from_them(page, "Explore data")
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "hostile_upload.png"), full_page=True)
    finally:
        if (DATASETS_DIR / DATASET).is_symlink():
            delete_dataset(DATASET, DATASETS_DIR)


def test_hostile_headers_in_an_error_stay_text(server, page):
    page.goto(f"{server}/Data")
    wait_until_idle(page)
    data = b"[x](https://evil.example/h),![i](https://evil.example/i.png),<img src=https://evil.example/j.png>\n1,2,3\n"
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        files=[{"name": "headers.csv", "mimeType": "text/csv", "buffer": data}]
    )
    page.locator('[data-testid="stAlertContentError"]').first.wait_for(timeout=60_000)
    wait_until_idle(page)
    assert "evil.example" in page.locator('[data-testid="stAlertContentError"]').first.inner_text()
    assert_nothing_from_them(page, "Data page error")
