"""Data page: uploads are previewed, mapped, checked and trained; bad files get a message and change nothing."""

from __future__ import annotations

import pandas as pd

from core.config import DATASETS_DIR
from core.pipeline.persistence import delete_dataset, list_datasets
from tests.app.conftest import assert_clean, run_page


def datasets() -> list[str]:
    return [d["name"] for d in list_datasets(DATASETS_DIR)]


def test_page_lists_the_default_dataset():
    at = run_page("pages/7_Data.py")
    assert_clean(at)
    assert "default" in at.dataframe[0].value["name"].tolist()


def test_binary_upload_shows_an_error_and_changes_nothing():
    before = datasets()
    at = run_page("pages/7_Data.py")
    at.file_uploader(key="upload").set_value(("photo.csv", b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "text/csv")).run()
    assert not at.exception
    assert any("not a CSV" in e.value for e in at.error), [e.value for e in at.error]
    assert datasets() == before


def test_renamed_headers_are_mapped_checked_and_trained(small_csv):
    raw = (
        pd.read_csv(small_csv, dtype=str)
        .head(3000)
        .rename(columns={"CustomerID": "cust id", "TransactionAmount (INR)": "Amount", "TransactionDate": "txn date"})
    )
    data = raw.to_csv(index=False, sep=";").encode()
    at = run_page("pages/7_Data.py")
    at.file_uploader(key="upload").set_value(("export.csv", data, "text/csv")).run()
    assert_clean(at)
    assert at.selectbox(key="map_CustomerID").value == "cust id"
    assert at.selectbox(key="map_TransactionAmount (INR)").value == "Amount"
    assert any("3,000 rows read" in s.value for s in at.success), [s.value for s in at.success]
    at.text_input(key="dataset_name").set_value("Q3 export")
    submit = next(b for b in at.button if b.label == "Train segments and models")
    submit.click().run(timeout=180)
    try:
        assert_clean(at)
        assert "q3-export" in datasets()
        assert any("q3-export" in s.value and "ready" in s.value for s in at.success)
        assert at.selectbox(key="dataset_picker").value == "q3-export"  # the new dataset is the active one
        assert any("**q3-export**" in c.value for c in at.caption)
    finally:
        if "q3-export" in datasets():
            delete_dataset("q3-export", DATASETS_DIR)


def test_missing_required_column_is_named(small_csv):
    raw = pd.read_csv(small_csv, dtype=str).head(200).drop(columns=["TransactionDate"])
    at = run_page("pages/7_Data.py")
    at.file_uploader(key="upload").set_value(("no_dates.csv", raw.to_csv(index=False).encode(), "text/csv")).run()
    assert not at.exception
    assert at.selectbox(key="map_TransactionDate").value is None
    assert any("TransactionDate" in e.value for e in at.error), [e.value for e in at.error]


def test_a_file_in_the_server_folder_is_offered_and_trained(small_csv):
    from core.config import SERVER_INPUT_DIRS

    inbox = SERVER_INPUT_DIRS[0]
    inbox.mkdir(parents=True, exist_ok=True)
    big = inbox / "branch_export.csv"
    big.write_bytes(small_csv.read_bytes())
    try:
        at = run_page("pages/7_Data.py")
        assert_clean(at)
        assert at.selectbox(key="server_input").value == f"{inbox.name}/branch_export.csv"
        at.text_input(key="server_dataset_name").set_value("Branch export")
        submit = [b for b in at.button if b.label == "Train segments and models"][-1]
        submit.click().run(timeout=180)
        assert_clean(at)
        assert "branch-export" in datasets()
        assert at.selectbox(key="dataset_picker").value == "branch-export"
    finally:
        big.unlink(missing_ok=True)
        if "branch-export" in datasets():
            delete_dataset("branch-export", DATASETS_DIR)


def test_an_empty_server_folder_says_how_to_bring_bigger_files():
    at = run_page("pages/7_Data.py")
    assert_clean(at)
    assert any("No transactions file" in i.value for i in at.info), [i.value for i in at.info]
    assert any("python -m core.train --input FILE" in c.value for c in at.caption)
