"""Tests for core.present.export: formula neutralisation, BOM and encodings, file names and customer tables."""

from __future__ import annotations

import csv
import io
import re

import numpy as np
import pandas as pd
import pytest

from core.analysis.filters import Filters
from core.pipeline.features import FEATURES, MONEY_FEATURES, feature_label
from core.present.export import customer_table, export_filename, neutralise_formulas, to_csv_bytes

DANGEROUS = ['=HYPERLINK("http://evil.example","click")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)", "\tx", "\rx"]


def read_back(data: bytes) -> list[list[str]]:
    """Parse CSV bytes the way a spreadsheet import would (after stripping the BOM)."""
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


@pytest.fixture
def frame() -> pd.DataFrame:
    """Text with formula-like cells, numbers (incl. negative), non-ASCII text and dates."""
    return pd.DataFrame(
        {
            "text": [*DANGEROUS, "plain", "नई दिल्ली", None],
            "number": [-1.5, 2.0, -3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0],
            "mixed": pd.Series([-3, "=1+1", 2.5, "ok", None, "x", "y", "z", "w"], dtype=object),
            "segment": pd.Categorical(["=High"] * 9),
            "when": pd.date_range("2016-08-01", periods=9, freq="D"),
        }
    )


def test_formula_like_text_gets_a_leading_apostrophe(frame):
    rows = read_back(to_csv_bytes(frame))
    texts = [row[0] for row in rows[1:]]
    assert texts[: len(DANGEROUS)] == ["'" + v for v in DANGEROUS]
    assert texts[len(DANGEROUS) :] == ["plain", "नई दिल्ली", ""]


def test_numbers_are_never_touched(frame):
    rows = read_back(to_csv_bytes(frame))
    assert [float(row[1]) for row in rows[1:]] == frame["number"].tolist()
    assert rows[1][1] == "-1.5" and rows[3][1] == "-3"  # negative numbers are not prefixed
    assert [row[2] for row in rows[1:4]] == ["-3", "'=1+1", "2.5"]  # numbers inside an object column stay numbers


def test_categorical_text_and_headers_are_neutralised_too(frame):
    rows = read_back(to_csv_bytes(frame.rename(columns={"text": "=evil"})))
    assert rows[0][0] == "'=evil"
    assert {row[3] for row in rows[1:]} == {"'=High"}


def test_csv_has_a_bom_keeps_non_ascii_and_writes_iso_dates(frame):
    data = to_csv_bytes(frame)
    assert data.startswith(b"\xef\xbb\xbf")
    assert "नई दिल्ली".encode() in data
    rows = read_back(data)
    assert rows[0] == ["text", "number", "mixed", "segment", "when"]
    assert rows[1][4] == "2016-08-01"


def test_to_csv_bytes_does_not_mutate_the_input(frame):
    before = frame.copy()
    to_csv_bytes(frame)
    pd.testing.assert_frame_equal(frame, before)


def test_a_meaningful_index_is_written_as_a_column():
    table = pd.DataFrame({"z": [0.5, -0.2]}, index=pd.Index(["balance", "age"], name="feature"))
    assert read_back(to_csv_bytes(table))[:2] == [["feature", "z"], ["balance", "0.5"]]


def test_neutralise_formulas_leaves_safe_values_alone():
    values = pd.Series(["safe", "a=b", "x =spaced", None], dtype="str")
    pd.testing.assert_series_equal(neutralise_formulas(values), values)


@pytest.mark.parametrize("text", ["-500", "-0", "+91 98765 43210", "+500", "-1,234.50", "- 7", "-3.25"])
def test_plain_signed_numbers_written_as_text_are_left_alone(text):
    """A downloaded list re-uploaded must match its IDs: a spreadsheet reads these as numbers, not formulas."""
    values = pd.Series([text], dtype=object)
    assert neutralise_formulas(values).tolist() == [text]
    assert read_back(to_csv_bytes(pd.DataFrame({"CustomerID": values})))[1] == [text]


@pytest.mark.parametrize(
    "text",
    [
        " =1+1",
        "\n=2+2",
        "\u3000=1+1",
        "＝1+1",
        "﹦1+1",
        "  @SUM(A1)",
        "\n-2+3",
        "＋cmd",
        "-1+1",
        "+1e5",
        "-A1",
        "-500)",
        "=500",
        "\t-500",
    ],
)
def test_formulas_after_whitespace_or_in_full_width_forms_are_escaped(text):
    values = pd.Series([text], dtype=object)
    assert neutralise_formulas(values).tolist() == ["'" + text]
    assert read_back(to_csv_bytes(pd.DataFrame({"x": values})))[1] == ["'" + text]


def test_export_filename_uses_the_filters_slug():
    name = export_filename("customers_High", Filters(segments=("High",), genders=("F",)))
    assert name == "customers_High_segment-High_gender-F.csv"
    assert export_filename("profiles", Filters()) == "profiles_all.csv"


def test_export_filename_has_only_safe_characters():
    name = export_filename("../../etc/pass wd", Filters(locations=("NEW DELHI, SOUTH",)), ext="c/sv")
    assert re.fullmatch(r"[A-Za-z0-9._-]+", name)
    assert "/" not in name and not name.startswith(".")
    assert name.endswith(".csv")


@pytest.fixture
def customers() -> pd.DataFrame:
    """Three customers with every feature column."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"CustomerID": ["C1", "C2", "C3"]})
    for name, feature in FEATURES.items():
        frame[name] = ["M", "F", "unknown"] if feature.kind == "category" else rng.uniform(0, 1000, 3)
    frame["age"] = [30.0, np.nan, 41.0]
    frame["first_date"] = pd.to_datetime(["2016-08-01", "2016-08-02", "2016-08-03"])
    frame["last_date"] = frame["first_date"]
    frame["segment"] = pd.Categorical(["Low", "High", "Low"], categories=["Low", "High"], ordered=True)
    return frame


def test_customer_table_has_readable_headers_in_order(customers):
    table = customer_table(customers)
    assert list(table.columns) == [
        "Customer ID",
        "Segment",
        *[feature_label(f) for f in FEATURES],
        "First transaction",
        "Last transaction",
    ]
    assert table["Customer ID"].tolist() == ["C1", "C2", "C3"]


def test_customer_table_rounds_money_to_two_decimals(customers):
    table = customer_table(customers)
    for name in MONEY_FEATURES:
        np.testing.assert_array_equal(table[feature_label(name)].to_numpy(), customers[name].round(2).to_numpy())
    assert table["Age (years)"].tolist()[0] == 30 and pd.isna(table["Age (years)"].tolist()[1])


def test_customer_table_leaves_the_input_alone(customers):
    before = customers.copy()
    customer_table(customers)
    pd.testing.assert_frame_equal(customers, before)


def test_exports_say_male_and_female_and_customer_id_as_the_interface_does():
    frame = pd.DataFrame({"CustomerID": ["C1", "C2", "C3"], "gender": ["M", "F", None]})
    table = customer_table(frame)
    assert list(table.columns) == ["Customer ID", "Gender"]
    assert table["Gender"].tolist()[:2] == ["Male", "Female"] and pd.isna(table["Gender"].iloc[2])
