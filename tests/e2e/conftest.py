"""A real Streamlit server on a free port and Debian's headless Chromium driven by Playwright."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.config import ROOT
from tests.browser import CHROMIUM, CHROMIUM_ARGS, SHOTS, free_port, wait_healthy


@pytest.fixture(scope="session")
def server(app_data) -> str:
    """`streamlit run serve.py` (as `make run` does) headless on a free port, serving the small test dataset."""
    port = free_port()
    SHOTS.mkdir(parents=True, exist_ok=True)
    log = open(SHOTS.parent / "streamlit-e2e.log", "w")  # noqa: SIM115  (kept open for the server's lifetime)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "serve.py",
            "--server.port",
            str(port),
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",
            "none",
        ],
        cwd=ROOT,
        # segment lists longer than 500 customers stream from disk, so the small test data exercises that path;
        # a map sample smaller than the test data, so a box selection covers customers that are not drawn
        env={
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "SEGMENTATION_STREAM_ROWS": "500",
            "SEGMENTATION_MAP_POINTS": "1000",
        },
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium through Playwright (playwright cannot download its own browsers here)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (.ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    # Tall, because Streamlit scrolls inside the page: a full-page screenshot only shows the viewport.
    context = browser.new_context(viewport={"width": 1400, "height": 2400})
    pg = context.new_page()
    yield pg
    context.close()
