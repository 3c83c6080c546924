"""Turn the raw text frame into typed, clean transactions and a QualityReport that counts every change.

Decisions (each one is counted in the report: nothing is dropped or changed silently):

- Dates are day-first: ``d/m/yy``, ``d/m/yyyy``, ``dd-mm-yyyy``, ``d.m.yyyy`` and ISO ``yyyy-mm-dd``.
  Every distinct string is parsed once with an explicit pattern and mapped back to the rows; a parser that
  guesses reads ``2/8/16`` as 8 February.
- Two-digit years follow Python's ``%y`` (00-68 are 2000-2068, 69-99 are 1969-1999). A birth date that lands
  after its transaction date moves back 100 years ("century fix"); four-digit years are taken as written.
- Age is whole years at the transaction date. It is left unknown (NaN), never guessed and never a reason to
  drop a customer, for the ``1/1/1800`` placeholder, missing birth dates (empty, ``nan``, ``null``),
  unreadable ones, and ages under 18 or over 100.
- Amounts of zero or less are excluded: refunds, reversals and zero-value entries are not spend, and the
  segments describe how customers spend. Negative balances are kept and flagged: overdrafts are real.
- Rows are excluded for: no customer ID, no or unreadable transaction date, a date after ``today`` or
  before ``MIN_TRANSACTION_DATE`` (1/1/1980), no amount, a non-finite one (``inf``, ``1e400``: treated as
  missing) or one that is not a number, an amount of zero or less or above ``MAX_AMOUNT_INR``, an exact copy
  of an earlier row, or a transaction ID already used by an earlier row with different content (the first
  one is kept). Each excluded row is counted once, under the first of these reasons that applies.
- Balances that are not finite, or beyond ``MAX_BALANCE_INR`` either way, are left empty (like unreadable
  ones): the transaction itself is still spend.
- Text cells longer than ``MAX_TEXT_LENGTH`` are cut; cells that look like spreadsheet formulas
  (``=HYPERLINK(...)``, ``+cmd``, ``@SUM(...)``) are kept as plain text and flagged (exports neutralise them).
- Missing values are written ``""``, ``nan``, ``NaN``, ``null``, ``None``, ``NA``, ``N/A`` or ``#N/A`` alike,
  in every column.
- Value fixes are counted on the rows that are kept, so every count describes the clean data.

Speed: every check runs once per distinct value of a column and is mapped back to the rows through integer
codes, so a million rows clean in about a second.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from core.config import (
    MAX_AGE,
    MAX_AMOUNT_INR,
    MAX_BALANCE_INR,
    MAX_TEXT_LENGTH,
    MIN_AGE,
    MIN_TRANSACTION_DATE,
    OPTIONAL_COLUMNS,
    PLACEHOLDER_DOB_YEAR,
    RAW_COLUMNS,
    REQUIRED_COLUMNS,
)
from core.errors import DataError
from core.pipeline.load import missing_columns_message, quote_values
from core.pipeline.quality import QualityReport

CLEAN_COLUMNS: tuple[str, ...] = (
    "transaction_id",
    "customer_id",
    "age",
    "gender",
    "location",
    "balance",
    "date",
    "hour",
    "amount",
)
MISSING_TOKENS = frozenset({"", "nan", "null", "none", "na", "n/a", "#n/a"})  # compared in lower case
FORMULA_STARTS = ("=", "+", "-", "@")  # after stripping spaces; a leading tab or CR is checked on the raw text
TEXT_COLUMNS: tuple[str, ...] = ("TransactionID", "CustomerID", "CustLocation")  # kept as text in the output
MAX_LISTED_COLUMNS = 10  # more ignored columns than this are summarised in one report line
MAX_BAD_AMOUNT_SHARE = 0.5  # beyond this the column is probably not an amount at all: stop and say so

# Regular expressions run in Arrow's RE2 engine (where \d is ASCII only); groups must be named.
# Day-first dates; separators are captured so that mixed ones ('2/8-16') can be refused.
DAY_FIRST = r"^(?P<day>\d{1,2})(?P<sep1>[/.-])(?P<month>\d{1,2})(?P<sep2>[/.-])(?P<year>\d{4}|\d{2})$"
ISO_DATE = (
    r"^(?P<year>\d{4})(?P<sep1>[/.-])(?P<month>\d{1,2})(?P<sep2>[/.-])(?P<day>\d{1,2})"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d*)?)?)?$"
)
COMPACT_TIME = r"^(?P<hhmmss>\d{1,6})(?:\.0*)?$"  # 143207, 5412 (00:54:12), 0; '.0' from spreadsheets
CLOCK_TIME = r"^(?P<hh>\d{1,2}):(?P<mm>\d{2})(?::(?P<ss>\d{2})(?:\.\d*)?)?$"
PLAIN_NUMBER = r"^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$"
# Currency signs and words, spaces of any kind, and the Indian "/-" suffix of round amounts.
MONEY_NOISE = r"(?i)₹|\$|€|£|\brs\b\.?|\binr\b|\busd\b|\beur\b|/-$|\s"
GROUPED_NUMBER = r"^[-+]?\d{1,3}(?:,\d{2,3})*,\d{3}(?:\.\d+)?$"  # 1,234.50 and Indian 1,23,456.00
DECIMAL_COMMA = r"^[-+]?\d+,\d{1,2}$"  # 12,50
EUROPEAN_NUMBER = r"^[-+]?\d{1,3}(?:\.\d{3})+(?:,\d+)?$"  # 1.234,50 and 1.234.567

MISSING_COLUMN_NOTES = {
    "TransactionID": "no TransactionID column: duplicate transactions cannot be detected",
    "CustomerDOB": "no CustomerDOB column: age is left out",
    "CustGender": "no CustGender column: gender is 'unknown'",
    "CustLocation": "no CustLocation column: location is 'UNKNOWN'",
    "CustAccountBalance": "no CustAccountBalance column: balance is left out",
    "TransactionTime": "no TransactionTime column: hour of day is left out",
}


# ---------------------------------------------------------------------------------------------- coded text


@dataclass
class CodedText:
    """A text column as integer codes into its distinct values, so each check runs once per distinct value."""

    codes: np.ndarray  # one per row; -1 where the cell is missing
    values: pd.Series  # the distinct values stripped of surrounding spaces (missing spellings set to missing)
    raw: pd.Series  # the distinct values as written

    def rows(self, per_value: np.ndarray, fill: object = False) -> np.ndarray:
        """Spread a per-value array to the rows (``fill`` where the cell is missing)."""
        return np.append(np.asarray(per_value), np.asarray([fill], dtype=np.asarray(per_value).dtype))[self.codes]

    @property
    def missing(self) -> np.ndarray:
        """True for rows whose cell is missing."""
        return self.codes < 0


def as_arrow(values: pd.Series) -> pa.Array:
    """The values as one Arrow string array (no copy for pandas' Arrow-backed strings)."""
    text = values if isinstance(values.dtype, pd.StringDtype) else values.astype("str")
    array = pa.array(text, type=pa.large_string())
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def code_text(series: pd.Series) -> CodedText:
    """Factorise a column, strip the distinct values, and treat the missing-value spellings as missing."""
    encoded = as_arrow(series).dictionary_encode()  # Arrow's hashing: about twice as fast as pd.factorize
    codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    raw = encoded.dictionary.to_pandas()
    values = raw.str.strip()
    blank = values.str.lower().isin(MISSING_TOKENS).to_numpy()
    codes = np.where((codes >= 0) & np.append(blank, True)[codes], -1, codes)
    return CodedText(codes=codes, values=values.mask(blank), raw=raw)


def recode_text(coded: CodedText, values: pd.Series) -> CodedText:
    """Replace the distinct values by cleaned ones, merging values that became equal (e.g. 'T1' and 'T1 ')."""
    new_codes, uniques = pd.factorize(values)
    codes = np.where(coded.codes >= 0, np.append(new_codes, -1)[coded.codes], -1)
    return CodedText(codes=codes, values=pd.Series(uniques, dtype="str"), raw=pd.Series(uniques, dtype="str"))


def text_series(coded: CodedText, fill: str | None = None) -> pd.Series:
    """The rows' text as a 'string' column, with ``fill`` (or missing) where the cell is missing."""
    values = coded.values
    codes = coded.codes
    if fill is not None:
        values = pd.concat([values, pd.Series([fill], dtype="str")], ignore_index=True)
        codes = np.where(codes < 0, len(values) - 1, codes)
    taken = pa.array(values, type=pa.string()).take(pa.array(codes, mask=codes < 0))
    return pd.Series(pd.array(taken, dtype="string"))


def missing_series(n: int, dtype: str) -> pd.Series:
    """A column of n missing values of the given dtype."""
    if dtype == "string":
        return pd.Series(pd.array([pd.NA] * n, dtype="string"))
    return pd.Series(np.full(n, np.nan), dtype=dtype)


# ---------------------------------------------------------------------------------------------- parsers


def extract(values: pd.Series, pattern: str) -> dict[str, np.ndarray]:
    """The named groups of a regular expression per value, as object arrays (None where it does not match)."""
    matches = pc.extract_regex(as_arrow(values), pattern)
    names = [matches.type.field(i).name for i in range(matches.type.num_fields)]
    return {name: field.to_numpy(zero_copy_only=False) for name, field in zip(names, matches.flatten(), strict=True)}


def to_ints(digits: np.ndarray) -> np.ndarray:
    """Strings of ASCII digits (or None, or '' for an optional group that did not match) -> int64, 0 if absent."""
    text = pa.array(digits, type=pa.large_string())
    text = pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.large_string()), text)
    return pc.cast(text, pa.int64()).fill_null(0).to_numpy()


def parse_dates(values: pd.Series) -> pd.DataFrame:
    """Day-first or ISO dates -> columns year, month, day (0 when unreadable) and two_digit_year."""
    day_first = extract(values, DAY_FIRST)
    iso = extract(values, ISO_DATE)
    use_day = pd.notna(day_first["year"]) & (day_first["sep1"] == day_first["sep2"])
    use_iso = ~use_day & pd.notna(iso["year"]) & (iso["sep1"] == iso["sep2"])
    pick = {
        part: np.where(use_day, day_first[part], np.where(use_iso, iso[part], None))
        for part in ("year", "month", "day")
    }
    two_digit = use_day & (pd.Series(day_first["year"], dtype="str").str.len() == 2).to_numpy(dtype=bool)
    year = to_ints(pick["year"])
    year = np.where(two_digit, np.where(year <= 68, 2000 + year, 1900 + year), year)  # Python's %y pivot
    month, day = to_ints(pick["month"]), to_ints(pick["day"])
    valid = is_real_date(year, month, day)
    return pd.DataFrame(
        {
            "year": np.where(valid, year, 0),
            "month": np.where(valid, month, 0),
            "day": np.where(valid, day, 0),
            "two_digit_year": two_digit & valid,
        }
    )


def is_real_date(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """True where year-month-day is a calendar date (no 31 February) within the datetime64[ns] range."""
    ok = (year >= 1678) & (year <= 2261) & (month >= 1) & (month <= 12) & (day >= 1)
    months = (np.where(ok, year, 2000) - 1970) * 12 + np.where(ok, month, 1) - 1
    first = months.astype("datetime64[M]").astype("datetime64[D]")
    days_in_month = ((months + 1).astype("datetime64[M]").astype("datetime64[D]") - first).astype("int64")
    return ok & (day <= days_in_month)


def to_datetimes(parts: pd.DataFrame) -> np.ndarray:
    """Year/month/day columns -> datetime64[ns] (NaT where the date was unreadable)."""
    valid = parts["year"].to_numpy() > 0
    months = (np.where(valid, parts["year"], 1970) - 1970) * 12 + np.where(valid, parts["month"], 1) - 1
    days = months.astype("datetime64[M]").astype("datetime64[D]") + (np.where(valid, parts["day"], 1) - 1)
    return np.where(valid, days.astype("datetime64[ns]"), np.datetime64("NaT", "ns"))


def parse_numbers(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Text -> float (NaN when not a number) and whether the text needed tidying ('₹1,234.50', '(12)')."""
    numbers, tidied, _ = read_numbers(values)
    return numbers, tidied


def read_numbers(values: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Like ``parse_numbers``, plus which values read as a number that is not finite ('inf', '1e400').

    Non-finite numbers become NaN: the cleaner treats them as missing, never as a huge amount.
    """
    text = as_arrow(values)
    simple = pc.match_substring_regex(text, PLAIN_NUMBER).fill_null(False)
    plain = np.full(len(values), np.nan)
    plain[simple.to_numpy(zero_copy_only=False)] = pc.cast(text.filter(simple), pa.float64()).to_numpy()
    retry = np.isnan(plain) & values.notna().to_numpy()
    tidied = np.zeros(len(values), dtype=bool)
    if retry.any():
        numbers = parse_formatted_numbers(values[retry])
        plain[retry] = numbers
        tidied[retry] = ~np.isnan(numbers)
    non_finite = np.isinf(plain)  # 'inf', '-Infinity', '1e400' (overflows float64)
    plain[~np.isfinite(plain)] = np.nan
    return plain, tidied & ~non_finite, non_finite


def parse_formatted_numbers(values: pd.Series) -> np.ndarray:
    """Numbers written with currency, spaces, thousands separators, decimal commas or accounting brackets."""
    text = values.str.replace(MONEY_NOISE, "", regex=True)
    text = text.str.replace(r"^\((.+)\)$", r"-\1", regex=True)  # accounting negative: (1,234.50)
    grouped = text.str.contains(GROUPED_NUMBER, regex=True).fillna(False)
    comma = text.str.contains(DECIMAL_COMMA, regex=True).fillna(False)
    european = text.str.contains(EUROPEAN_NUMBER, regex=True).fillna(False)
    text = text.where(~grouped, text.str.replace(",", "", regex=False))
    text = text.where(~comma, text.str.replace(",", ".", regex=False))
    text = text.where(~european, text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False))
    return pd.to_numeric(text, errors="coerce").to_numpy(dtype="float64")


def parse_hours(values: pd.Series) -> np.ndarray:
    """HHMMSS integers without leading zeros (5412 = 00:54:12) or HH:MM[:SS] -> hour (NaN when invalid)."""
    compact = extract(values, COMPACT_TIME)["hhmmss"]
    number = to_ints(compact)
    hh, mm, ss = number // 10_000, number // 100 % 100, number % 100
    hour = np.where(pd.notna(compact) & (hh < 24) & (mm < 60) & (ss < 60), hh, np.nan)
    clock = extract(values, CLOCK_TIME)
    c_hh, c_mm, c_ss = to_ints(clock["hh"]), to_ints(clock["mm"]), to_ints(clock["ss"])
    clock_ok = pd.notna(clock["hh"]) & (c_hh < 24) & (c_mm < 60) & (c_ss < 60)
    return np.where(clock_ok, c_hh, hour).astype("float64")


def looks_like_formula(coded: CodedText) -> np.ndarray:
    """Per distinct value: would a spreadsheet run it as a formula (=, +, -, @, or a leading tab or CR)?"""
    stripped = coded.values.str.startswith(FORMULA_STARTS).fillna(False).to_numpy(dtype=bool)
    control = coded.raw.str.startswith(("\t", "\r")).fillna(False).to_numpy(dtype=bool)
    return stripped | control


# ---------------------------------------------------------------------------------------------- checks


def check_columns(raw: pd.DataFrame) -> None:
    """Refuse frames without the required columns or without rows."""
    missing = [c for c in REQUIRED_COLUMNS if c not in raw.columns]
    if missing:
        raise DataError(missing_columns_message(missing, [str(c) for c in raw.columns]))
    if raw.empty:
        raise DataError("there are no transactions to clean: the data has no rows")
    repeated = raw.columns[raw.columns.duplicated()]
    if len(repeated):
        raise DataError(f"column {quote_values(repeated)} appears more than once; keep one of each")


def exclude(keep: np.ndarray, mask: np.ndarray, report: QualityReport, column: str, issue: str) -> None:
    """Drop the still-kept rows that match ``mask`` and count them under this reason."""
    hit = keep & mask
    report.add(column, issue, "excluded", hit.sum())
    keep &= ~hit


def examples(coded: CodedText, per_value: np.ndarray) -> str:
    """A few distinct values where ``per_value`` is True and some row uses them, quoted for a message."""
    used = np.zeros(len(coded.values), dtype=bool)
    used[coded.codes[coded.codes >= 0]] = True
    return quote_values(coded.values[per_value & used].dropna().head(5).tolist(), limit=5)


def read_transaction_dates(coded: CodedText, today: date) -> tuple[np.ndarray, pd.DataFrame]:
    """Parse TransactionDate once per distinct value; refuse a column where no date (or no past date) reads."""
    parts = parse_dates(coded.values)
    readable = parts["year"].to_numpy() > 0
    if not readable.any():
        found = "none (the column is empty)" if coded.missing.all() else examples(coded, ~readable)
        raise DataError(
            "no transaction dates could be read in column 'TransactionDate'; expected day-first "
            f"dates like 2/8/16 or 02-08-2016; examples found: {found}"
        )
    dates = to_datetimes(parts)
    if not (readable & (dates <= np.datetime64(today, "ns"))).any():
        raise DataError(
            f"every transaction date in column 'TransactionDate' is after today ({today:%d/%m/%Y}), "
            f"e.g. {examples(coded, readable)}; check that the dates are day-first "
            "(2/8/16 is 2 August 2016) and that the right file was chosen"
        )
    return dates, parts


def read_amounts(coded: CodedText) -> tuple[np.ndarray, np.ndarray]:
    """Parse the amounts once per distinct value (and mark the non-finite ones); refuse a column that is
    mostly not numbers."""
    column = "TransactionAmount (INR)"
    numbers, _, non_finite = read_numbers(coded.values)
    row_numbers = coded.rows(numbers, np.nan)
    row_non_finite = coded.rows(non_finite)
    present = ~coded.missing
    unreadable = present & np.isnan(row_numbers) & ~row_non_finite
    if not present.any():
        raise DataError(f"column '{column}' is empty: every transaction needs an amount")
    if unreadable.sum() > MAX_BAD_AMOUNT_SHARE * present.sum():
        raise DataError(
            f"column '{column}' has values that are not numbers, e.g. "
            f"{examples(coded, np.isnan(numbers) & ~non_finite)}; amounts should look like 1234.50, "
            "1,234.50 or ₹500"
        )
    return row_numbers, row_non_finite


def find_duplicates(tid: CodedText, content: list[CodedText], keep: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Among kept rows: exact copies of an earlier row, and later rows reusing a transaction ID differently."""
    n = len(keep)
    exact = np.zeros(n, dtype=bool)
    conflict = np.zeros(n, dtype=bool)
    ids = np.where(keep, tid.codes, -1)
    counts = np.bincount(ids[ids >= 0], minlength=len(tid.values))
    rows = np.flatnonzero((ids >= 0) & (np.append(counts, 0)[ids] > 1))  # only rows whose ID repeats
    if len(rows) == 0:
        return exact, conflict
    frame = pd.DataFrame({i: c.codes[rows] for i, c in enumerate(content)})
    is_copy = frame.duplicated(keep="first").to_numpy()
    exact[rows[is_copy]] = True
    others = rows[~is_copy]
    conflict[others[pd.Series(ids[others]).duplicated(keep="first").to_numpy()]] = True
    return exact, conflict


# ---------------------------------------------------------------------------------------------- columns


def prepare_columns(coded: dict[str, CodedText]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Mark formula-like text, cut over-long text, and merge values equal once stripped ('T1 ' is 'T1').

    Runs before duplicates are looked for. Returns per-row (formula-like, cut) marks of the text columns.
    """
    marks = {}
    for column, text in coded.items():
        values = text.values
        if column in TEXT_COLUMNS:
            too_long = (values.str.len() > MAX_TEXT_LENGTH).fillna(False).to_numpy(dtype=bool)
            marks[column] = (text.rows(looks_like_formula(text)), text.rows(too_long))
            values = values.str.slice(0, MAX_TEXT_LENGTH) if too_long.any() else values
        if ((values != text.raw) & values.notna()).any():  # only then can two distinct values have become one
            coded[column] = recode_text(text, values)
    return marks


def count_text_marks(marks: dict[str, tuple[np.ndarray, np.ndarray]], keep: np.ndarray, report: QualityReport) -> None:
    """Count formula-like and cut values on the kept rows."""
    for column, (formula, cut) in marks.items():
        report.add(
            column,
            f"{column} values that look like spreadsheet formulas (e.g. '=HYPERLINK(...)'): kept as plain text",
            "flagged",
            (formula & keep).sum(),
        )
        report.add(
            column,
            f"{column} values longer than {MAX_TEXT_LENGTH} characters cut to {MAX_TEXT_LENGTH}",
            "fixed",
            (cut & keep).sum(),
        )


def clean_location(coded: CodedText, report: QualityReport) -> pd.Series:
    """Upper case, single spaces; UNKNOWN where missing."""
    tidy = coded.values.str.replace(r"\s+", " ", regex=True).str.strip().str.upper()
    changed = (tidy != coded.values).to_numpy(dtype=bool) & coded.values.notna().to_numpy()
    report.add("CustLocation", "locations tidied (upper case, single spaces)", "fixed", coded.rows(changed).sum())
    report.add("CustLocation", "missing locations set to UNKNOWN", "fixed", coded.missing.sum())
    return text_series(recode_text(coded, tidy), fill="UNKNOWN")


def clean_gender(coded: CodedText, report: QualityReport) -> pd.Series:
    """M / F / other / unknown."""
    upper = coded.values.str.upper()
    male = upper.isin(["M", "MALE"]).to_numpy()
    female = upper.isin(["F", "FEMALE"]).to_numpy()
    respelled = (male | female) & ~coded.values.isin(["M", "F"]).to_numpy()
    other = ~(male | female)
    report.add(
        "CustGender",
        "genders written differently (e.g. 'male', 'f') set to M or F",
        "fixed",
        coded.rows(respelled).sum(),
    )
    report.add(
        "CustGender",
        f"genders other than M or F (e.g. {examples(coded, other)}) grouped as 'other'",
        "fixed",
        coded.rows(other).sum(),
    )
    report.add("CustGender", "missing genders set to 'unknown'", "fixed", coded.missing.sum())
    labels = pd.Series(np.where(male, "M", np.where(female, "F", "other")), dtype="str")
    return text_series(CodedText(coded.codes, labels, labels), fill="unknown")


def clean_balance(coded: CodedText, report: QualityReport) -> np.ndarray:
    """Balances as floats: unreadable ones left empty, negative ones (overdrafts) kept and flagged."""
    numbers, tidied, non_finite = read_numbers(coded.values)
    column = "CustAccountBalance"
    unreadable = np.isnan(numbers) & ~non_finite
    too_large = np.abs(numbers) > MAX_BALANCE_INR
    numbers = np.where(too_large, np.nan, numbers)
    report.add(
        column,
        "balances read after removing currency signs or separators (e.g. '₹1,234.50')",
        "fixed",
        coded.rows(tidied & ~too_large).sum(),
    )
    report.add(
        column,
        f"balances that are not numbers (e.g. {examples(coded, unreadable)}) left empty",
        "fixed",
        coded.rows(unreadable).sum(),
    )
    report.add(
        column,
        "balances that are not a finite number (e.g. 'inf' or '1e400'): treated as missing",
        "fixed",
        coded.rows(non_finite).sum(),
    )
    report.add(
        column,
        f"balances above {MAX_BALANCE_INR:,.0f} INR or below -{MAX_BALANCE_INR:,.0f} INR (not plausible) left empty",
        "fixed",
        coded.rows(too_large).sum(),
    )
    report.add(column, "missing balances left empty", "flagged", coded.missing.sum())
    balance = coded.rows(numbers, np.nan)
    report.add(column, "negative balances (overdrafts) kept", "flagged", (balance < 0).sum())
    return balance


def clean_hour(coded: CodedText, report: QualityReport) -> np.ndarray:
    """Hour of day from HHMMSS or HH:MM:SS; missing or invalid times leave it empty."""
    hours = parse_hours(coded.values)
    bad = np.isnan(hours)
    report.add(
        "TransactionTime",
        f"times that are not HHMMSS (e.g. {examples(coded, bad)}): hour left empty",
        "fixed",
        coded.rows(bad).sum(),
    )
    report.add("TransactionTime", "missing times: hour left empty", "flagged", coded.missing.sum())
    return coded.rows(hours, np.nan)


def compute_ages(coded: CodedText, dates: np.ndarray, report: QualityReport) -> np.ndarray:
    """Whole years at the transaction date; unknown (NaN) for placeholder, missing, unreadable or implausible."""
    parts = parse_dates(coded.values)
    year, month, day = (coded.rows(parts[c].to_numpy(), 0) for c in ("year", "month", "day"))
    two_digit = coded.rows(parts["two_digit_year"].to_numpy())
    dt = pd.DatetimeIndex(dates)
    t_year, t_month, t_day = dt.year.to_numpy(), dt.month.to_numpy(), dt.day.to_numpy()
    missing = coded.missing
    placeholder = ~missing & (year == PLACEHOLDER_DOB_YEAR)
    unreadable = ~missing & (year == 0)
    born_later = (year * 10_000 + month * 100 + day) > (t_year * 10_000 + t_month * 100 + t_day)
    century = two_digit & born_later
    year = np.where(century, year - 100, year)
    age = t_year - year - ((t_month * 100 + t_day) < (month * 100 + day))
    usable = ~(missing | placeholder | unreadable)
    implausible = usable & ((age < MIN_AGE) | (age > MAX_AGE))
    column = "CustomerDOB"
    report.add(
        column,
        "two-digit birth years moved back 100 years (e.g. 1/1/60 is 1960, not 2060)",
        "fixed",
        (century & usable).sum(),
    )
    report.add(
        column,
        f"birth dates that are the 1/1/{PLACEHOLDER_DOB_YEAR} placeholder: age set to unknown",
        "fixed",
        placeholder.sum(),
    )
    report.add(column, "missing birth dates (empty or 'nan'): age set to unknown", "fixed", missing.sum())
    report.add(
        column,
        f"birth dates that could not be read (e.g. {examples(coded, parts['year'].to_numpy() == 0)})"
        ": age set to unknown",
        "fixed",
        unreadable.sum(),
    )
    report.add(column, f"ages under {MIN_AGE} or over {MAX_AGE}: age set to unknown", "fixed", implausible.sum())
    return np.where(usable & ~implausible, age, np.nan).astype("float64")


# ---------------------------------------------------------------------------------------------- main


def clean_transactions(raw: pd.DataFrame, today: date | None = None) -> tuple[pd.DataFrame, QualityReport]:
    """Validate, type and clean raw transactions; every exclusion and fix is counted in the QualityReport."""
    check_columns(raw)
    today = today or date.today()
    report = QualityReport(rows_in=len(raw))
    add_file_notes(raw, report)
    coded = {c: code_text(raw[c]) for c in RAW_COLUMNS if c in raw.columns}
    marks = prepare_columns(coded)
    keep = select_rows(coded, today, report)
    count_text_marks(marks, keep, report)
    rows = np.flatnonzero(keep)
    report.rows_out = len(rows)
    if not len(rows):
        reasons = "; ".join(f"{item.count:,} {item.issue}" for item in report.items if item.action == "excluded")
        raise DataError(f"no usable transactions are left after cleaning ({len(raw):,} rows read): {reasons}")
    kept = {c: CodedText(codes=v.codes[rows], values=v.values, raw=v.raw) for c, v in coded.items()}
    return build_clean_frame(kept, report), report


def add_file_notes(raw: pd.DataFrame, report: QualityReport) -> None:
    """Notes for optional columns the file lacks and extra columns that were ignored."""
    for column in OPTIONAL_COLUMNS:
        if column not in raw.columns:
            report.add(column, MISSING_COLUMN_NOTES[column], "note", len(raw))
    dropped = [str(c) for c in raw.attrs.get("dropped_columns", [])]
    if len(dropped) > MAX_LISTED_COLUMNS:  # one line for many, so a wide export gives a readable report
        report.add(
            "(other columns)",
            f"{len(dropped):,} columns are not used by the dashboard and were ignored: "
            f"{quote_values(dropped, limit=MAX_LISTED_COLUMNS)}",
            "note",
            len(raw),
        )
        return
    for column in dropped:
        report.add(
            column,
            f"column {quote_values([column], limit=1, width=MAX_TEXT_LENGTH)} is not used by the dashboard: ignored",
            "note",
            len(raw),
        )


def select_rows(coded: dict[str, CodedText], today: date, report: QualityReport) -> np.ndarray:
    """Apply the exclusion rules in order; each excluded row is counted once, under its first reason."""
    n = len(coded["CustomerID"].codes)
    keep = np.ones(n, dtype=bool)
    exclude(keep, coded["CustomerID"].missing, report, "CustomerID", "rows without a customer ID")
    date_text = coded["TransactionDate"]
    dates, parts = read_transaction_dates(date_text, today)
    row_dates = date_text.rows(dates, np.datetime64("NaT", "ns"))
    exclude(keep, date_text.missing, report, "TransactionDate", "rows without a transaction date")
    unreadable = examples(date_text, parts["year"].to_numpy() == 0)
    exclude(
        keep,
        np.isnat(row_dates),
        report,
        "TransactionDate",
        f"rows whose transaction date could not be read (e.g. {unreadable})",
    )
    exclude(
        keep,
        row_dates > np.datetime64(today, "ns"),
        report,
        "TransactionDate",
        f"rows dated after today ({today:%d/%m/%Y})",
    )
    exclude(
        keep,
        row_dates < np.datetime64(MIN_TRANSACTION_DATE, "ns"),
        report,
        "TransactionDate",
        f"rows dated before {MIN_TRANSACTION_DATE:%d/%m/%Y} (placeholders such as 1/1/1800 or mistyped years)",
    )
    amount_text = coded["TransactionAmount (INR)"]
    amounts, non_finite = read_amounts(amount_text)
    exclude(keep, amount_text.missing, report, "TransactionAmount (INR)", "rows without an amount")
    exclude(
        keep,
        non_finite,
        report,
        "TransactionAmount (INR)",
        "rows whose amount is not a finite number (e.g. 'inf' or '1e400'): treated as missing",
    )
    exclude(keep, np.isnan(amounts), report, "TransactionAmount (INR)", "rows whose amount is not a number")
    exclude(
        keep,
        amounts <= 0,
        report,
        "TransactionAmount (INR)",
        "rows with a negative or zero amount (refunds/reversals are not spend)",
    )
    exclude(
        keep,
        amounts > MAX_AMOUNT_INR,
        report,
        "TransactionAmount (INR)",
        f"rows with an amount above {MAX_AMOUNT_INR:,.0f} INR (not plausible for one transaction)",
    )
    if "TransactionID" in coded:
        exact, conflict = find_duplicates(coded["TransactionID"], list(coded.values()), keep)
        exclude(keep, exact, report, "TransactionID", "exact duplicate rows (same transaction twice)")
        exclude(
            keep,
            conflict,
            report,
            "TransactionID",
            "rows reusing an earlier transaction ID with different content (the first one is kept)",
        )
    return keep


def build_clean_frame(kept: dict[str, CodedText], report: QualityReport) -> pd.DataFrame:
    """Assemble the clean columns (in CLEAN_COLUMNS order) from the kept rows."""
    n = len(kept["CustomerID"].codes)
    date_text = kept["TransactionDate"]
    dates = date_text.rows(to_datetimes(parse_dates(date_text.values)), np.datetime64("NaT", "ns"))
    amounts, tidied = parse_numbers(kept["TransactionAmount (INR)"].values)
    report.add(
        "TransactionAmount (INR)",
        "amounts read after removing currency signs or separators (e.g. '₹1,234.50')",
        "fixed",
        kept["TransactionAmount (INR)"].rows(tidied).sum(),
    )
    if "TransactionID" in kept:
        report.add(
            "TransactionID",
            "rows without a transaction ID (they cannot be checked for duplicates)",
            "flagged",
            kept["TransactionID"].missing.sum(),
        )
    out = {
        "transaction_id": text_series(kept["TransactionID"])
        if "TransactionID" in kept
        else missing_series(n, "string"),
        "customer_id": text_series(kept["CustomerID"]),
        "age": compute_ages(kept["CustomerDOB"], dates, report)
        if "CustomerDOB" in kept
        else missing_series(n, "float64"),
        "gender": clean_gender(kept["CustGender"], report)
        if "CustGender" in kept
        else pd.Series(pd.array(["unknown"] * n, dtype="string")),
        "location": clean_location(kept["CustLocation"], report)
        if "CustLocation" in kept
        else pd.Series(pd.array(["UNKNOWN"] * n, dtype="string")),
        "balance": clean_balance(kept["CustAccountBalance"], report)
        if "CustAccountBalance" in kept
        else missing_series(n, "float64"),
        "date": pd.Series(dates, dtype="datetime64[ns]"),
        "hour": clean_hour(kept["TransactionTime"], report)
        if "TransactionTime" in kept
        else missing_series(n, "float64"),
        "amount": kept["TransactionAmount (INR)"].rows(amounts, np.nan),
    }
    frame = pd.DataFrame({name: pd.Series(values).reset_index(drop=True) for name, values in out.items()})
    return frame[list(CLEAN_COLUMNS)]
