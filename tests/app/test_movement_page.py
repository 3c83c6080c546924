"""Segment movement page: the two halves by default, KPIs against counts made from the transactions by hand, a
cell's customers, an empty period, and two datasets scored with the same model."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from core.config import DATASETS_DIR
from core.pipeline.persistence import delete_dataset
from tests.app.conftest import assert_clean, run_page

PAGE = "pages/10_Segment_movement.py"


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
    assert len(at.get("plotly_chart")) == 3  # matrix, Sankey, drift
    labels = [b.label for b in at.get("download_button")]
    assert labels.count("Download CSV") == 2 and labels.count("Excel") == 2
    assert any("Segment shares\\: PSI" in m.value for m in at.markdown)  # escaped for st.markdown


def test_a_cells_customers_are_listed(trained):
    at = run_page(PAGE)
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
    assert any("Every feature is stable" in m.value for m in at.markdown)


def test_without_a_scored_dataset_the_page_says_how_to_make_one():
    at = run_page(PAGE)
    at.radio(key="movement_mode").set_value("Two datasets scored with the same model").run()
    assert not at.exception
    assert any("python -m core.score --model default" in i.value for i in at.info)
