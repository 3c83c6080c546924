"""Every page with customer charts: filters that match nobody give a friendly message, never an exception."""

from __future__ import annotations

import pytest

from tests.app.conftest import run_page

PAGES = ["Home.py", "pages/1_Explore_data.py", "pages/2_Segment_map.py", "pages/3_Segment_profiles.py"]


@pytest.mark.parametrize("page", PAGES)
def test_filters_matching_nobody_show_a_message(page, trained):
    c = trained.customers
    # a location none of whose customers is in High: High there matches nobody (found without the app's code)
    high_count = (c["segment"] == "High").groupby(c["location"]).sum()
    place = str(high_count[high_count == 0].index[0])
    at = run_page(page)
    at.multiselect(key="segment").select("High").run()
    at.multiselect(key="location").select(place).run()
    assert not at.exception
    assert any("No customer matches" in i.value for i in at.info)
    assert not at.get("plotly_chart") and not at.metric
