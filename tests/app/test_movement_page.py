"""Segment movement page: the two halves by default, KPIs against counts made from the transactions by hand, a
cell's customers, an empty period, and two datasets scored with the same model."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from core.config import DATASETS_DIR
from core.pipeline.persistence import delete_dataset
from tests.app.conftest import LARGE, assert_clean, run_page

PAGE = "pages/10_Segment_movement.py"


def _open(at, tab: str):
    """Open one of the page's tabs (only the open one runs) and rerun."""
    at.session_state["movement_tab"] = tab
    return at.run()


CELL, DRIFT = "The customers of one cell", "Drift"


def _metric(at, label: str) -> int:
    return int(next(m.value for m in at.metric if m.label == label).replace(",", ""))


def _halves(trained) -> tuple[set, set]:
    """Customers with a transaction in the first half of the date range, and in the second (by hand)."""
    tx = trained.transactions
    first, last = tx["date"].min(), tx["date"].max()
    middle = first + timedelta(days=(last - first).days // 2)
    early = set(tx.loc[tx["date"] <= middle, "customer_id"])
    late = set(tx.loc[tx["date"] > middle, "customer_id"])
    return early, late


def test_default_compares_the_two_halves_with_the_fixed_model(trained):
    at = run_page(PAGE)
    assert_clean(at)
    early, late = _halves(trained)
    assert _metric(at, "New") == len(late - early)
    assert _metric(at, "Gone") == len(early - late)
    assert _metric(at, "Moved up") + _metric(at, "Moved down") + _metric(at, "Unchanged") == len(early & late)
    assert any("saved model, never refitted" in c.value for c in at.caption)
    assert len(at.get("plotly_chart")) == 2  # matrix, Sankey: the other tabs are not run until opened
    labels = [b.label for b in at.get("download_button")]
    assert labels.count("Download CSV") == 1 and labels.count("Excel") == 1  # the matrix
    assert not any("Segment shares\\: PSI" in m.value for m in at.markdown)
    _open(at, CELL)
    assert_clean(at)
    labels = [b.label for b in at.get("download_button")]
    assert labels.count("Download CSV") == 1 and labels.count("Excel") == 1  # the cell
    assert not at.get("plotly_chart")
    _open(at, DRIFT)
    assert_clean(at)
    assert len(at.get("plotly_chart")) == 1  # the drift bars
    assert any("Segment shares\\: PSI" in m.value for m in at.markdown)  # escaped for st.markdown


def test_a_cells_customers_are_listed(trained):
    at = _open(run_page(PAGE), CELL)
    at.selectbox(key="movement_cell_from").select("New").run()
    at.selectbox(key="movement_cell_to").select("High").run()
    assert_clean(at)
    early, late = _halves(trained)
    members = at.dataframe[0].value
    assert set(members["Customer ID"]) <= late - early
    assert (members.iloc[:, 2] == "High").all()
    line = next(m.value for m in at.markdown if "new in High" in m.value)
    assert line.startswith(f"**{len(members):,}** customers")


def test_any_two_date_ranges(trained):
    at = run_page(PAGE)
    at.date_input(key="movement_period_a").set_value((date(2016, 8, 1), date(2016, 8, 15))).run()
    at.date_input(key="movement_period_b").set_value((date(2016, 8, 16), date(2016, 8, 31))).run()
    assert_clean(at)
    tx = trained.transactions
    a = set(tx.loc[(tx["date"] >= "2016-08-01") & (tx["date"] <= "2016-08-15"), "customer_id"])
    b = set(tx.loc[(tx["date"] >= "2016-08-16") & (tx["date"] <= "2016-08-31"), "customer_id"])
    assert _metric(at, "New") == len(b - a) and _metric(at, "Gone") == len(a - b)


def test_a_period_without_transactions_says_so(trained):
    import pandas as pd

    dates = trained.transactions["date"]
    idle = min(set(pd.date_range(dates.min(), dates.max())) - set(dates))  # a day nobody transacted
    at = run_page(PAGE)
    at.date_input(key="movement_period_a").set_value((idle.date(), idle.date())).run()
    assert not at.exception
    assert any(f"no transaction between {idle:%d/%m/%Y} and {idle:%d/%m/%Y}" in i.value for i in at.info)
    assert not at.metric


@pytest.fixture
def scored_copy(app_data, small_csv):
    """The training file scored again with the default model, as a second dataset (removed afterwards)."""
    from core.scoring.rescore import run_scoring

    run_scoring(str(app_data), small_csv, DATASETS_DIR / "rescored")
    yield "rescored"
    delete_dataset("rescored")


def test_two_datasets_of_the_same_model(trained, scored_copy):
    at = run_page(PAGE)
    at.radio(key="movement_mode").set_value("Two datasets scored with the same model").run()
    assert_clean(at)
    assert at.selectbox(key="movement_from").value == "default"
    assert at.selectbox(key="movement_to").value == scored_copy
    assert _metric(at, "Unchanged") == len(trained.customers)
    assert _metric(at, "Moved up") == _metric(at, "Moved down") == _metric(at, "New") == _metric(at, "Gone") == 0
    _open(at, DRIFT)
    assert_clean(at)
    assert any("Every feature is stable" in m.value for m in at.markdown)


def test_without_a_scored_dataset_the_page_says_how_to_make_one():
    at = run_page(PAGE)
    at.radio(key="movement_mode").set_value("Two datasets scored with the same model").run()
    assert not at.exception
    assert any("python -m core.score --model default" in i.value for i in at.info)


def test_the_sidebars_filters_choose_the_customers(trained):
    at = run_page(PAGE, gender="F")
    assert_clean(at)
    women = set(trained.customers.loc[trained.customers["gender"] == "F", "CustomerID"])
    early, late = _halves(trained)
    early, late = early & women, late & women
    assert _metric(at, "New") == len(late - early)
    assert _metric(at, "Gone") == len(early - late)
    assert _metric(at, "Moved up") + _metric(at, "Moved down") + _metric(at, "Unchanged") == len(early & late)
    members = _open(at, CELL).dataframe[0].value
    assert set(members["Customer ID"]) <= women


def test_a_long_cell_shows_a_page_and_says_the_download_has_all(monkeypatch, trained):
    monkeypatch.setattr("core.config.MOVEMENT_LIST_ROWS", 5)
    at = _open(run_page(PAGE), CELL)
    at.selectbox(key="movement_cell_from").select("New").run()
    assert_clean(at)
    early, late = _halves(trained)
    to = at.selectbox(key="movement_cell_to").value
    line = next(m.value for m in at.markdown if f"new in {to}" in m.value)
    size = int(line.split("**")[1].replace(",", ""))
    assert size > 5 and len(at.dataframe[0].value) == 5
    assert any(f"The first 5 of them by customer ID; the download has all {size:,}." in c.value for c in at.caption)


def test_periods_are_scored_in_the_engine_not_in_memory(bounded, monkeypatch):
    """The page never reads the customer or transaction frames, no engine result lists every customer, and no
    version is loaded with its tables."""
    import ui.cache
    from core.pipeline.persistence import load_artifacts

    def tables_refused(folder, tables=True, **kwargs):
        assert tables is False, "the page loaded a version's customer and transaction tables"
        return load_artifacts(folder, tables=tables, **kwargs)

    monkeypatch.setattr("core.config.MOVEMENT_LIST_ROWS", 40)
    monkeypatch.setattr("ui.cache.load_artifacts", tables_refused)
    ui.cache.load_version.clear()
    at = run_page(PAGE, segment="High")
    assert_clean(at)
    assert len(at.get("plotly_chart")) == 2
    assert _open(at, CELL).dataframe and len(_open(at, DRIFT).get("plotly_chart")) == 1
    assert_clean(at)
    assert max(bounded, default=0) < LARGE


def test_two_datasets_are_compared_in_the_engine(bounded, monkeypatch, trained, scored_copy):
    monkeypatch.setattr("core.config.MOVEMENT_LIST_ROWS", 40)
    at = run_page(PAGE)
    at.radio(key="movement_mode").set_value("Two datasets scored with the same model").run()
    assert_clean(at)
    assert _metric(at, "Unchanged") == len(trained.customers)
    for tab in (CELL, DRIFT):
        assert_clean(_open(at, tab))
    assert max(bounded, default=0) < LARGE


def test_a_long_cell_streams_from_disk_behind_the_server(monkeypatch, trained):
    """Behind serve.py (the /export route) a long cell is written by the engine and offered as a one-time link."""
    import csv
    import io

    from core.scoring.periods import default_periods, score_period
    from ui.exports import take_export

    monkeypatch.setattr("ui.exports._route_enabled", True)
    monkeypatch.setattr("core.config.STREAM_DOWNLOAD_ROWS", 5)
    monkeypatch.setattr("ui.widgets.EXCEL_OFFERED_ROWS", 5)
    at = _open(run_page(PAGE), CELL)
    at.selectbox(key="movement_cell_from").select("New").run()
    at.selectbox(key="movement_cell_to").select("High").run()
    at.button(key="movement_cell_stream").click().run()
    assert_clean(at)
    export = take_export(at.session_state["movement_cell_stream_export"][0])
    assert export is not None and export.filename.startswith("movement_New_to_High")
    reader = csv.DictReader(io.StringIO(export.path.read_bytes().decode("utf-8-sig")))
    rows = list(reader)
    export.path.unlink()
    # the in-memory reference: period B scored by score_period, minus everyone active in A
    tx = trained.transactions
    _, (start, end) = default_periods(tx["date"].min().date(), tx["date"].max().date())
    b = score_period(trained.models, trained.customers, tx, start, end)
    early, _ = _halves(trained)
    high = b.loc[b["segment"].astype(str) == "High", "CustomerID"]
    expected = [i for i in high if i not in early]  # in CustomerID order, as the cell lists them
    assert [r["Customer ID"] for r in rows] == expected and len(rows) == export.rows > 5
    assert [{r[reader.fieldnames[1]], r[reader.fieldnames[2]]} for r in rows[:1]] == [{"New", "High"}]


def test_a_dataset_that_fails_its_checks_is_named_not_read(trained, scored_copy):
    folder = (DATASETS_DIR / scored_copy).resolve()
    with open(folder / "customers.parquet", "ab") as file:
        file.write(b"tampered")
    at = run_page(PAGE)
    at.radio(key="movement_mode").set_value("Two datasets scored with the same model").run()
    assert not at.exception
    assert at.error and not at.metric


def test_the_drift_says_when_its_deciles_are_those_of_a_sample(monkeypatch):
    """Above the exact size (forced small here) the drift's caption says A's deciles come from a fixed sample."""
    import streamlit as st

    def said(at) -> bool:
        return any("its deciles are those of a fixed sample" in c.value for c in at.caption)

    assert not said(_open(run_page(PAGE), DRIFT))  # the small test data: exact deciles, nothing to say
    monkeypatch.setattr("core.analysis.sql.quantiles.EXACT_QUANTILE_ROWS", 100)
    st.cache_data.clear()  # answers cached under the real threshold go
    try:
        at = _open(run_page(PAGE), DRIFT)
        assert_clean(at)
        assert said(at)
        assert any("every customer of A and B is counted in the bins" in c.value for c in at.caption)
    finally:
        st.cache_data.clear()  # and the sampled ones must not reach the next test


def test_the_server_warm_up_scores_the_default_periods_the_page_then_finds(monkeypatch, trained):
    """serve.py's warm-up re-scores both halves (no filter) into the shared cache: the page's first visit then
    re-scores nothing, and its counts are still those made from the transactions by hand."""
    import streamlit as st

    import ui.bootstrap

    scored = []

    def refused(*args, **kwargs):
        scored.append(args[2:4])
        raise AssertionError("the page re-scored a period the warm-up had scored")

    st.cache_data.clear()
    ui.bootstrap.warm_cache(pause=0)
    monkeypatch.setattr("ui.cache.period_population", refused)
    at = run_page(PAGE)
    assert_clean(at)
    assert scored == []
    early, late = _halves(trained)
    assert _metric(at, "New") == len(late - early) and _metric(at, "Gone") == len(early - late)
    run_page(PAGE, gender="F")  # any other view is re-scored when asked for
    assert len(scored) == 1


def test_the_warm_up_leaves_movement_to_the_page_above_its_size_limit(monkeypatch, trained):
    """A bank-sized dataset's halves are not re-scored at server start (minutes of both cores): the page does it."""
    import streamlit as st

    import ui.bootstrap

    scored = []
    monkeypatch.setattr("ui.bootstrap.MOVEMENT_WARM_UP_CUSTOMERS", len(trained.customers) - 1)
    monkeypatch.setattr("ui.cache.period_population", lambda *args, **kwargs: scored.append(args[2:4]))
    st.cache_data.clear()
    ui.bootstrap.warm_cache(pause=0)
    assert scored == []
    st.cache_data.clear()


def test_the_warm_up_writes_a_large_datasets_sample_table_after_homes_answers(monkeypatch, trained):
    """Above SAMPLE_TABLE_ROWS (forced small) the warm-up writes the medians' sample table once Home's answers are
    cached (Home's own queries start no writer); a small dataset gets none."""
    import threading

    import streamlit as st

    import ui.bootstrap
    from core.analysis.sql import quantiles
    from core.analysis.sql.source import VersionSource
    from ui.bootstrap import get_artifacts
    from ui.cache import source_of

    writes = []  # for each start of a sample table's writer: did it run in the warm-up's own thread
    real_write = VersionSource._write_sample

    def recorded(self, *args):
        writes.append(threading.current_thread() is threading.main_thread())
        return real_write(self, *args)

    monkeypatch.setattr(VersionSource, "_write_sample", recorded)
    monkeypatch.setattr("ui.bootstrap.MOVEMENT_WARM_UP_CUSTOMERS", 0)  # this test is about the sample table alone
    st.cache_data.clear()
    try:
        ui.bootstrap.warm_cache(pause=0)
        assert writes == []  # the real thresholds: this dataset is small, its medians are exact
        source = source_of(get_artifacts())
        monkeypatch.setattr(quantiles, "EXACT_QUANTILE_ROWS", 500)
        monkeypatch.setattr(quantiles, "SAMPLE_TABLE_ROWS", source.rows // 4)
        monkeypatch.setattr(quantiles, "MIN_TABLE_SAMPLE", 100)
        step = quantiles.table_step(source.rows)
        assert step == 5
        source.close()  # no table yet
        st.cache_data.clear()
        ui.bootstrap.warm_cache(pause=0)
        assert writes == [True]  # written once, by the warm-up itself after Home's queries: they started no writer
        assert source.sample_table(step, wait=False) == "sampled_customers"
    finally:
        st.cache_data.clear()
