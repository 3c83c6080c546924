"""Server entry point: the Streamlit app plus a warm-up when the server starts.

`streamlit run serve.py` (what `make run` does) serves Home.py and, as soon as the server is up, loads the
default dataset's artifacts into the shared cache in the background, so the first visitor does not wait for
884,000 customers and the models to load. It also mounts `/export/<token>`, which streams a large customer list
prepared by the engine from disk (ui.exports). `streamlit run Home.py` works too, without the warm-up, and with
downloads built in memory.
"""

from __future__ import annotations

import logging
import threading
from contextlib import asynccontextmanager

import streamlit as st


@asynccontextmanager
async def warm_up(app):
    """Start loading the default dataset in a background thread; serve requests meanwhile."""
    from ui.bootstrap import warm_cache

    # Cached functions warn once when called outside a session; here that is the point, not a problem.
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").setLevel(logging.ERROR)
    threading.Thread(target=warm_cache, name="warm-cache", daemon=True).start()
    yield


def _routes() -> list:
    """The app's own routes: streamed downloads of large customer lists (ui.exports)."""
    from ui.exports import enable_route

    return [enable_route()]


app = st.App("Home.py", lifespan=warm_up, routes=_routes())
