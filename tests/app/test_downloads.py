"""The functions that build downloads: right columns, right rows (the filtered view), safe for spreadsheets."""

from __future__ import annotations

import codecs
import csv
import io

from core.analysis.filters import Filters, apply_filters
from ui.widgets import build_download


def read_csv(data: bytes) -> list[dict]:
    assert data.startswith(codecs.BOM_UTF8)
    return list(csv.DictReader(io.StringIO(data[len(codecs.BOM_UTF8) :].decode("utf-8"))))


def test_customer_download_has_readable_columns_and_the_filtered_rows(trained):
    filters = Filters(segments=("High",), genders=("F",))
    view = apply_filters(trained.customers, filters)
    rows = read_csv(build_download(view, as_customers=True))
    expected = trained.customers[(trained.customers["segment"] == "High") & (trained.customers["gender"] == "F")]
    assert len(rows) == len(expected) > 0
    assert [r["Customer ID"] for r in rows] == expected["CustomerID"].tolist()
    assert {r["Segment"] for r in rows} == {"High"}
    assert {"Account balance (INR)", "Average transaction (INR)", "Age (years)"} <= set(rows[0])


def test_formula_like_text_is_escaped_in_downloads(trained):
    view = trained.customers.head(4).copy()
    view["location"] = ['=HYPERLINK("http://x")', "+cmd", "@SUM(A1)", "MUMBAI"]
    view["CustomerID"] = view["CustomerID"].astype(str)
    view.loc[view.index[0], "CustomerID"] = "-2+3"
    view.loc[view.index[1], "balance"] = -500.0  # an overdraft is a number, not a formula
    rows = read_csv(build_download(view, as_customers=True))
    assert [r["Location"] for r in rows] == ['\'=HYPERLINK("http://x")', "'+cmd", "'@SUM(A1)", "MUMBAI"]
    assert rows[0]["Customer ID"] == "'-2+3"
    assert float(rows[1]["Account balance (INR)"]) == -500.0
