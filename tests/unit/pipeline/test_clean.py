"""Cleaning: the clean schema, day-first dates and ages, every fix and exclusion counted, and the real rows."""

import csv
from datetime import date

import numpy as np
import pandas as pd
import pytest

from core.config import MAX_TEXT_LENGTH, RAW_COLUMNS, REAL_DATA_DIR
from core.errors import DataError
from core.pipeline.clean import CLEAN_COLUMNS, clean_transactions
from core.pipeline.load import load_transactions

TODAY = date(2024, 1, 1)
REAL_FILE = REAL_DATA_DIR / "bank_transactions_first20000.csv"
MIXED_FILE = REAL_DATA_DIR / "bank_transactions_first1500_mixed_formats.csv"
BASE = {
    "TransactionID": "T1",
    "CustomerID": "C1",
    "CustomerDOB": "10/1/94",
    "CustGender": "F",
    "CustLocation": "MUMBAI",
    "CustAccountBalance": "17819.05",
    "TransactionDate": "2/8/16",
    "TransactionTime": "143207",
    "TransactionAmount (INR)": "25",
}


def raw_frame(*rows: dict, columns=RAW_COLUMNS) -> pd.DataFrame:
    """A raw frame (all text) of rows that differ from BASE; transaction IDs default to T1, T2, ..."""
    records = [{**BASE, "TransactionID": f"T{i + 1}", **row} for i, row in enumerate(rows)]
    return pd.DataFrame(records, columns=list(columns), dtype="str")


def clean(*rows: dict, columns=RAW_COLUMNS, today=TODAY):
    return clean_transactions(raw_frame(*rows, columns=columns), today=today)


def counts(report) -> dict[str, int]:
    """Issue text -> count, for asserting on the report."""
    return {item.issue: item.count for item in report.items}


def count_of(report, fragment: str) -> int:
    """The count of the one item whose issue contains ``fragment`` (0 when there is none)."""
    found = [item.count for item in report.items if fragment in item.issue]
    assert len(found) <= 1, f"several items match {fragment!r}"
    return found[0] if found else 0


def assert_every_row_accounted_for(report, frame):
    assert report.rows_out == len(frame)
    assert report.rows_in - report.rows_out == sum(i.count for i in report.items if i.action == "excluded")


# ---------------------------------------------------------------------------------------------- schema


def test_clean_schema_matches_the_contract():
    frame, report = clean({})
    assert list(frame.columns) == list(CLEAN_COLUMNS)
    assert frame.dtypes.astype(str).to_dict() == {
        "transaction_id": "string",
        "customer_id": "string",
        "age": "float64",
        "gender": "string",
        "location": "string",
        "balance": "float64",
        "date": "datetime64[ns]",
        "hour": "float64",
        "amount": "float64",
    }
    row = frame.iloc[0]
    assert (row["transaction_id"], row["customer_id"], row["gender"], row["location"]) == ("T1", "C1", "F", "MUMBAI")
    assert row["date"] == pd.Timestamp("2016-08-02") and row["age"] == 22 and row["hour"] == 14
    assert row["balance"] == 17819.05 and row["amount"] == 25
    assert report.rows_in == report.rows_out == 1 and report.items == []


def test_input_frame_is_not_mutated():
    raw = raw_frame({"CustLocation": " pune "}, {"TransactionAmount (INR)": "-5"})
    before = raw.copy()
    clean_transactions(raw, today=TODAY)
    pd.testing.assert_frame_equal(raw, before)


def test_missing_required_column_and_empty_frame_are_refused():
    with pytest.raises(DataError, match="column 'TransactionDate' is missing; found: 'CustomerID'"):
        clean_transactions(pd.DataFrame({"CustomerID": ["C1"], "TransactionAmount (INR)": ["5"]}))
    with pytest.raises(DataError, match="the data has no rows"):
        clean_transactions(raw_frame().iloc[0:0])


# ---------------------------------------------------------------------------------------------- dates and ages


@pytest.mark.parametrize(
    "text", ["2/8/16", "02/08/2016", "2/8/2016", "02-08-2016", "2-8-16", "2.8.2016", "2016-08-02", " 2/8/16 "]
)
def test_transaction_dates_are_day_first(text):
    frame, _ = clean({"TransactionDate": text})
    assert frame["date"].iloc[0] == pd.Timestamp("2016-08-02")  # 2 August, never 8 February


@pytest.mark.parametrize(
    "dob, age",
    [
        ("2/8/96", 20.0),  # birthday on the transaction date
        ("3/8/96", 19.0),  # birthday the next day: still 19
        ("4/4/57", 59.0),
        ("10/1/1994", 22.0),
        ("5/5/60", 56.0),  # %y reads 2060: moved back to 1960
    ],
)
def test_age_is_whole_years_at_the_transaction_date(dob, age):
    frame, _ = clean({"CustomerDOB": dob})
    assert frame["age"].iloc[0] == age


def test_century_fixes_are_counted():
    frame, report = clean({"CustomerDOB": "5/5/60"}, {"CustomerDOB": "1/12/16"}, {"CustomerDOB": "10/1/94"})
    assert frame["age"].tolist()[:2] == [56.0, 99.0]  # 1/12/16 is after 2/8/16, so 1916
    assert count_of(report, "moved back 100 years") == 2


def test_unusable_birth_dates_leave_age_unknown_and_keep_the_customer():
    rows = [
        {"CustomerDOB": "1/1/1800"},
        {"CustomerDOB": "1/1/1800"},
        {"CustomerDOB": "nan"},
        {"CustomerDOB": "NaN"},
        {"CustomerDOB": "null"},
        {"CustomerDOB": ""},
        {"CustomerDOB": "31/2/80"},
        {"CustomerDOB": "someday"},
        {"CustomerDOB": "1/1/10"},
        {"CustomerDOB": "1/1/1900"},
        {"CustomerDOB": "1/1/2030"},
    ]
    frame, report = clean(*rows)
    assert len(frame) == len(rows) and frame["age"].isna().all()
    assert count_of(report, "1/1/1800 placeholder") == 2
    assert count_of(report, "missing birth dates") == 4
    assert count_of(report, "could not be read") == 2
    assert count_of(report, f"under {18} or over {100}") == 3  # age 6, 116, and a 4-digit year after the date
    assert count_of(report, "moved back 100 years") == 0  # four-digit years are taken as written


# ---------------------------------------------------------------------------------------------- categories


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("M", "M"),
        ("m", "M"),
        ("male", "M"),
        (" Male ", "M"),
        ("F", "F"),
        ("female", "F"),
        ("f", "F"),
        ("T", "other"),
        ("x", "other"),
        ("", "unknown"),
        ("nan", "unknown"),
    ],
)
def test_gender_is_normalised(raw, expected):
    frame, _ = clean({"CustGender": raw})
    assert frame["gender"].iloc[0] == expected


def test_gender_fixes_are_counted_by_kind():
    _, report = clean({"CustGender": "male"}, {"CustGender": "T"}, {"CustGender": ""}, {"CustGender": "M"})
    assert count_of(report, "written differently") == 1
    assert count_of(report, "grouped as 'other'") == 1
    assert count_of(report, "missing genders") == 1


def test_locations_are_trimmed_collapsed_and_upper_cased():
    frame, report = clean(
        {"CustLocation": "  navi   mumbai "},
        {"CustLocation": ""},
        {"CustLocation": "PUNE"},
        {"CustLocation": "Jorhat,\tAssam"},
    )
    assert frame["location"].tolist() == ["NAVI MUMBAI", "UNKNOWN", "PUNE", "JORHAT, ASSAM"]
    assert count_of(report, "locations tidied") == 2 and count_of(report, "missing locations") == 1


@pytest.mark.parametrize(
    "raw, hour",
    [
        ("143207", 14.0),
        ("5412", 0.0),
        ("0", 0.0),
        ("235959", 23.0),
        ("90000", 9.0),
        ("12:30:00", 12.0),
        ("7:05", 7.0),
        ("143207.0", 14.0),
    ],
)
def test_hour_from_hhmmss_without_leading_zeros(raw, hour):
    frame, _ = clean({"TransactionTime": raw})
    assert frame["hour"].iloc[0] == hour


def test_invalid_and_missing_times_leave_hour_empty():
    frame, report = clean(
        {"TransactionTime": "240000"}, {"TransactionTime": "1261"}, {"TransactionTime": "noon"}, {"TransactionTime": ""}
    )
    assert frame["hour"].isna().all() and len(frame) == 4
    assert count_of(report, "not HHMMSS") == 3 and count_of(report, "missing times") == 1


# ---------------------------------------------------------------------------------------------- money


@pytest.mark.parametrize(
    "raw, value",
    [
        ("1,234.50", 1234.5),
        ("₹500", 500.0),
        ("Rs. 500", 500.0),
        ("INR 1,000", 1000.0),
        ("$12", 12.0),
        (" 7 ", 7.0),
        ("1,23,456", 123456.0),
        ("12,50", 12.5),
        ("1.234,50", 1234.5),
        ("500/-", 500.0),
        ("1e3", 1000.0),
    ],
)
def test_amounts_with_separators_and_currency_are_read(raw, value):
    frame, _ = clean({"TransactionAmount (INR)": raw, "CustAccountBalance": raw})
    assert frame["amount"].iloc[0] == value and frame["balance"].iloc[0] == value


def test_tidied_amounts_are_counted():
    _, report = clean(
        {"TransactionAmount (INR)": "₹500"}, {"TransactionAmount (INR)": "1,234.50"}, {"TransactionAmount (INR)": "25"}
    )
    assert count_of(report, "amounts read after removing currency") == 2


def test_negative_and_zero_amounts_are_excluded_with_their_reason():
    frame, report = clean(
        {"TransactionAmount (INR)": "-5"},
        {"TransactionAmount (INR)": "0"},
        {"TransactionAmount (INR)": "(12)"},
        {"TransactionAmount (INR)": "10"},
    )
    assert frame["amount"].tolist() == [10.0]
    assert counts(report)["rows with a negative or zero amount (refunds/reversals are not spend)"] == 3
    assert_every_row_accounted_for(report, frame)


def test_negative_balances_are_kept_and_flagged():
    frame, report = clean({"CustAccountBalance": "-1,500.00"}, {"CustAccountBalance": "20"})
    assert frame["balance"].tolist() == [-1500.0, 20.0]
    assert [(i.action, i.count) for i in report.items if "overdraft" in i.issue] == [("flagged", 1)]


def test_unreadable_balances_become_missing_and_are_counted():
    frame, report = clean({"CustAccountBalance": "lots"}, {"CustAccountBalance": ""}, {"CustAccountBalance": "inf"})
    assert frame["balance"].isna().all() and len(frame) == 3
    assert count_of(report, "balances that are not numbers") == 1 and count_of(report, "missing balances") == 1
    assert count_of(report, "balances that are not a finite number") == 1  # 'inf' is treated as missing


def test_a_few_bad_amounts_exclude_their_rows():
    frame, report = clean(
        {"TransactionAmount (INR)": "abc"},
        {"TransactionAmount (INR)": ""},
        {"TransactionAmount (INR)": "5"},
        {"TransactionAmount (INR)": "6"},
        {"TransactionAmount (INR)": "7"},
    )
    assert frame["amount"].tolist() == [5.0, 6.0, 7.0]
    assert count_of(report, "amount is not a number") == 1 and count_of(report, "rows without an amount") == 1


def test_mostly_non_numeric_amounts_stop_with_examples():
    rows = [{"TransactionAmount (INR)": v} for v in ("abc", "twelve", "abc", "5")]
    with pytest.raises(
        DataError,
        match=r"column 'TransactionAmount \(INR\)' has values that are not numbers, "
        r"e\.g\. 'abc', 'twelve'",
    ):
        clean(*rows)


# ---------------------------------------------------------------------------------------------- exclusions


def test_rows_without_customer_id_are_excluded():
    frame, report = clean({"CustomerID": ""}, {"CustomerID": " "}, {"CustomerID": "NULL"}, {"CustomerID": "C9"})
    assert frame["customer_id"].tolist() == ["C9"]
    assert counts(report)["rows without a customer ID"] == 3


def test_unreadable_and_future_dates_are_excluded():
    frame, report = clean(
        {"TransactionDate": "32/8/16"},
        {"TransactionDate": "2/8/16"},
        {"TransactionDate": "2/8/25"},
        {"TransactionDate": ""},
    )
    assert frame["transaction_id"].tolist() == ["T2"]
    assert count_of(report, "could not be read (e.g. '32/8/16')") == 1
    assert count_of(report, "dated after today (01/01/2024)") == 1
    assert count_of(report, "without a transaction date") == 1
    assert_every_row_accounted_for(report, frame)


def test_no_readable_dates_stops_with_examples():
    with pytest.raises(
        DataError,
        match=r"no transaction dates could be read in column 'TransactionDate'; expected "
        r"day-first dates like 2/8/16 or 02-08-2016; examples found: 'Aug 2', 'soon'",
    ):
        clean({"TransactionDate": "Aug 2"}, {"TransactionDate": "soon"})


def test_all_future_dates_stop():
    with pytest.raises(DataError, match="every transaction date .* is after today"):
        clean({"TransactionDate": "2/8/16"}, today=date(2016, 8, 1))


def test_default_today_excludes_far_future_dates():
    frame, report = clean_transactions(raw_frame({"TransactionDate": "2/8/16"}, {"TransactionDate": "2/8/2099"}))
    assert len(frame) == 1 and count_of(report, "dated after today") == 1


def test_duplicates_are_excluded_and_counted_by_kind():
    frame, report = clean(
        {"TransactionID": "T1"},
        {"TransactionID": "T1"},
        {"TransactionID": "T1 "},
        {"TransactionID": "T1", "TransactionAmount (INR)": "99"},
        {"TransactionID": "T2"},
    )
    assert frame["transaction_id"].tolist() == ["T1", "T2"]
    assert frame["amount"].tolist() == [25.0, 25.0]  # the first T1 is kept
    assert count_of(report, "exact duplicate rows") == 2
    assert count_of(report, "reusing an earlier transaction ID") == 1
    assert_every_row_accounted_for(report, frame)


def test_each_excluded_row_is_counted_once_under_its_first_reason():
    frame, report = clean(
        {"CustomerID": "", "TransactionAmount (INR)": "-1"},
        {"TransactionDate": "bad", "TransactionAmount (INR)": "-1"},
        {},
    )
    assert len(frame) == 1
    assert count_of(report, "without a customer ID") == 1 and count_of(report, "could not be read") == 1
    assert count_of(report, "negative or zero") == 0
    assert_every_row_accounted_for(report, frame)


def test_nothing_left_is_a_clear_error():
    with pytest.raises(DataError, match="no usable transactions are left after cleaning .*1 rows without a customer"):
        clean({"CustomerID": ""})


# ---------------------------------------------------------------------------------------------- text safety


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("C1", "C1"),  # visible ASCII at both ends: returned as it is
        ("\u00a0C1", "C1"),  # no-break space before, visible ASCII after
        ("C1\u3000", "C1"),  # ideographic space after
        ("\tC1\x1f", "C1"),  # control characters on both sides
        ("\u00e91 ", "\u00e91"),  # a non-ASCII first letter is kept, the space after is not
        ("C 1", "C 1"),  # inner spaces stay
    ],
)
def test_ids_lose_every_kind_of_surrounding_space_and_nothing_else(written, expected):
    frame, _ = clean({"CustomerID": written, "TransactionID": f" {written} "})
    assert frame["customer_id"].tolist() == [expected]
    assert frame["transaction_id"].tolist() == [expected]


def test_very_long_text_is_cut_and_counted():
    long_location = "MUMBAI " * 100
    frame, report = clean({"CustLocation": long_location}, {"CustomerID": "C" * 1_000})
    assert frame["location"].str.len().max() == MAX_TEXT_LENGTH
    assert frame["customer_id"].iloc[1] == "C" * MAX_TEXT_LENGTH
    assert count_of(report, "CustLocation values longer than") == 1
    assert count_of(report, "CustomerID values longer than") == 1


@pytest.mark.parametrize(
    "value", ['=HYPERLINK("http://x","click")', "+cmd|' /C calc'!A0", "@SUM(A1:A2)", "-2+3", "\t=1+1", "\r=1"]
)
def test_formula_like_text_is_kept_as_text_and_flagged(value):
    frame, report = clean({"CustLocation": value})
    assert frame["location"].iloc[0] == value.strip().upper()
    assert [(i.action, i.count) for i in report.items if "spreadsheet formulas" in i.issue] == [("flagged", 1)]


def test_negative_numbers_in_money_columns_are_not_formulas():
    _, report = clean({"CustAccountBalance": "-5", "TransactionAmount (INR)": "5"})
    assert count_of(report, "spreadsheet formulas") == 0


# ---------------------------------------------------------------------------------------------- optional columns


def test_absent_optional_columns_are_noted_and_filled():
    frame, report = clean({}, columns=["CustomerID", "TransactionDate", "TransactionAmount (INR)"])
    assert list(frame.columns) == list(CLEAN_COLUMNS)
    row = frame.iloc[0]
    assert pd.isna(row["transaction_id"]) and frame["transaction_id"].dtype == "string"
    assert np.isnan(row["age"]) and np.isnan(row["balance"]) and np.isnan(row["hour"])
    assert (row["gender"], row["location"]) == ("unknown", "UNKNOWN")
    notes = [i.issue for i in report.items if i.action == "note"]
    assert "no CustomerDOB column: age is left out" in notes and len(notes) == 6


def test_extra_columns_from_the_loader_are_noted():
    raw = load_transactions(b"CustomerID,TransactionDate,TransactionAmount (INR),Branch\nC1,2/8/16,5,north\n")
    _, report = clean_transactions(raw, today=TODAY)
    assert [(i.column, i.action) for i in report.items if "Branch" in i.issue] == [("Branch", "note")]


# ---------------------------------------------------------------------------------------------- bad-input corpus

CORPUS_HEADER = ",".join(RAW_COLUMNS)
GOOD_ROW = "T1,C1,10/1/94,F,MUMBAI,100,2/8/16,143207,25"


@pytest.mark.parametrize(
    "body, message",
    [
        pytest.param(
            "T1,C1,10/1/94,F,MUMBAI,100,someday,143207,25", "no transaction dates could be read", id="no-dates"
        ),
        pytest.param(
            "T1,C1,10/1/94,F,MUMBAI,100,2/8/16,143207,lots", "has values that are not numbers", id="amount-not-number"
        ),
        pytest.param("T1,,10/1/94,F,MUMBAI,100,2/8/16,143207,25", "no usable transactions are left", id="no-customer"),
        pytest.param("T1,C1,10/1/94,F,MUMBAI,100,2/8/16,143207,-25", "negative or zero amount", id="negative-amount"),
    ],
)
def test_corpus_of_unusable_files(body, message):
    raw = load_transactions(f"{CORPUS_HEADER}\n{body}\n".encode())
    with pytest.raises(DataError, match=message):
        clean_transactions(raw, today=TODAY)


def test_corpus_semicolon_latin1_file_end_to_end():
    text = f'{CORPUS_HEADER}\n{GOOD_ROW}\nT2,C2,1/1/1800,M,BENGALURU – Café,"1,234.50",3/8/16,5412,Rs. 500\n'
    raw = load_transactions(text.replace(",", ";").replace('"1;234.50"', '"1,234.50"').encode("cp1252"))
    frame, report = clean_transactions(raw, today=TODAY)
    assert frame["location"].tolist() == ["MUMBAI", "BENGALURU – CAFÉ"]
    assert frame["balance"].tolist() == [100.0, 1234.5] and frame["amount"].tolist() == [25.0, 500.0]
    assert count_of(report, "1/1/1800 placeholder") == 1


# ---------------------------------------------------------------------------------------------- real rows

real = pytest.mark.skipif(
    not (REAL_FILE.exists() and MIXED_FILE.exists()), reason="real rows not available (../shared/data/real is absent)"
)


def read_real_rows(path) -> list[dict[str, str]]:
    """The raw rows with the csv module: an independent view of the file."""
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def real_clean():
    if not REAL_FILE.exists():
        pytest.skip("real rows not available (../shared/data/real is absent)")
    return clean_transactions(load_transactions(REAL_FILE), today=TODAY)


@pytest.mark.real
@real
def test_real_rows_every_row_accounted_for(real_clean):
    frame, report = real_clean
    assert report.rows_in == 20_000
    assert_every_row_accounted_for(report, frame)
    rows = read_real_rows(REAL_FILE)
    assert count_of(report, "negative or zero") == sum(float(r["TransactionAmount (INR)"]) <= 0 for r in rows)


@pytest.mark.real
@real
def test_real_placeholder_count_matches_the_raw_text(real_clean):
    _, report = real_clean
    text = REAL_FILE.read_text(encoding="utf-8")
    in_text = text.count(",1/1/1800,")  # grep-like count of the placeholder cells
    rows = read_real_rows(REAL_FILE)
    on_excluded_rows = sum(r["CustomerDOB"] == "1/1/1800" and float(r["TransactionAmount (INR)"]) <= 0 for r in rows)
    assert in_text > 1_000
    # fixes are counted on the rows that are kept; the placeholder rows that are excluded (zero amount) are not
    assert count_of(report, "1/1/1800 placeholder") == in_text - on_excluded_rows


@pytest.mark.real
@real
def test_real_century_fixes_match_an_independent_count(real_clean):
    _, report = real_clean
    expected = 0
    for r in read_real_rows(REAL_FILE):
        parts = r["CustomerDOB"].split("/")
        if len(parts) != 3 or len(parts[2]) != 2 or float(r["TransactionAmount (INR)"]) <= 0:
            continue
        d, m, y = (int(p) for p in parts)
        td, tm, ty = (int(p) for p in r["TransactionDate"].split("/"))
        born = date(2000 + y if y <= 68 else 1900 + y, m, d)
        expected += born > date(2000 + ty, tm, td)
    assert expected > 100 and count_of(report, "moved back 100 years") == expected


@pytest.mark.real
@real
def test_real_ages_are_plausible_or_unknown(real_clean):
    frame, _ = real_clean
    ages = frame["age"].dropna()
    assert ages.between(18, 100).all() and (ages == ages.round()).all()
    assert frame["age"].isna().sum() > 1_000  # placeholders and gaps are unknown, not guessed
    assert frame["date"].between(pd.Timestamp("2016-08-01"), pd.Timestamp("2016-10-21")).all()
    assert frame["hour"].between(0, 23).all()


@pytest.mark.real
@real
def test_mixed_formats_give_the_same_dates_and_ages(real_clean):
    frame, _ = real_clean
    mixed, _ = clean_transactions(load_transactions(MIXED_FILE), today=TODAY)
    first = frame[frame["transaction_id"].str.slice(1).astype(int) <= 1_500].reset_index(drop=True)
    assert len(mixed) == len(first) > 1_490
    pd.testing.assert_frame_equal(mixed, first)  # dates, ages and every other column
