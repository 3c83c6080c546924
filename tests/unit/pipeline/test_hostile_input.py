"""Hostile and extreme input (issue 13): plausible bounds, non-finite values, ancient dates, wide encodings,
huge gzips, symlinked inputs and very wide files. Each case names the problem, never crashes, and leaves every
file of the artifact folder and of the user's folders byte-identical."""

from __future__ import annotations

import gzip
import json
import os
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.config import MAX_AMOUNT_INR, MAX_BALANCE_INR, MAX_UPLOAD_ROWS, MIN_TRANSACTION_DATE, RAW_COLUMNS
from core.errors import DataError
from core.pipeline.clean import clean_transactions
from core.pipeline.features import NUMERIC_FEATURES
from core.pipeline.load import load_transactions, read_table
from core.pipeline.persistence import save_artifacts
from core.pipeline.train import main, train_from_raw
from tests.unit.pipeline.test_out_folder import snapshot

HEADER = ",".join(f'"{c}"' if "," in c else c for c in RAW_COLUMNS) + "\n"
TODAY = date(2024, 1, 1)
SECRET = "s3cret-line-from-another-file"


def good_rows(n: int = 300, customers: int = 150) -> list[list[str]]:
    """Valid raw rows with varied money, ages and dates (seeded)."""
    rng = np.random.default_rng(0)
    out = []
    for i in range(n):
        out.append(
            [
                f"T{i}",
                f"C{i % customers:04d}",
                f"1/1/{rng.integers(50, 99)}",
                "MF"[i % 2],
                ["MUMBAI", "PUNE", "DELHI"][i % 3],
                f"{rng.lognormal(9, 2):.2f}",
                f"{rng.integers(1, 29)}/{rng.integers(1, 13)}/16",
                str(rng.integers(0, 235959)),
                f"{rng.lognormal(6, 1.5):.2f}",
            ]
        )
    return out


def csv_bytes(rows: list[list[str]]) -> bytes:
    return (HEADER + "".join(",".join(r) + "\n" for r in rows)).encode()


def with_cells(changes: dict[int, dict[int, str]]) -> bytes:
    """good_rows() with some cells replaced: {row: {column index: text}}."""
    rows = good_rows()
    for row, cells in changes.items():
        for column, text in cells.items():
            rows[row][column] = text
    return csv_bytes(rows)


AMOUNT, BALANCE, DATE, CUSTOMER = 8, 5, 6, 1


# ---------------------------------------------------------------------------------------------- refused input


def huge_gzip() -> bytes:
    """A gzip holding more rows than the limit, cut short after them: only a streaming count refuses it as too
    long; unpacking it all first would find the damage instead."""
    body = b"CustomerID,TransactionDate,TransactionAmount (INR)\n" + b"C1,2/8/16,1\n" * (MAX_UPLOAD_ROWS + 10)
    packed = gzip.compress(body, compresslevel=1)
    return packed[:-4]  # part of the trailer: all rows unpack, but the end of the stream is missing


REFUSED = {
    "every amount above the ceiling": (
        csv_bytes([[*r[:8], "1e12"] for r in good_rows()]),
        f"above {MAX_AMOUNT_INR:,.0f} INR",
    ),
    "every amount infinite": (csv_bytes([[*r[:8], "inf"] for r in good_rows()]), "not a finite number"),
    "every date before the floor": (
        csv_bytes([[*r[:6], "3/4/1700", *r[7:]] for r in good_rows()]),
        f"before {MIN_TRANSACTION_DATE:%d/%m/%Y}",
    ),
    "truncated UTF-16": (csv_bytes(good_rows())[:-1].decode().encode("utf-16-le")[:-1], "save it as CSV UTF-8"),
    "gzip beyond the row limit": (huge_gzip(), f"limit of {MAX_UPLOAD_ROWS:,} rows"),
}


@pytest.fixture(scope="module")
def existing(trained, tmp_path_factory):
    """A user's workspace: a trained artifact folder plus a folder of documents, compared byte by byte."""
    root = tmp_path_factory.mktemp("hostile")
    save_artifacts(trained, root / "datasets" / "default")
    (root / "docs").mkdir()
    (root / "docs" / "report.docx").write_bytes(b"keep me")
    return root


def run_refused(args: list[str], capsys) -> str:
    assert main(args) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: "), err
    assert "Traceback" not in err[0]
    return err[0]


@pytest.mark.parametrize("case", list(REFUSED))
def test_refused_input_names_the_problem_and_touches_nothing(case, existing, capsys):
    content, expected = REFUSED[case]
    source = existing / "docs" / "input.csv"
    source.write_bytes(content)
    before = snapshot(existing)
    message = run_refused(["--input", str(source), "--out", str(existing / "datasets" / "default")], capsys)
    assert expected.lower() in message.lower(), message
    assert snapshot(existing) == before


def degenerate_rows(kind: str) -> bytes:
    """100 customers: all identical, 99 identical plus one far outlier (clipped back to the rest), or two
    profiles only."""
    lines = []
    for i in range(100):
        balance, amount = "1000", "250"
        if kind == "outlier" and i == 0:
            balance, amount = "99999999", "900000"
        if kind == "two profiles" and i % 2:
            balance, amount = "500000", "90000"
        lines.append([f"T{i}", f"C{i}", "1/1/80", "M", "MUMBAI", balance, "2/8/16", "101010", amount])
    return csv_bytes(lines)


@pytest.mark.parametrize(
    ("kind", "k", "expected"),
    [
        ("identical", "3", "only 1 distinct profile"),
        ("identical", "2", "only 1 distinct profile"),
        ("outlier", "3", "only 1 distinct profile"),
        ("two profiles", "3", "only 2 distinct profiles; choose at most 2 segments"),
    ],
)
def test_degenerate_segmentations_are_refused_and_the_previous_model_stays(kind, k, expected, existing, capsys):
    source = existing / "docs" / "input.csv"
    source.write_bytes(degenerate_rows(kind))
    before = snapshot(existing)
    out = existing / "datasets" / "default"
    message = run_refused(["--input", str(source), "--out", str(out), "--k", k], capsys)
    assert expected in message and "the previous model stays active" in message, message
    assert snapshot(existing) == before


def test_a_tiny_fitted_segment_is_refused_with_its_size():
    from core.pipeline.segment import check_segment_sizes, min_segment_size

    assert min_segment_size(100) == 10 and min_segment_size(5_000) == 50
    check_segment_sizes(np.array([40, 10, 50]), ("Low", "Medium", "High"))  # 10 is the minimum: allowed
    with pytest.raises(DataError, match="'Medium' 9 customers, fewer than the minimum of 10"):
        check_segment_sizes(np.array([41, 9, 50]), ("Low", "Medium", "High"))
    with pytest.raises(DataError, match="'High' 0 customers, fewer than the minimum of 50"):
        check_segment_sizes(np.array([2_500, 2_500, 0]), ("Low", "Medium", "High"))


@pytest.mark.parametrize("target", ["not a table", "ragged"])
def test_symlinked_input_is_never_quoted(target, existing, tmp_path, capsys):
    other = tmp_path / "elsewhere.txt"
    text = f"{SECRET}\nmore:lines:here\n" if target == "not a table" else f"a,b\n{SECRET},2,3\n"
    other.write_text(text)
    link = tmp_path / "transactions.csv"
    link.symlink_to(other)
    before = snapshot(existing)
    message = run_refused(["--input", str(link), "--out", str(existing / "datasets" / "default")], capsys)
    assert SECRET not in message and "more:lines" not in message
    assert ("symbolic link" in message) if target == "not a table" else ("line 2 has 3 values" in message)
    assert snapshot(existing) == before
    assert other.read_text() == text


def test_a_plain_file_still_quotes_its_bad_line():
    with pytest.raises(DataError, match=SECRET):
        read_table(f"a,b\n{SECRET},2,3\n".encode(), name="x.csv")


# ---------------------------------------------------------------------------------------------- encodings


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be", "utf-32", "utf-16"])
def test_utf16_and_utf32_with_or_without_bom_read_like_utf8(encoding):
    text = csv_bytes(good_rows(20)).decode() + "T99,C9,1/1/80,F,BENGALURU ಬೆಂಗಳೂರು,5,2/8/16,1,9\n"
    expected = read_table(text.encode("utf-8"), name="x.csv")
    pd.testing.assert_frame_equal(read_table(text.encode(encoding), name="x.csv"), expected)


def test_streaming_gzip_refuses_at_the_limit_and_keeps_quoted_files_exact():
    body = b"CustomerID,TransactionDate,TransactionAmount (INR)\n" + b"C1,2/8/16,1\n" * 120
    with pytest.raises(DataError, match="limit of 100 rows"):
        read_table(gzip.compress(body), name="x.csv.gz", max_rows=100)
    assert len(read_table(gzip.compress(body), name="x.csv.gz", max_rows=120)) == 120
    # Line breaks inside quotes are not rows: 60 rows of two lines each are under a limit of 100 rows.
    quoted = b"CustomerID,TransactionDate,TransactionAmount (INR)\n" + b'"C\n1",2/8/16,1\n' * 60
    assert len(read_table(gzip.compress(quoted), name="x.csv.gz", max_rows=100)) == 60


# ---------------------------------------------------------------------------------------------- bounds


def clean_bytes(content: bytes):
    return clean_transactions(load_transactions(content, name="x.csv"), today=TODAY)


def item_count(report, fragment: str) -> int:
    found = [i.count for i in report.items if fragment in i.issue]
    assert len(found) <= 1, fragment
    return found[0] if found else 0


@pytest.mark.parametrize(
    ("changes", "fragment", "count"),
    [
        (
            {0: {CUSTOMER: "C0000", AMOUNT: "1e308"}, 150: {AMOUNT: "1e308"}, 1: {CUSTOMER: "C0000", AMOUNT: "1e308"}},
            "above 10,000,000,000 INR",
            3,
        ),
        ({5: {AMOUNT: "1e200"}}, "above 10,000,000,000 INR", 1),
        ({5: {AMOUNT: "1e39"}, 6: {AMOUNT: "10000000001"}}, "above 10,000,000,000 INR", 2),
        ({5: {AMOUNT: "inf"}, 6: {AMOUNT: "-Infinity"}, 7: {AMOUNT: "1e400"}}, "amount is not a finite number", 3),
        (
            {
                5: {DATE: "1/1/1700"},
                6: {DATE: "3/4/1723"},
                7: {DATE: "1/1/1730"},
                8: {DATE: "1/1/1800"},
                9: {DATE: "31/12/1979"},
            },
            "dated before 01/01/1980",
            5,
        ),
    ],
    ids=["three 1e308 for one customer", "1e200", "1e39", "non-finite amounts", "ancient dates"],
)
def test_implausible_rows_are_excluded_and_counted(changes, fragment, count):
    frame, report = clean_bytes(with_cells(changes))
    assert item_count(report, fragment) == count
    assert report.rows_in - report.rows_out == count
    assert frame["amount"].max() <= MAX_AMOUNT_INR
    assert frame["date"].min() >= pd.Timestamp(MIN_TRANSACTION_DATE)


def test_implausible_and_non_finite_balances_are_left_empty_and_counted():
    changes = {5: {BALANCE: "1e308"}, 6: {BALANCE: "-2e12"}, 7: {BALANCE: "inf"}, 8: {BALANCE: "1e12"}}
    frame, report = clean_bytes(with_cells(changes))
    assert report.rows_out == report.rows_in == 300  # the transactions themselves are kept
    assert item_count(report, "balances above 1,000,000,000,000 INR") == 2
    assert item_count(report, "balances that are not a finite number") == 1
    assert frame["balance"].isna().sum() == 3
    assert frame["balance"].abs().max() == MAX_BALANCE_INR  # the ceiling itself is allowed


def test_extreme_values_train_through_the_cli_and_leave_the_input_alone(tmp_path, capsys):
    changes = {
        0: {CUSTOMER: "C0000", AMOUNT: "1e308"},
        1: {CUSTOMER: "C0000", AMOUNT: "1e308"},
        2: {AMOUNT: "1e200"},
        3: {AMOUNT: "1e39"},
        4: {BALANCE: "1e308"},
        5: {DATE: "1/1/1700"},
        6: {DATE: "1/1/1730"},
        7: {DATE: "1/1/1800"},
        8: {AMOUNT: "inf"},
    }
    source = tmp_path / "in" / "extreme.csv"
    source.parent.mkdir()
    source.write_bytes(with_cells(changes))
    before = snapshot(source.parent)
    assert main(["--input", str(source), "--out", str(tmp_path / "out")]) == 0, capsys.readouterr().err
    assert snapshot(source.parent) == before
    quality = json.loads((tmp_path / "out" / "quality.json").read_text())["data"]
    assert quality["rows_in"] - quality["rows_out"] == 8  # 1e308 x2, 1e200, 1e39, 3 ancient dates, inf
    customers = pd.read_parquet(tmp_path / "out" / "customers.parquet")
    assert np.isfinite(
        customers[list(NUMERIC_FEATURES)].to_numpy(dtype=float)[~customers[list(NUMERIC_FEATURES)].isna().to_numpy()]
    ).all()


def test_ten_thousand_columns_are_summarised_in_one_line():
    names = [f"extra_{i}" for i in range(10_000)]
    text = HEADER.strip() + "," + ",".join(names) + "\n"
    text += "".join(",".join(r) + "," + ",".join(["1"] * 10_000) + "\n" for r in good_rows(30))
    _, report = clean_bytes(text.encode())
    summary = report.summary()
    assert len(summary) < 1_500, len(summary)
    assert "10,000 columns are not used by the dashboard" in summary and "'extra_0'" in summary
    assert "and 9,990 more" in summary


def test_a_few_ignored_columns_are_still_listed_one_by_one():
    text = HEADER.strip() + ",memo,branch\n" + "".join(",".join(r) + ",x,y\n" for r in good_rows(30))
    _, report = clean_bytes(text.encode())
    assert [i.column for i in report.items if i.action == "note" and "not used" in i.issue] == ["memo", "branch"]


# ---------------------------------------------------------------------------------------------- property

NUMBER_TEXT = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(
        [
            "1e308",
            "-1e308",
            "1e200",
            "1e39",
            "3.4e38",
            "1e-320",
            "5e-324",
            "inf",
            "-inf",
            "nan",
            "1e400",
            "0",
            "-0",
            "10000000000",
            "10000000000.01",
            "1e12",
            "-1e12",
        ]
    ),
)
DATE_TEXT = st.dates(min_value=date(1600, 1, 1), max_value=date(2261, 12, 31)).map(
    lambda d: f"{d.day}/{d.month}/{d.year}"
)


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(st.integers(0, 299), st.sampled_from([AMOUNT, BALANCE, DATE]), NUMBER_TEXT, DATE_TEXT),
        min_size=1,
        max_size=40,
    )
)
def test_extreme_numbers_and_dates_train_or_are_refused_with_a_message(cells):
    rows = good_rows()
    for row, column, number, when in cells:
        rows[row][column] = when if column == DATE else number
    raw = load_transactions(csv_bytes(rows), name="x.csv")
    try:
        artifacts = train_from_raw(raw, k=3, seed=0)
    except DataError as exc:
        assert str(exc)
        return
    customers = artifacts.customers
    values = customers[list(NUMERIC_FEATURES)].to_numpy(dtype=float)
    assert np.isfinite(values[~np.isnan(values)]).all()
    assert (customers["total_amount"] <= MAX_AMOUNT_INR * customers["n_transactions"]).all()
    assert customers["balance"].abs().max() <= MAX_BALANCE_INR
    assert customers["first_date"].min() >= pd.Timestamp(MIN_TRANSACTION_DATE)
    assert len(artifacts.models.full.predict(customers[list(artifacts.models.full_features)])) == len(customers)


def test_is_link_only_for_symlinks(tmp_path):
    from core.pipeline.load import is_link

    plain = tmp_path / "a.csv"
    plain.write_text("x")
    link = tmp_path / "b.csv"
    os.symlink(plain, link)
    assert is_link(link) and not is_link(plain) and not is_link(b"bytes") and not is_link(str(Path(plain)))
