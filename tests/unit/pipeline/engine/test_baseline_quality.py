"""The engine's quality report equals, count for count, the one the retired pandas cleaner wrote.

The baselines in ``baseline/`` were saved by the pandas implementation (main at 18d367c, before the engine
replaced it: ``split_persons``, ``clean_transactions`` and its count of excluded customers) on the first 20,000 real
rows and on the full-size default (1,048,567 generated rows, seed 0), with the number of customers it found.
They hold counts and issue texts only, never a row of data.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from core.config import PUBLIC_DATASET_ROWS
from core.pipeline.clean import clean_raw
from core.pipeline.engine.duck import DuckDBEngine
from core.pipeline.features import describe_customers
from core.pipeline.load import load_transactions

BASELINE = Path(__file__).parent / "baseline"
TODAY = date(2026, 12, 1)


def baseline(name: str) -> dict:
    """A saved report and the number of customers it left."""
    return json.loads((BASELINE / f"quality_{name}.json").read_text(encoding="utf-8"))


def training_report(path: Path) -> tuple[dict, int]:
    """The report training writes (one customer per person, excluded customers counted) and the customers."""
    with DuckDBEngine() as engine:
        report = clean_raw(engine, load_transactions(path), today=TODAY)
        customers = describe_customers(engine)
    return report.to_dict(), len(customers)


@pytest.mark.real
def test_real_rows_report_is_the_pandas_one(real_csv):
    expected = baseline("real20000")
    report, customers = training_report(real_csv)
    assert customers == expected.pop("customers") == 19_984
    assert report == expected


def test_default_report_is_the_pandas_one(tmp_path):
    from core.pipeline.synth import generate_transactions, write_transactions

    path = write_transactions(generate_transactions(PUBLIC_DATASET_ROWS, seed=0), tmp_path / "default.csv")
    expected = baseline("default")
    report, customers = training_report(path)
    assert expected["rows_in"] == PUBLIC_DATASET_ROWS
    assert customers == expected.pop("customers") == 886_996
    assert report == expected
