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


LARGE = 400  # the "large" threshold of these tests: a per-customer result this long is a frame of everyone


class _Refused:
    """Stands for the in-memory customers and transactions frames: any use fails the test."""

    def _refuse(self, *args, **kwargs):
        raise AssertionError("this page read the in-memory frame of all customers or transactions")

    __getattr__ = __getitem__ = __len__ = __iter__ = __contains__ = _refuse


@pytest.fixture
def bounded(monkeypatch, trained):
    """Pages see artifacts without the in-memory frames, sample sizes far below the dataset's size, and every
    engine result with a CustomerID column is recorded (its row count): the longest must stay below LARGE."""
    from dataclasses import replace

    import ui.map_view
    import ui.page
    import ui.profile_sections
    from core.analysis.sql.source import VersionSource

    assert len(trained.customers) > 2 * LARGE  # the dataset is "large" for these tests
    # Pages re-read core.config on every run; modules imported their values once, so they are patched by name too
    # (imported above first: a module first imported under the patch would keep the small value for good).
    for name, value in (("MAP_POINTS", 150), ("BACKGROUND_POINTS", 100), ("MAX_ID_OPTIONS", 50), ("LIST_ROWS", 40)):
        monkeypatch.setattr(f"core.config.{name}", value)
    monkeypatch.setattr("ui.map_view.MAP_POINTS", 150)
    monkeypatch.setattr("ui.map_view.LIST_ROWS", 40)
    monkeypatch.setattr("ui.profile_sections.LIST_ROWS", 40)
    loaded = ui.page.get_artifacts

    def without_frames():
        return replace(loaded(), customers=_Refused(), transactions=_Refused())

    monkeypatch.setattr("ui.page.get_artifacts", without_frames)
    lengths: list[int] = []
    query = VersionSource.query

    def recorded(self, sql, params=None):
        found = query(self, sql, params)
        if "CustomerID" in found.columns:
            lengths.append(len(found))
        return found

    monkeypatch.setattr(VersionSource, "query", recorded)
    return lengths
