"""Tests for core.pipeline.synth: raw formats, determinism, proportions and the structure the segmentation relies on."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.config import RAW_COLUMNS
from core.errors import DataError
from core.pipeline.synth import MISSING_PER_DEFAULT, generate_transactions, main, write_transactions

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


@pytest.fixture(scope="module")
def numbers(frame: pd.DataFrame) -> pd.DataFrame:
    """The money, hour, age and location columns parsed, for the distribution tests."""
    years = pd.to_numeric(frame["CustomerDOB"].str.split("/").str[2], errors="coerce")
    return pd.DataFrame(
        {
            "balance": pd.to_numeric(frame["CustAccountBalance"]),
            "amount": pd.to_numeric(frame["TransactionAmount (INR)"]),
            "hour": frame["TransactionTime"].astype(int) // 10_000,
            "age": np.where(years.between(17, 99), 116 - years, np.nan),  # 2016 minus a 19yy birth year
            "location": frame["CustLocation"],
        }
    )


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
    assert 0.8 < whole.mean() < 0.95  # amounts mostly whole rupees


def test_missing_values_gender_and_placeholder_in_real_proportions(frame: pd.DataFrame) -> None:
    for column, per_default in MISSING_PER_DEFAULT.items():
        assert frame[column].isna().sum() == round(per_default * ROWS / 1_048_567), column
    gender = frame["CustGender"].value_counts()
    assert gender["T"] == 1
    assert 0.69 < gender["M"] / ROWS < 0.75
    assert 0.045 < (frame["CustomerDOB"] == "1/1/1800").mean() < 0.065


def test_implausible_birth_years_are_present_but_rare(frame: pd.DataFrame) -> None:
    year = pd.to_numeric(frame["CustomerDOB"].str.split("/").str[2], errors="coerce")
    year = year[year < 100]
    assert 1975 <= 1900 + year.median() <= 1992  # real: 1987
    assert 0 < (year <= 13).mean() < 0.005  # born 2000-2013: too young


def test_transactions_per_customer_and_constant_customer_attributes(frame: pd.DataFrame) -> None:
    per_customer = frame["CustomerID"].value_counts()
    assert per_customer.max() <= 6
    assert 0.80 < (per_customer == 1).mean() < 0.88
    repeat = frame[frame["CustomerID"].isin(per_customer.index[per_customer > 1])]
    constant = repeat.groupby("CustomerID")[["CustomerDOB", "CustGender", "CustLocation"]].nunique(dropna=False)
    assert (constant == 1).all().all()


def test_money_is_heavy_tailed_around_the_real_medians(numbers: pd.DataFrame) -> None:
    balance, amount = numbers["balance"].dropna(), numbers["amount"]
    assert 10_000 < balance.median() < 30_000 and balance.mean() / balance.median() > 4
    assert 300 < amount.median() < 650 and amount.mean() / amount.median() > 2.5
    assert amount.max() > 100 * amount.median() and balance.max() > 1_000 * balance.median()
    assert (amount == 0).sum() > 0 and (balance == 0).sum() > 0  # zeros for cleaning to catch


def test_dates_lie_in_the_real_period(frame: pd.DataFrame) -> None:
    dates = pd.to_datetime(frame["TransactionDate"], format="%d/%m/%y")
    assert dates.min() >= pd.Timestamp("2016-08-01") and dates.max() <= pd.Timestamp("2016-10-21")
    assert 45 <= dates.nunique() <= 60


def test_locations_have_a_long_tail_led_by_big_cities(frame: pd.DataFrame) -> None:
    counts = frame["CustLocation"].value_counts()
    assert counts.index[0] == "MUMBAI" and 0.07 < counts.iloc[0] / ROWS < 0.13
    assert {"NEW DELHI", "BANGALORE", "GURGAON", "DELHI"} <= set(counts.index[:6])
    assert counts.size > 500 and (counts == 1).sum() > 100
    messy = counts.index[counts.index.str.contains(r"[a-z]|\s$|\s\s", regex=True)]
    assert len(messy) > 0  # something for cleaning to fix


def test_locations_with_commas_round_trip_through_read_csv(frame: pd.DataFrame, csv_path: Path) -> None:
    assert frame["CustLocation"].str.contains(",", regex=False).sum() > 0
    assert '"SECTOR ' in csv_path.read_text()  # commas are quoted
    back = pd.read_csv(csv_path, dtype=str)
    pd.testing.assert_frame_equal(back, frame, check_dtype=False)


def test_cli_writes_a_gzip_csv_that_pandas_reads_back(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "new" / "folder" / "tx.csv.gz"
    assert main(["--rows", "2000", "--seed", "3", "--out", str(out)]) == out
    assert "2,000 transactions" in capsys.readouterr().out
    assert gzip.decompress(out.read_bytes()).startswith(HEADER.encode())
    pd.testing.assert_frame_equal(pd.read_csv(out, dtype=str), generate_transactions(2000, 3), check_dtype=False)
    assert [p.name for p in out.parent.iterdir()] == ["tx.csv.gz"]  # no temp file left behind


def test_write_replaces_an_existing_file_with_plain_csv(tmp_path: Path) -> None:
    out = tmp_path / "tx.csv"
    out.write_text("old, half-written junk")
    write_transactions(generate_transactions(50, 1), out)
    assert out.read_text().startswith(HEADER + "\n")
    assert len(pd.read_csv(out)) == 50


def test_too_few_rows_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(DataError, match="at least 1; got 0"):
        generate_transactions(0)
    with pytest.raises(SystemExit):
        main(["--rows", "0"])
    assert "--rows must be at least 1" in capsys.readouterr().err


def test_spending_rises_with_balance_age_and_metro(numbers: pd.DataFrame) -> None:
    both = numbers[(numbers["balance"] > 0) & (numbers["amount"] > 0)]
    log_balance, log_amount = np.log10(both["balance"]), np.log10(both["amount"])
    assert 0.2 < np.corrcoef(log_balance, log_amount)[0, 1] < 0.6
    by_age = log_amount.groupby(pd.cut(both["age"], [17, 30, 45, 65])).median()
    assert by_age.iloc[1] - by_age.iloc[0] > 0.15  # middle-aged spend more than the young
    metro = both["location"].isin(["MUMBAI", "NEW DELHI", "BANGALORE", "GURGAON", "DELHI"])
    assert log_balance[metro].median() - log_balance[~metro].median() > 0.05


def test_hours_peak_in_the_evening_and_big_payments_lean_to_business_hours(numbers: pd.DataFrame) -> None:
    hour = numbers["hour"]
    assert hour.isin([19, 20, 21]).mean() > 0.3 and 0.03 < hour.isin([22, 23, 0, 1, 2, 3, 4, 5]).mean() < 0.15
    log_amount = np.log10(numbers["amount"].clip(lower=1))
    business, quiet = log_amount[hour.between(10, 17)], log_amount[hour.isin([22, 23, 0, 1, 2, 3, 4, 5])]
    assert business.median() - quiet.median() > 0.1


@pytest.mark.real
def test_distributions_are_close_to_the_real_rows(numbers: pd.DataFrame, real_csv: Path) -> None:
    real = pd.read_csv(real_csv, dtype=str)
    real_balance = pd.to_numeric(real["CustAccountBalance"])
    real_amount = pd.to_numeric(real["TransactionAmount (INR)"])
    assert 0.67 < numbers["balance"].median() / real_balance.median() < 1.5
    assert 0.67 < numbers["amount"].median() / real_amount.median() < 1.5
    real_hours = (real["TransactionTime"].astype(int) // 10_000).value_counts(normalize=True)
    ours = numbers["hour"].value_counts(normalize=True)
    assert 0.5 * ours.sub(real_hours, fill_value=0).abs().sum() < 0.05  # total variation distance
