"""Excel workbooks, opened with openpyxl: sheets, cell types, number formats, frozen header, escaped formulas."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from core.present.excel import EXCEL_MAX_ROWS, sheet_name, to_xlsx_bytes
from core.present.export import customer_table

ABOUT = [("Dataset", "default"), ("Model version", "v-20261201"), ("Filters", "Customers in segment High.")]


def _open(data: bytes):
    return load_workbook(io.BytesIO(data))


def _customers() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "CustomerID": ["C1", '=HYPERLINK("http://x")', "C3"],
            "segment": pd.Categorical(["High", "Low", "High"], categories=["Low", "Medium", "High"], ordered=True),
            "age": [31.0, np.nan, 45.0],
            "gender": ["F", "M", "+SUM(A1)"],
            "location": ["MUMBAI", "@cmd", "-2+3"],
            "balance": [1234.567, np.nan, -50.0],
            "n_transactions": [1, 2, 3],
            "night_share": [0.25, 0.0, 1.0],
            "first_date": pd.to_datetime(["2016-08-01", "2016-08-02", None]),
        }
    )


def test_sheets_in_order_with_an_about_sheet():
    book = _open(to_xlsx_bytes({"Customers": customer_table(_customers()), "Profile": pd.DataFrame({"a": [1]})}, ABOUT))
    assert book.sheetnames == ["Customers", "Profile", "About"]
    about = book["About"]
    assert [c.value for c in about[1]] == ["Item", "Value"]
    assert [(r[0].value, r[1].value) for r in about.iter_rows(min_row=2)] == ABOUT


def test_header_is_bold_frozen_and_filtered():
    sheet = _open(to_xlsx_bytes({"Customers": customer_table(_customers())}, ABOUT))["Customers"]
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["Customer ID", "Segment", "Age (years)", "Gender"]
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:I4"


def test_types_and_number_formats():
    sheet = _open(to_xlsx_bytes({"Customers": customer_table(_customers())}, ABOUT))["Customers"]
    header = [c.value for c in sheet[1]]
    col = {name: i + 1 for i, name in enumerate(header)}
    balance = sheet.cell(2, col["Account balance (INR)"])
    assert balance.data_type == "n" and balance.value == pytest.approx(1234.57)
    assert balance.number_format == '"₹"#,##0.00'
    assert sheet.cell(4, col["Account balance (INR)"]).value == pytest.approx(-50.0)
    assert sheet.cell(3, col["Account balance (INR)"]).value is None  # missing stays empty, never 'nan'
    assert sheet.cell(2, col["Transactions"]).number_format == "#,##0"
    assert sheet.cell(2, col["Night share"]).number_format == "0.0%"
    assert sheet.cell(2, col["Night share"]).value == pytest.approx(0.25)
    assert sheet.cell(2, col["Age (years)"]).value == 31 and sheet.cell(3, col["Age (years)"]).value is None
    first = sheet.cell(2, col["First transaction"])
    assert first.is_date and first.value.date().isoformat() == "2016-08-01"
    assert first.number_format == "yyyy-mm-dd"
    assert sheet.cell(4, col["First transaction"]).value is None
    assert sheet.cell(2, col["Segment"]).value == "High" and sheet.cell(2, col["Segment"]).data_type == "s"


def test_formula_like_text_stays_text():
    sheet = _open(to_xlsx_bytes({"Customers": customer_table(_customers())}, [("Dataset", "=1+1")]))["Customers"]
    header = [c.value for c in sheet[1]]
    col = {name: i + 1 for i, name in enumerate(header)}
    for row, column, expected in (
        (3, "Customer ID", '\'=HYPERLINK("http://x")'),
        (4, "Gender", "'+SUM(A1)"),
        (3, "Location", "'@cmd"),
        (4, "Location", "'-2+3"),
    ):
        cell = sheet.cell(row, col[column])
        assert cell.data_type == "s", (column, cell.data_type)
        assert cell.value == expected
    assert sheet.cell(2, col["Location"]).value == "MUMBAI"


def test_no_cell_anywhere_is_a_formula():
    data = to_xlsx_bytes({"=evil": pd.DataFrame({"=A1": ["=A1", "+1"], "x": [1.0, 2.0]})}, [("Dataset", "=1+1")])
    book = _open(data)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    assert book.sheetnames[0] == "=evil"
    assert book.worksheets[0]["A1"].value == "'=A1"
    assert book["About"]["B2"].value == "'=1+1"


def test_meaningful_index_becomes_columns():
    table = pd.DataFrame({"customers": [3, 5]}, index=pd.Index(["Low", "High"], name="Budget segment"))
    sheet = _open(to_xlsx_bytes({"Mix": table}, ABOUT))["Mix"]
    assert [[c.value for c in r] for r in sheet.iter_rows()] == [
        ["Budget segment", "customers"],
        ["Low", 3],
        ["High", 5],
    ]


def test_sheet_names_are_valid_and_unique():
    taken: set[str] = {"About"}
    assert sheet_name("About", taken) == "About (2)"
    assert sheet_name("a/b:c*d?[e]", taken) == "a b c d e"
    long = "x" * 40
    assert sheet_name(long, taken) == "x" * 31
    assert sheet_name(long, taken) == "x" * 27 + " (2)"
    assert sheet_name("   ", taken) == "Sheet"


def test_too_many_rows_is_refused_with_a_message():
    class Huge(pd.DataFrame):
        def __len__(self) -> int:
            return EXCEL_MAX_ROWS

    with pytest.raises(ValueError, match="more than an Excel sheet holds.*CSV"):
        to_xlsx_bytes({"Customers": Huge({"a": [1]})}, ABOUT)


def test_empty_table_has_a_header():
    sheet = _open(to_xlsx_bytes({"Empty": pd.DataFrame({"Customer ID": pd.Series([], dtype=object)})}, ABOUT))["Empty"]
    assert [c.value for c in sheet[1]] == ["Customer ID"]
    assert sheet.max_row == 1
