"""Extreme values on the What-if page (issue 13): infinite or absurd numbers in a batch upload give a clear
error, never an exception; transactions with such amounts are scored after the cleaner excludes them."""

from __future__ import annotations

import tomllib

import pytest

from core.config import RAW_COLUMNS, ROOT
from core.pipeline.features import FEATURES
from tests.app.conftest import assert_clean, run_page

PAGE = "pages/5_What_if.py"


def upload(name: str, data: bytes):
    at = run_page(PAGE)
    at.file_uploader(key="batch_upload").set_value((name, data, "text/csv")).run()
    return at


@pytest.mark.parametrize("value", ["inf", "-inf", "1e200", "1e308", "1e400"])
@pytest.mark.parametrize("column", ["balance", "mean_amount", "total_amount", "n_transactions"])
def test_infinite_or_absurd_feature_values_give_a_clear_error(trained, column, value):
    table = trained.customers[["CustomerID", *FEATURES]].iloc[:20].copy()
    table[column] = table[column].astype("object")
    table.iloc[3, table.columns.get_loc(column)] = value
    at = upload("customers.csv", table.to_csv(index=False).encode())
    assert not at.exception, [e.message for e in at.exception]
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and errors[0].startswith("This file can't be scored"), errors
    assert FEATURES[column].label.lower() in errors[0] and "infinite or beyond" in errors[0]
    assert "data row 4" in errors[0]


def test_transactions_with_extreme_amounts_are_scored_without_them():
    header = ",".join(f'"{c}"' if "," in c else c for c in RAW_COLUMNS)
    rows = [f"T{i},C{i % 30},1/1/80,M,PUNE,{1000 + i},2/8/16,101010,{100 + i}" for i in range(60)]
    rows += ["T900,C0,1/1/80,M,PUNE,1000,2/8/16,101010,1e308"] * 3 + ["T901,C1,1/1/80,M,PUNE,1e308,3/8/16,1,1e200"]
    at = upload("transactions.csv", (header + "\n" + "\n".join(rows) + "\n").encode())
    assert_clean(at)
    assert at.success[-1].value.startswith("30 customers scored")


def test_users_never_see_a_traceback():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["client"]["showErrorDetails"] == "none"
