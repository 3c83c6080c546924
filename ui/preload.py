"""Load plotly.js while the visitor reads a page without charts, so the first chart page does not wait for it.

Streamlit imports its plotly chart module (4.7 MB of JavaScript) the first time a page of a browser session draws a
plotly chart, and every later chart reuses it. Fetching, compiling and running it costs a new page about 1.0-1.6 s
in headless Chromium (bench.app_bench's floor: a bare page against one with a single chart). Every page asks the
browser to import that same module once the page has finished drawing (on a chart page it is then already there, and
the import costs nothing): the module map holds it when the session's first chart page asks. Nothing depends on it:
when the module is not where this Streamlit keeps it, or the import fails, the chart page loads it itself as before.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import streamlit as st

# Streamlit's built frontend: the chart module's file name carries a content hash that changes with each release.
STATIC_JS = Path(st.__file__).parent / "static" / "static" / "js"


@cache
def plotly_module_path() -> str | None:
    """The chart module's path relative to the app's root URL (``static/js/PlotlyChart.<hash>.js``), or None."""
    found = sorted(STATIC_JS.glob("PlotlyChart.*.js"))
    return f"static/js/{found[0].name}" if len(found) == 1 else None


def preload_script(path: str) -> str:
    """A script importing the module at `path` (relative to the page's base URL, so an app served under a base path
    finds it too) once the page has been quiet for a second: the script has finished and no skeleton is left.

    Started any earlier, its second of compiling and running lands on the page's own drawing (measured: Home's
    first visit 3.4 -> 4.6-5.0 s when the import ran as soon as the browser was idle, which it is while the
    server works). The state attribute is the one the browser tests wait on; without it the import waits 5 s.
    """
    return (
        "<script>(function () {"
        # its slot in the sidebar would leave an empty gap above the filters
        "const slot = document.currentScript && document.currentScript.closest('[data-testid=\"stElementContainer\"]');"
        "if (slot) slot.style.display = 'none';"
        "if (window.segmentStudioPreload) return; window.segmentStudioPreload = true;"
        "let quiet = 0, waited = 0;"
        "const busy = () => {"
        "const app = document.querySelector('[data-testid=\"stApp\"]');"
        "const state = app && app.getAttribute('data-test-script-state');"
        "return (state ? state !== 'notRunning' : waited < 5000)"
        " || document.querySelector('[data-testid=\"stSkeleton\"]') !== null;"
        "};"
        "const tick = () => {"
        "waited += 250; quiet = busy() ? 0 : quiet + 1;"
        f"if (quiet >= 4) {{ import(new URL({path!r}, document.baseURI).href).catch(() => {{}}); return; }}"
        "setTimeout(tick, 250);"
        "};"
        "setTimeout(tick, 250);"
        "})();</script>"
    )


def preload_charts() -> None:
    """Import plotly.js in the background once the page has finished drawing (a hidden slot in the sidebar)."""
    path = plotly_module_path()
    if path is not None:
        # The script is a constant of this module and a file name from Streamlit's own folder: no user text.
        st.sidebar.html(preload_script(path), unsafe_allow_javascript=True)
