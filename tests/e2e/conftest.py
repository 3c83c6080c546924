"""A real Streamlit server on a free port and Debian's headless Chromium driven by Playwright."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from core.config import ROOT

CHROMIUM = "/usr/bin/chromium"
SHOTS = ROOT / "test-output" / "e2e"
# Without the background-networking flags Chromium keeps trying to reach Google, which this network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError("streamlit did not become healthy")


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
        env={**os.environ, "PYTHONPATH": str(ROOT)},
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


def wait_until_idle(page, timeout: float = 60, settle: float = 0.5) -> float:
    """Wait until the script has finished running (Streamlit's own run state on the app root), and stayed so.

    Returns the time.monotonic() at which the run finished (for benchmarks).
    """
    # Every page starts with a title; until it is drawn the script has not really started.
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=timeout * 1000)
    app = page.locator('[data-testid="stApp"]')
    deadline = time.monotonic() + timeout
    quiet_since = None
    while time.monotonic() < deadline:
        state = app.get_attribute("data-test-script-state")
        if state != "notRunning" or page.locator('[data-testid="stSkeleton"]').count():
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since >= settle:
            return quiet_since
        time.sleep(0.05)
    raise TimeoutError("the page kept running")
