"""serve.py's warm-up answers the unfiltered first view of the pages after Home: their first visit asks nothing."""

from __future__ import annotations

import functools

import pytest

from tests.app.conftest import assert_clean, run_page

# page -> the engine questions (module, name) its unfiltered first view asks, which the warm-up answers
WARMED = {
    "pages/2_Segment_map.py": [("core.analysis.sql.sample", "sample_view")],
    "pages/3_Segment_profiles.py": [
        ("core.analysis.sql.aggregates", "profile_segments"),
        ("core.analysis.sql.profiles", "timing_by_segment"),
    ],
    "pages/5_What_if.py": [
        ("core.analysis.sql.aggregates", "typical_values"),
        ("core.analysis.sql.aggregates", "feature_maxima"),
        ("core.analysis.sql.sample", "sample_view"),
    ],
}


@pytest.mark.parametrize("page", list(WARMED))
def test_a_page_after_the_warm_up_finds_its_first_answers_cached(page, monkeypatch, trained):
    import importlib

    import streamlit as st

    import ui.bootstrap

    asked: list[str] = []

    def recording(module: str, name: str):
        real = getattr(importlib.import_module(module), name)

        @functools.wraps(real)  # the same module and name: the same cache entry as the real function's
        def asks(*args, **kwargs):
            asked.append(name)
            return real(*args, **kwargs)

        return asks

    monkeypatch.setattr("ui.bootstrap.MOVEMENT_WARM_UP_CUSTOMERS", 0)  # movement has a test of its own
    st.cache_data.clear()
    try:
        ui.bootstrap.warm_cache(pause=0)
        for module, name in WARMED[page]:
            monkeypatch.setattr(f"{module}.{name}", recording(module, name))
        at = run_page(page)
        assert_clean(at)
        assert asked == []
        assert_clean(run_page(page, gender="F"))  # another view is asked for when it is opened
        # (What-if's input limits are those of every customer whatever the filters: still the warm-up's answer)
        assert set(asked) == {name for _, name in WARMED[page]} - {"feature_maxima"}
    finally:
        st.cache_data.clear()
