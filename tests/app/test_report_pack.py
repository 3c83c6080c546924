"""Segment profiles offers the report pack as one download button."""

from __future__ import annotations

from tests.app.conftest import assert_clean, run_page


def test_profiles_page_offers_the_report_pack():
    at = run_page("pages/3_Segment_profiles.py")
    assert_clean(at)
    assert "Report pack (Excel)" in [b.label for b in at.get("download_button")]
