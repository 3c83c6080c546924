"""Large customer lists streamed from disk instead of built in the server's memory (issue 10).

A click on "Prepare" has the engine write the list to a CSV file (core.analysis.sql.export: DuckDB COPY, the same
headers, rounding, BOM and formula escaping as every download) under DATA_DIR/.exports, and registers it under an
unguessable one-time token. The link then points at `/export/<token>`, a route of the app's own server
(serve.py mounts EXPORT_ROUTE), which streams the file from disk and forgets it. A token is only ever shown to the
session that prepared it (after sign-in when sign-in is on), lives EXPORT_TTL_SECONDS, and names a file the app
wrote itself; anything else is a plain 404. Without the route (`streamlit run Home.py`, AppTest) pages fall back
to the in-memory download button.
"""

from __future__ import annotations

import os
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import streamlit as st
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import Route

from core.analysis.filters import Filters
from core.analysis.sql.aggregates import count_customers
from core.analysis.sql.export import write_customers_csv
from core.analysis.sql.predicates import Predicate
from core.config import DATA_DIR
from core.pipeline.persistence import Artifacts
from core.present.export import export_filename
from core.present.formats import format_bytes
from ui.cache import cached_source, per_query

EXPORT_DIR = DATA_DIR / ".exports"
EXPORT_TTL_SECONDS = 15 * 60
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{43}$")  # secrets.token_urlsafe(32)


@dataclass(frozen=True)
class Export:
    """One prepared file: where it is, the name the browser saves it under, its size and when it expires."""

    path: Path
    filename: str
    rows: int
    size_bytes: int
    expires: float


_exports: dict[str, Export] = {}
_lock = threading.Lock()
_route_enabled = False


def enable_route() -> Route:
    """The route serve.py mounts; once mounted, pages offer streamed downloads."""
    global _route_enabled
    _route_enabled = True
    return Route("/export/{token}", serve_export, methods=["GET"])


def route_enabled() -> bool:
    """True when the app runs behind serve.py (the only server that can stream a prepared file)."""
    return _route_enabled


def _purge(now: float) -> None:
    """Forget expired exports and delete their files."""
    for token in [t for t, e in _exports.items() if e.expires < now]:
        _exports.pop(token).path.unlink(missing_ok=True)


def register_export(path: Path, filename: str, rows: int) -> str:
    """A new one-time token for a file the app has just written."""
    now = time.time()
    token = secrets.token_urlsafe(32)
    with _lock:
        _purge(now)
        _exports[token] = Export(path, filename, rows, path.stat().st_size, now + EXPORT_TTL_SECONDS)
    return token


def take_export(token: str) -> Export | None:
    """The export of a valid, unexpired token, removed from the registry (a link works once)."""
    if not TOKEN_PATTERN.fullmatch(token or ""):
        return None
    with _lock:
        _purge(time.time())
        return _exports.pop(token, None)


def peek_export(token: str | None) -> Export | None:
    """The export of a token, still registered (for the page to show its size), or None."""
    with _lock:
        found = _exports.get(token or "")
    return found if found and found.expires >= time.time() else None


async def serve_export(request: Request) -> Response:
    """GET /export/<token>: stream the prepared CSV once, then delete it."""
    export = take_export(request.path_params.get("token", ""))
    if export is None or not export.path.is_file():
        return PlainTextResponse("This download link has expired or was already used: prepare it again.", 404)
    return FileResponse(
        export.path,
        media_type="text/csv; charset=utf-8",
        filename=export.filename,
        background=BackgroundTask(export.path.unlink, missing_ok=True),
    )


def prepare_file(filters: Filters, base: str, write: Callable[[Path], int]) -> str:
    """Have `write` put a CSV in a new file of EXPORT_DIR (returning its row count); the file's token."""
    EXPORT_DIR.mkdir(parents=True, exist_ok=True)
    path = EXPORT_DIR / f"{secrets.token_hex(8)}.csv"
    rows = write(path)
    os.chmod(path, 0o600)
    return register_export(path, export_filename(base, filters), rows)


def prepare_export(artifacts: Artifacts, filters: Filters, base: str, where: Predicate | None = None) -> str:
    """Write the filtered customers (or those of `where`) to a new file with the engine; its token."""
    source = cached_source(str(artifacts.folder), tuple(artifacts.card.params.segment_names))
    return prepare_file(filters, base, lambda path: write_customers_csv(source, filters, path, where))


def stream_download(
    artifacts: Artifacts, filters: Filters, base: str, key: str, where: Predicate | None = None, rows: int | None = None
) -> None:
    """'Prepare the CSV of N customers', then a link 'Download N customers (size)' that streams it from disk.

    `where` (with its `rows`) narrows the list beyond the filters, e.g. to a region drawn on the Segment map.
    """
    rows = per_query(artifacts, filters, count_customers) if rows is None else rows
    wanted = (str(artifacts.folder), filters, where)
    _offer_stream(key, wanted, rows, lambda: prepare_export(artifacts, filters, base, where))


def stream_file_download(
    key: str, wanted: tuple, rows: int, filters: Filters, base: str, write: Callable[[Path], int]
) -> None:
    """The same offer for any list an engine writes with `write(path)` (e.g. one cell of Segment movement);
    `wanted` names the list, so a prepared link is offered again only for the same one."""
    _offer_stream(key, wanted, rows, lambda: prepare_file(filters, base, write))


def _offer_stream(key: str, wanted: tuple, rows: int, prepare: Callable[[], str]) -> None:
    """The Prepare button, then the one-time link of the prepared file (while it is the `wanted` list)."""
    state_key = f"{key}_export"
    prepared = st.session_state.get(state_key)
    export = peek_export(prepared[0]) if prepared and prepared[1] == wanted else None
    row = st.container(horizontal=True, vertical_alignment="center")
    wants = export is None and row.button(f"Prepare the CSV of {rows:,} customers", key=key, icon=":material/download:")
    if wants:
        with st.spinner(f"Writing {rows:,} customers…"):
            token = prepare()
        st.session_state[state_key] = (token, wanted)
        export = peek_export(token)
    if export is not None:
        token = st.session_state[state_key][0]
        row.link_button(
            f"Download {export.rows:,} customers ({format_bytes(export.size_bytes)})",
            f"/export/{token}",
            type="primary",
        )
        row.caption(f"The link works once, for {EXPORT_TTL_SECONDS // 60} minutes.")


def segment_filters(filters: Filters, segment: str) -> Filters:
    """The sidebar's filters narrowed to one segment (a segment list of the view)."""
    return replace(filters, segments=(segment,))
