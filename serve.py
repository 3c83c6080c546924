"""Server entry point: the Streamlit app plus a warm-up when the server starts.

`streamlit run serve.py` (what `make run` does) serves Home.py and, as soon as the server is up, loads the
default dataset's artifacts into the shared cache in the background, so the first visitor does not wait for
884,000 customers and the models to load. It also mounts `/export/<token>`, which streams a large customer list
prepared by the engine from disk (ui.exports). `streamlit run Home.py` works too, without the warm-up, and with
downloads built in memory.
"""

from __future__ import annotations

import importlib
import logging
import threading
from contextlib import asynccontextmanager

import streamlit as st

from ui.bootstrap import PAGE_MODULES, warm_cache

# The app's own modules (pandas, scikit-learn, DuckDB, plotly: about 2 s) load with the server, before it listens,
# so the first visitor's Home waits for the data alone, not for Python to import the libraries.
for _module in PAGE_MODULES:
    importlib.import_module(_module)


@asynccontextmanager
async def warm_up(app):
    """Start loading the default dataset in a background thread; serve requests meanwhile."""
    # Cached functions warn once when called outside a session; here that is the point, not a problem.
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").setLevel(logging.ERROR)
    threading.Thread(target=warm_cache, name="warm-cache", daemon=True).start()
    yield


def _routes() -> list:
    """The app's own routes: streamed downloads of large customer lists (ui.exports)."""
    from ui.exports import enable_route

    return [enable_route()]


app = st.App("Home.py", lifespan=warm_up, routes=_routes())
