"""ui.preload: it finds this Streamlit's plotly module and writes a script that imports it once the page is quiet."""

import re

import pytest

from ui import preload


@pytest.fixture
def static_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(preload, "STATIC_JS", tmp_path)
    preload.plotly_module_path.cache_clear()
    yield tmp_path
    preload.plotly_module_path.cache_clear()


def test_the_installed_streamlit_has_the_module_where_it_is_looked_for():
    preload.plotly_module_path.cache_clear()
    path = preload.plotly_module_path()
    assert path is not None and re.fullmatch(r"static/js/PlotlyChart\.[\w-]+\.js", path)
    assert (preload.STATIC_JS / path.removeprefix("static/js/")).is_file()


def test_no_module_or_an_ambiguous_one_means_no_preload(static_folder):
    assert preload.plotly_module_path() is None
    (static_folder / "PlotlyChart.aaa.js").write_text("")
    (static_folder / "PlotlyChart.bbb.js").write_text("")
    preload.plotly_module_path.cache_clear()
    assert preload.plotly_module_path() is None


def test_the_script_imports_the_path_after_the_run_and_once_per_window():
    script = preload.preload_script("static/js/PlotlyChart.x1.js")
    assert script.startswith("<script>") and script.endswith("</script>") and script.count("<script") == 1
    assert "import(new URL('static/js/PlotlyChart.x1.js', document.baseURI)" in script
    assert "'notRunning'" in script and "stSkeleton" in script  # waits for the page to finish drawing
    assert "window.segmentStudioPreload" in script
