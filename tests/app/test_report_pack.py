"""Segment profiles offers the report pack and the segment summaries as download buttons; without Chromium the
summaries button is one line saying so, never an error."""

from __future__ import annotations

from core.present import images
from tests.app.conftest import assert_clean, run_page


def test_profiles_page_offers_the_report_pack():
    at = run_page("pages/3_Segment_profiles.py")
    assert_clean(at)
    assert "Report pack (Excel)" in [b.label for b in at.get("download_button")]


def test_profiles_page_offers_the_segment_summaries():
    at = run_page("pages/3_Segment_profiles.py", segment="High")
    assert_clean(at)
    assert "Segment summaries (PNG)" in [b.label for b in at.get("download_button")]


def test_without_chromium_the_summaries_button_says_so_in_one_line(monkeypatch, tmp_path):
    monkeypatch.setattr(images, "CHROMIUM_PATH", tmp_path / "no-chromium")
    at = run_page("pages/3_Segment_profiles.py")
    assert_clean(at)
    labels = [b.label for b in at.get("download_button")]
    assert "Report pack (Excel)" in labels and "Segment summaries (PNG)" not in labels
    notes = [c.value for c in at.caption if c.value.startswith("Segment summaries (PNG):")]
    assert notes == [
        f"Segment summaries (PNG): chart pictures are unavailable: no Chromium at {tmp_path / 'no-chromium'} "
        "(install Debian's chromium package)."
    ]
