"""Tests for core.pipeline.synth: raw formats, determinism, blocks, Parquet parts and the CLI.

The distributions (published facts and the comparison with the real rows) are in test_synth_realism.py.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from core.config import RAW_COLUMNS
from core.errors import DataError
from core.pipeline.synth import (
    MISSING_PER_DEFAULT,
    blocks,
    generate_transactions,
    main,
    write_parquet_parts,
    write_transactions,
)

ROWS = 20_000
HEADER = (
    "TransactionID,CustomerID,CustomerDOB,CustGender,CustLocation,CustAccountBalance,"
    "TransactionDate,TransactionTime,TransactionAmount (INR)"
)
MONEY = r"^(0|[1-9]\d*)(\.\d?[1-9])?$"  # up to two decimals, never a trailing zero or a leading one


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return generate_transactions(ROWS, seed=7)


@pytest.fixture(scope="module")
def csv_path(frame: pd.DataFrame, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_transactions(frame, tmp_path_factory.mktemp("synth") / "tx.csv")


@pytest.fixture()
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Blocks of 4,000 rows, so a few thousand rows exercise the multi-block path."""
    monkeypatch.setattr(blocks, "BLOCK_ROWS", 4_000)


def read_parts(folder: Path) -> pd.DataFrame:
    parts = sorted(folder.glob("part-*.parquet"))
    return pd.concat([pq.read_table(p).to_pandas() for p in parts], ignore_index=True)


def test_header_is_the_exact_raw_schema(csv_path: Path) -> None:
    first_line = csv_path.read_text().split("\n", 1)[0]
    assert first_line == HEADER
    assert first_line == ",".join(RAW_COLUMNS)


def test_row_count_and_sequential_transaction_ids(frame: pd.DataFrame) -> None:
    assert len(frame) == ROWS
    assert frame["TransactionID"].tolist() == [f"T{i}" for i in range(1, ROWS + 1)]


def test_all_columns_are_text_with_missing_values_as_na(frame: pd.DataFrame) -> None:
    assert list(frame.columns) == list(RAW_COLUMNS)
    assert all(pd.api.types.is_string_dtype(dtype) for dtype in frame.dtypes)
    assert not (frame == "").any().any()


def test_same_seed_gives_same_bytes_and_another_seed_does_not(tmp_path: Path) -> None:
    paths = [
        write_transactions(generate_transactions(3_000, seed), tmp_path / f"{i}.csv.gz")
        for i, seed in enumerate((5, 5, 6))
    ]
    first, again, other = (p.read_bytes() for p in paths)
    assert first == again
    assert first != other
    assert first[4:8] == b"\x00\x00\x00\x00"  # gzip mtime is 0 ...
    assert not first[3] & 0x08  # ... and no file name is stored in the header


def test_csv_is_what_pandas_writes_with_minimal_quoting(frame: pd.DataFrame, csv_path: Path) -> None:
    expected = frame.to_csv(index=False, lineterminator="\n", na_rep="")
    assert csv_path.read_text() == expected


def test_id_date_dob_and_time_formats(frame: pd.DataFrame) -> None:
    assert frame["CustomerID"].str.fullmatch(r"C[1-9]\d{6}").all()
    assert frame["TransactionDate"].str.fullmatch(r"([1-9]|[12]\d|3[01])/(8|9|10)/16").all()
    dob = frame["CustomerDOB"].dropna()
    assert dob.str.fullmatch(r"([1-9]|[12]\d|3[01])/([1-9]|1[0-2])/\d\d|1/1/1800").all()
    time = frame["TransactionTime"]
    assert time.str.fullmatch(r"0|[1-9]\d{0,5}").all()  # HHMMSS, no leading zeros
    value = time.astype(int)
    assert (value // 10_000).max() <= 23 and (value // 100 % 100).max() <= 59 and (value % 100).max() <= 59
    assert (value < 10_000).any()  # some times after midnight


def test_money_has_up_to_two_decimals_without_trailing_zeros(frame: pd.DataFrame) -> None:
    balance = frame["CustAccountBalance"].dropna()
    amount = frame["TransactionAmount (INR)"]
    assert balance.str.fullmatch(MONEY).all() and amount.str.fullmatch(MONEY).all()
    assert balance.str.contains(r"\.\d\d$").mean() > 0.8  # balances mostly have paise
    whole = ~amount.str.contains(".", regex=False)
    assert 0.8 < whole.mean() < 0.95  # amounts mostly whole rupees (real rows: 88%)


def test_missing_values_and_the_odd_gender_in_published_proportions(frame: pd.DataFrame) -> None:
    for column, per_default in MISSING_PER_DEFAULT.items():
        assert frame[column].isna().sum() == round(per_default * ROWS / 1_048_567), column
    assert (frame["CustGender"] == "T").sum() == 1


def test_locations_with_commas_round_trip_through_read_csv(frame: pd.DataFrame, csv_path: Path) -> None:
    assert frame["CustLocation"].str.contains(",", regex=False).sum() > 0
    assert '"SECTOR ' in csv_path.read_text()  # commas are quoted
    back = pd.read_csv(csv_path, dtype=str)
    pd.testing.assert_frame_equal(back, frame, check_dtype=False)


def test_messy_location_variants_for_cleaning_to_fix(frame: pd.DataFrame) -> None:
    location = frame["CustLocation"].dropna()
    assert location.str.contains(r"\S  \S").any()  # double spaces, as in the real rows
    assert location.str.contains(r"[a-z]|\s$").any()


def test_blocks_cover_the_rows_exactly_and_evenly() -> None:
    assert blocks.plan_blocks(1_048_567) == [(0, 1_048_567)]  # the default is one block
    plan = blocks.plan_blocks(100_000_000)
    assert plan[0][0] == 0 and sum(size for _, size in plan) == 100_000_000
    assert all(start + size == nxt for (start, size), (nxt, _) in zip(plan, plan[1:], strict=False))
    assert max(size for _, size in plan) <= blocks.BLOCK_ROWS
    assert max(size for _, size in plan) - min(size for _, size in plan) <= 1


def test_id_space_grows_with_the_file_and_ids_stay_distinct() -> None:
    assert blocks.id_space(1_048_567) == (1_010_000, 8_090_000)  # C1010000 .. C9099999, like the real IDs
    assert blocks.id_space(10_000_000) == (10_000_000, 90_000_000)
    assert blocks.id_space(100_000_000) == (100_000_000, 900_000_000)
    index = np.arange(50_000_000, 51_000_000)
    numbers = blocks.customer_numbers(index, 100_000_000, seed=3)
    assert len(np.unique(numbers)) == len(index)
    assert numbers.min() >= 100_000_000 and numbers.max() < 1_000_000_000
    assert np.corrcoef(index, numbers)[0, 1] ** 2 < 0.01  # scattered, not in index order


def test_many_blocks_keep_ids_counts_and_transaction_ids_exact(small_blocks: None) -> None:
    rows = 21_000
    frame = generate_transactions(rows, seed=2)
    assert len(blocks.plan_blocks(rows)) == 6
    assert frame["TransactionID"].tolist() == [f"T{i}" for i in range(1, rows + 1)]
    for column, per_default in MISSING_PER_DEFAULT.items():
        assert frame[column].isna().sum() == round(per_default * rows / 1_048_567), column
    assert (frame["CustGender"] == "T").sum() == 1
    people = frame.drop_duplicates(["CustomerID", "CustomerDOB"]).groupby("CustomerID").size()
    shared = people[people > 1]
    assert len(shared) == round(62 / 20_000 * rows)  # only the deliberately shared IDs have two people
    assert shared.max() == 2


def test_parquet_parts_hold_the_same_rows_as_the_csv(small_blocks: None, tmp_path: Path) -> None:
    folder = write_parquet_parts(9_000, 4, tmp_path / "parts", workers=2)
    assert [p.name for p in sorted(folder.iterdir())] == [
        "part-00000.parquet",
        "part-00001.parquet",
        "part-00002.parquet",
    ]
    parts = read_parts(folder)
    pd.testing.assert_frame_equal(parts, generate_transactions(9_000, 4), check_dtype=False)
    again = write_parquet_parts(9_000, 4, tmp_path / "again", workers=1)
    for name in ("part-00000.parquet", "part-00002.parquet"):
        assert (folder / name).read_bytes() == (again / name).read_bytes()  # same seed, same bytes
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp folder left


def test_parquet_output_replaces_old_parts_but_never_other_files(tmp_path: Path) -> None:
    folder = tmp_path / "parts"
    write_parquet_parts(500, 1, folder)
    write_parquet_parts(700, 2, folder)
    assert len(read_parts(folder)) == 700
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me")
    with pytest.raises(DataError, match="holds other files \\(notes.txt\\)"):
        write_parquet_parts(500, 1, mine)
    assert [p.name for p in mine.iterdir()] == ["notes.txt"]
    (tmp_path / "file").write_text("x")
    with pytest.raises(DataError, match="is not a folder of generated parts"):
        write_parquet_parts(500, 1, tmp_path / "file")


def test_cli_writes_a_gzip_csv_that_pandas_reads_back(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "new" / "folder" / "tx.csv.gz"
    assert main(["--rows", "2000", "--seed", "3", "--out", str(out)]) == out
    assert "2,000 transactions" in capsys.readouterr().out
    assert gzip.decompress(out.read_bytes()).startswith(HEADER.encode())
    pd.testing.assert_frame_equal(pd.read_csv(out, dtype=str), generate_transactions(2000, 3), check_dtype=False)
    assert [p.name for p in out.parent.iterdir()] == ["tx.csv.gz"]  # no temp file left behind


def test_cli_csv_in_blocks_is_the_same_as_one_frame(small_blocks: None, tmp_path: Path) -> None:
    out = main(["--rows", "9000", "--seed", "8", "--out", str(tmp_path / "tx.csv")])
    assert out.read_bytes() == write_transactions(generate_transactions(9000, 8), tmp_path / "one.csv").read_bytes()


def test_cli_writes_parquet_parts_to_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = main(["--rows", "1500", "--seed", "3", "--out", str(tmp_path / "big"), "--workers", "1"])
    assert "1,500 transactions" in capsys.readouterr().out
    pd.testing.assert_frame_equal(read_parts(out), generate_transactions(1500, 3), check_dtype=False)


def test_cli_refuses_a_folder_with_other_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "report.xlsx").write_text("precious")
    with pytest.raises(SystemExit) as stop:
        main(["--rows", "100", "--out", str(tmp_path)])
    assert stop.value.code == 2
    assert capsys.readouterr().err.startswith(f"error: {tmp_path} holds other files (report.xlsx)")
    assert (tmp_path / "report.xlsx").read_text() == "precious"


def test_write_replaces_an_existing_file_with_plain_csv(tmp_path: Path) -> None:
    out = tmp_path / "tx.csv"
    out.write_text("old, half-written junk")
    write_transactions(generate_transactions(50, 1), out)
    assert out.read_text().startswith(HEADER + "\n")
    assert len(pd.read_csv(out)) == 50


def test_too_few_rows_or_workers_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(DataError, match="at least 1; got 0"):
        generate_transactions(0)
    with pytest.raises(SystemExit):
        main(["--rows", "0"])
    assert "--rows must be at least 1" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--rows", "10", "--workers", "0"])
    assert "--workers must be at least 1" in capsys.readouterr().err
