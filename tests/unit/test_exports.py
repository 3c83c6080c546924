"""Streamed downloads: a prepared file is served once to its token, expires, and nothing else is served."""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from starlette.requests import Request

from ui import exports


def _get(token: str):
    scope = {
        "type": "http",
        "method": "GET",
        "path": f"/export/{token}",
        "path_params": {"token": token},
        "headers": [],
        "query_string": b"",
    }
    # In a thread of its own: after the browser tests, Playwright's event loop still runs in the main thread, and
    # asyncio.run() refuses to start inside a running loop.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, exports.serve_export(Request(scope))).result()


@pytest.fixture
def prepared(tmp_path):
    path = tmp_path / "list.csv"
    path.write_bytes(b"\xef\xbb\xbfCustomer ID\nC1\nC2\n")
    return path, exports.register_export(path, "customers_High_all.csv", 2)


def test_a_token_serves_its_file_once(prepared):
    path, token = prepared
    response = _get(token)
    assert response.status_code == 200
    assert response.path == path
    assert 'filename="customers_High_all.csv"' in response.headers["content-disposition"]
    assert response.media_type.startswith("text/csv")
    assert _get(token).status_code == 404  # used


@pytest.mark.parametrize("token", ["", "../../etc/passwd", "x" * 43 + "/", "a" * 42, "%2e%2e"])
def test_anything_but_a_registered_token_is_404(prepared, token):
    assert _get(token).status_code == 404


def test_expired_exports_are_forgotten_and_deleted(prepared, monkeypatch):
    path, token = prepared
    monkeypatch.setattr(time, "time", lambda: 10**12)
    assert exports.peek_export(token) is None
    assert _get(token).status_code == 404
    assert not path.exists()


def test_peek_gives_the_size_without_using_the_token(prepared):
    path, token = prepared
    assert exports.peek_export(token).size_bytes == path.stat().st_size
    assert exports.peek_export(token).rows == 2
