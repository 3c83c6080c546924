"""Browser-test helpers shared by the e2e tests and the app benchmark: a free port, a healthy server, Debian's
Chromium settings, and waiting until a Streamlit page has finished running.
"""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request

from core.config import ROOT

CHROMIUM = "/usr/bin/chromium"
SHOTS = ROOT / "test-output" / "e2e"  # the e2e tests save a screenshot of each page here
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
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 90) -> None:
    """Wait until the server answers its health check; fail early when the process exits."""
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
