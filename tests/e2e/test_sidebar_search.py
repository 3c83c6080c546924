"""Typing a location and pressing Enter picks that location, not every location containing the word."""

from __future__ import annotations

import re

import pytest

from tests.browser import wait_until_idle

pytestmark = pytest.mark.e2e


def test_enter_picks_the_exact_location(server, page, trained):
    locations = trained.customers["location"].dropna().astype(str)
    word = "MUMBAI"
    containing = sorted({loc for loc in locations if word in loc})
    assert word in containing and len(containing) > 1  # MUMBAI, NAVI MUMBAI ...: Enter must not take them all
    page.goto(server)
    wait_until_idle(page)
    box = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(has_text="Location")
    box.locator("input").click()
    page.keyboard.type(word.lower())
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    wait_until_idle(page)
    chips = [tag.get_attribute("aria-label") for tag in box.locator("[data-tag]").all()]
    assert chips == [word]
    expected = int((locations == word).sum())
    assert page.get_by_text(re.compile(rf"{expected:,} of {len(trained.customers):,} customers match")).is_visible()
