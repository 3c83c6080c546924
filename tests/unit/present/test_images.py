"""Chart pictures through kaleido and Debian's Chromium: real PNGs of the asked size, and one-line errors
(never a traceback) when kaleido or the browser is missing or broken."""

from __future__ import annotations

import io

import plotly.graph_objects as go
import pytest
from PIL import Image

from core.config import CHROMIUM_PATH
from core.present.images import PNG_SIGNATURE, ImageRenderError, Picture, render_pngs, renderer_problem

needs_chromium = pytest.mark.skipif(
    not CHROMIUM_PATH.is_file(), reason=f"{CHROMIUM_PATH} is absent: install Debian's chromium (.ci/run does)"
)


def _bars(title: str) -> go.Figure:
    return go.Figure(go.Bar(x=["Low", "Medium", "High"], y=[3, 2, 1]), layout={"title": {"text": title}})


@needs_chromium
def test_one_browser_draws_each_figure_at_its_size():
    pngs = render_pngs([Picture(_bars("a"), 300, 200), Picture(_bars("b"), 400, 250, scale=2.0)])
    assert [p[:8] for p in pngs] == [PNG_SIGNATURE, PNG_SIGNATURE]
    sizes = [Image.open(io.BytesIO(p)).size for p in pngs]
    assert sizes == [(300, 200), (800, 500)]
    assert renderer_problem() is None


def test_a_missing_browser_is_one_line(tmp_path):
    missing = tmp_path / "chromium"
    assert renderer_problem(missing) == (
        f"Chart pictures are unavailable: no Chromium at {missing} (install Debian's chromium package)."
    )
    with pytest.raises(ImageRenderError, match="no Chromium at"):
        render_pngs([Picture(_bars("a"), 100, 100)], browser=missing)


def test_a_browser_that_dies_at_start_is_one_line(tmp_path):
    broken = tmp_path / "chromium"
    broken.write_text("#!/bin/sh\necho broken >&2\nexit 1\n")
    broken.chmod(0o755)
    with pytest.raises(ImageRenderError, match=r"did not start") as error:
        render_pngs([Picture(_bars("a"), 100, 100)], browser=broken, timeout=30)
    assert "\n" not in str(error.value) and str(broken) in str(error.value)
