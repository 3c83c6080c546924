"""Customer lookup on a 1,400 px screen: every table fits beside the sidebar, no column cut or scrolled away."""

from __future__ import annotations

import pytest

from tests.browser import SHOTS, wait_until_idle

pytestmark = pytest.mark.e2e

# Each table's grid: its full width (scrollWidth) and the width it is given on the page (clientWidth).
WIDTHS = """() => [...document.querySelectorAll('[data-testid="stDataFrame"] .dvn-scroller')]
    .map(s => [s.scrollWidth, s.clientWidth])"""


def test_lookup_tables_fit_1400_px_with_filters_active(server, page, trained):
    c = trained.customers
    split = c.loc[c["CustomerID"].str.contains("#", regex=False), "CustomerID"].iloc[0]
    ids = [split.split("#")[0], *c["CustomerID"].iloc[:5]]
    # Filters add the 'In filters' column, the widest case of the summary table.
    page.goto(f"{server}/Customer_lookup?gender=F&age=25..40")
    wait_until_idle(page)
    page.locator("textarea").first.fill(", ".join(ids))
    page.keyboard.press("Control+Enter")
    page.get_by_text("customers found").wait_for(timeout=30_000)
    wait_until_idle(page)
    page.screenshot(path=str(SHOTS / "Customer_lookup_1400.png"))
    widths = page.evaluate(WIDTHS)
    assert len(widths) == 3  # the summary, and the first customer's fit and reasons tables
    assert [w for w in widths if w[0] > w[1]] == []
    headers = page.locator('[data-testid="stDataFrame"]').first.locator('[role="columnheader"]').all_inner_texts()
    assert headers == [
        "Customer ID",
        "Segment",
        "Borderline",
        "Stands out",
        "Classifier agrees",
        "Next closest",
        "Balance",
        "Avg transaction",
        "In filters",
    ]
    reasons = page.locator('[data-testid="stDataFrame"]').nth(2).locator('[role="columnheader"]').all_inner_texts()
    assert "vs typical" in reasons
    assert page.get_by_text(f"{split} ·").first.is_visible()  # the ID typed found the person behind it too
    assert page.locator('[data-testid="stException"]').count() == 0
