"""Plotly figures as PNG pictures, drawn by kaleido through the installed Chromium (Debian's /usr/bin/chromium).

kaleido 1.x ships no browser: it drives an installed Chrome or Chromium through choreographer, headless and
with --no-sandbox (its default, which is what running as root needs). We always pass the browser's path
(core.config.CHROMIUM_PATH), so nothing is ever looked up or downloaded, and MathJax is off (kaleido would
otherwise fetch it from a CDN). One browser is started per batch of figures and closed afterwards: starting it
is most of the cost (about 1-6 s depending on the machine's load); each picture then takes about 0.3 s.

Whatever goes wrong (kaleido missing, no browser, a browser that will not start or answer in time) is raised
as ImageRenderError with a one-line message, so callers can say so instead of failing.
"""

from __future__ import annotations

import asyncio
import importlib.util
import logging
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from pathlib import Path

import plotly.graph_objects as go

from core.config import CHROMIUM_PATH, IMAGE_TIMEOUT_S

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_log = logging.getLogger("segment_studio.images")


class ImageRenderError(RuntimeError):
    """Chart pictures could not be drawn; the message is one line a user can act on."""


@dataclass(frozen=True)
class Picture:
    """One figure to draw: its size in CSS pixels and the scale (2 = twice as many pixels, for print)."""

    figure: go.Figure
    width: int
    height: int
    scale: float = 1.0


def renderer_problem(browser: Path | None = None) -> str | None:
    """Why pictures cannot be drawn here (kaleido or the browser missing), in one line; None when they can."""
    browser = CHROMIUM_PATH if browser is None else browser
    if importlib.util.find_spec("kaleido") is None:
        return "Chart pictures are unavailable: the kaleido package is not installed."
    if not (browser.is_file() and os.access(browser, os.X_OK)):
        return f"Chart pictures are unavailable: no Chromium at {browser} (install Debian's chromium package)."
    return None


async def _draw(pictures: Sequence[Picture], browser: Path, timeout: float) -> list[bytes]:
    """Start one headless browser, draw every picture in order, close the browser."""
    import kaleido  # deferred: only needed when pictures are drawn

    out = []
    async with kaleido.Kaleido(path=str(browser), n=1, timeout=timeout, mathjax=False) as k:
        for p in pictures:
            opts = {"format": "png", "width": p.width, "height": p.height, "scale": p.scale}
            out.append(await k.calc_fig(p.figure, opts=opts))
    return out


def render_pngs(
    pictures: Sequence[Picture], browser: Path | None = None, timeout: float = IMAGE_TIMEOUT_S
) -> list[bytes]:
    """PNG bytes of each picture, drawn by one headless Chromium; ImageRenderError when that is not possible.

    Runs in a worker thread with its own event loop, so it works from any thread (Streamlit's script thread,
    a download button's deferred callable, a test) whether or not that thread already runs an event loop.
    """
    browser = CHROMIUM_PATH if browser is None else browser
    problem = renderer_problem(browser)
    if problem:
        raise ImageRenderError(problem)
    if not pictures:
        return []
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kaleido")
    future = pool.submit(asyncio.run, _draw(pictures, browser, timeout))
    try:
        images = future.result(timeout=timeout)
    except FutureTimeout as error:
        raise ImageRenderError(
            f"Chart pictures are unavailable: Chromium at {browser} did not answer within {timeout:.0f} s."
        ) from error
    except Exception as error:  # noqa: BLE001 - any failure of the browser becomes the one-line message
        _log.warning("kaleido could not draw %d picture(s): %r", len(pictures), error)
        first = str(error.args[0]) if error.args else ""
        reason = (first.splitlines() or [type(error).__name__])[0][:160]
        message = f"Chart pictures are unavailable: Chromium at {browser} did not start ({reason})."
        raise ImageRenderError(message) from error
    finally:
        pool.shutdown(wait=False)
    bad = [i for i, image in enumerate(images) if not bytes(image).startswith(PNG_SIGNATURE)]
    if bad:
        raise ImageRenderError(f"Chart pictures are unavailable: the browser returned no PNG for figure {bad[0] + 1}.")
    return [bytes(image) for image in images]
