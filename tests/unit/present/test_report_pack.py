"""The Segment profiles report pack, opened with openpyxl: one sheet per table, native charts on the right cells,
shares as percentages, counts matching the data, formula-like text kept as text."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from openpyxl import load_workbook
from PIL import Image

from core.config import CHROMIUM_PATH
from core.pipeline.rfm import with_rfm
from core.present import images
from core.present.excel import PICTURE_ROW, PICTURE_SIZE, SheetChart, to_xlsx_bytes
from core.present.figures import segment_colour_map
from core.present.report_pack import profile_report_pack

SHEETS = [
    "Summary",
    "Segment profiles",
    "Compared with average",
    "Gender mix",
    "Age bands",
    "Top locations",
    "Timing",
    "Budget x RFM",
    "About",
]


@pytest.fixture(scope="module")
def book(data):
    customers, transactions = data
    customers = with_rfm(customers)
    hostile = customers.assign(location=customers["location"].where(customers.index % 3 > 0, "=HYPERLINK(1)"))
    pack = profile_report_pack(
        hostile, hostile, transactions, [("Dataset", "test"), ("Filters", "none")], pictures=False
    )
    return load_workbook(io.BytesIO(pack)), customers


def _rows(sheet) -> list[tuple]:
    return list(sheet.iter_rows(values_only=True))


def test_one_sheet_per_table_of_the_page_then_about(book):
    workbook, _ = book
    assert workbook.sheetnames == SHEETS
    assert _rows(workbook["About"])[1] == ("Dataset", "test")


def test_the_profile_sheet_counts_each_segment(book):
    workbook, customers = book
    rows = _rows(workbook["Segment profiles"])
    assert rows[0][:2] == ("Segment", "Customers")
    counts = customers["segment"].value_counts()
    assert [(r[0], r[1]) for r in rows[1:]] == [(s, int(counts[s])) for s in ["Low", "Medium", "High"]]
    assert workbook["Segment profiles"]["C2"].number_format == "0.0%"  # share of the selection
    assert workbook["Segment profiles"]["D2"].number_format == '"₹"#,##0.00'  # median balance


def test_shares_are_percentages_by_segment(book):
    workbook, customers = book
    gender = workbook["Gender mix"]
    rows = _rows(gender)
    assert rows[0] == ("Gender", "Low (%)", "Medium (%)", "High (%)")
    female_low = ((customers["segment"] == "Low") & (customers["gender"] == "F")).sum() / (
        customers["segment"] == "Low"
    ).sum()
    assert dict((r[0], r[1]) for r in rows[1:])["Female"] == pytest.approx(female_low)
    assert gender["B2"].number_format == "0.0%"


def test_each_chart_reads_its_own_sheet(book):
    workbook, _ = book
    charted = [name for name in SHEETS if workbook[name]._charts]
    assert charted == ["Segment profiles", "Compared with average", "Gender mix", "Age bands", "Timing", "Budget x RFM"]
    timing = workbook["Timing"]._charts[0]
    refs = [s.val.numRef.f for s in timing.series]
    assert refs == ["Timing!$B$2:$B$25", "Timing!$C$2:$C$25", "Timing!$D$2:$D$25"]  # 24 hours, one per segment
    rfm = workbook["Budget x RFM"]._charts[0]
    assert rfm.series[0].cat.numRef.f == "'Budget x RFM'!$A$2:$A$4"  # 'All' row left out
    assert rfm.series[-1].val.numRef.f == "'Budget x RFM'!$K$2:$K$4"  # 'All' column left out: Hibernating ends


def test_formula_like_locations_stay_text(book):
    workbook, _ = book
    cells = [c for row in workbook["Top locations"].iter_rows(min_row=2) for c in row if c.column == 3]
    hostile = [c for c in cells if "HYPERLINK" in str(c.value)]
    assert hostile and all(c.data_type == "s" and str(c.value).startswith("'=") for c in hostile)


def test_chart_series_take_the_given_colours():
    table = pd.DataFrame({"Segment": ["Low", "High"], "Customers": [3, 5]})
    colours = tuple(segment_colour_map(["Low", "High"]).values())
    pack = to_xlsx_bytes({"Sizes": table}, [], {"Sizes": SheetChart("column", "Sizes", 0, (1,), colours=colours[:1])})
    chart = load_workbook(io.BytesIO(pack))["Sizes"]._charts[0]
    assert chart.series[0].spPr.solidFill.srgbClr == colours[0].lstrip("#").upper()


@pytest.fixture(scope="module")
def pictured(data):
    customers, transactions = data
    customers = with_rfm(customers)
    pack = profile_report_pack(customers, customers, transactions, [("Dataset", "test")])
    return load_workbook(io.BytesIO(pack))


PICTURED = ["Compared with average", "Gender mix", "Age bands", "Top locations", "Timing"]


@pytest.mark.skipif(not CHROMIUM_PATH.is_file(), reason=f"{CHROMIUM_PATH} is absent: install Debian's chromium")
def test_the_page_charts_are_pictures_beside_the_native_charts(pictured):
    with_pictures = [name for name in pictured.sheetnames if pictured[name]._images]
    assert with_pictures == PICTURED
    for name in PICTURED:
        (image,) = pictured[name]._images
        anchor = image.anchor
        assert anchor.to.row - anchor._from.row == PICTURE_SIZE[1] // 20  # shown 400 px tall (20 px rows), as the chart
        picture = Image.open(io.BytesIO(image._data()))
        assert picture.format == "PNG" and picture.size == (PICTURE_SIZE[0] * 2, PICTURE_SIZE[1] * 2)
    assert pictured["Timing"]._charts  # the native chart stays
    assert pictured["Timing"]._images[0].anchor._from.row == PICTURE_ROW  # under it
    about = dict(_rows(pictured["About"])[1:])
    assert about["Chart pictures"].startswith("The page's charts as PNG pictures")


def test_without_a_browser_the_pack_keeps_native_charts_and_says_why(data, monkeypatch, tmp_path):
    customers, transactions = data
    monkeypatch.setattr(images, "CHROMIUM_PATH", tmp_path / "no-chromium")
    book = load_workbook(io.BytesIO(profile_report_pack(customers, customers, transactions, [("Dataset", "x")])))
    assert not any(book[name]._images for name in book.sheetnames)
    assert book["Timing"]._charts
    about = dict(_rows(book["About"])[1:])
    assert about["Chart pictures"].startswith("Chart pictures are unavailable: no Chromium at")
