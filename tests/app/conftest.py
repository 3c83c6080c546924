"""AppTest helpers: every page runs against the small trained dataset in the test data folder."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from core.config import ROOT

TIMEOUT = 120  # seconds; first runs import scikit-learn and load the models


@pytest.fixture(autouse=True)
def _installed(app_data):
    """Every app test sees the small default dataset."""
    return app_data


def run_page(path: str, **query: str | list[str]) -> AppTest:
    """Run one page script (e.g. 'pages/5_What_if.py') with optional URL query parameters."""
    # Pages run inside the app (entry point Home.py) so that links between pages resolve, as in the browser.
    at = AppTest.from_file(str(ROOT / "Home.py"), default_timeout=TIMEOUT)
    if path != "Home.py":
        at.switch_page(path)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def assert_clean(at: AppTest) -> None:
    """No exception and no error box on the page."""
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]
