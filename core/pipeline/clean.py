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

The rules are SQL (``core.pipeline.engine``), written once and run on the embedded DuckDB engine or on
Spark; this module is the in-memory entry point for a raw frame (uploads, tests, the default dataset).
Dates, times, genders and locations are parsed once per distinct value; ``row_no`` (the row's position)
decides which of two rows is "earlier".
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa

from core.config import REQUIRED_COLUMNS
from core.errors import DataError
from core.pipeline.columns import missing_columns_message, quote_values
from core.pipeline.engine.duck import DuckDBEngine
from core.pipeline.engine.rules import FORMULA_STARTS
from core.pipeline.engine.steps import clean_in_engine
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
TEXT_RESULT_COLUMNS = ("transaction_id", "customer_id", "gender", "location")
__all__ = [
    "CLEAN_COLUMNS",
    "FORMULA_STARTS",
    "check_columns",
    "clean_by_person",
    "clean_raw",
    "clean_transactions",
    "raw_arrow",
]


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


def raw_arrow(raw: pd.DataFrame) -> pa.Table:
    """The raw frame as an Arrow table of text columns plus ``row_no`` (its row positions)."""
    columns = {}
    for name in raw.columns:
        values = raw[name]
        text = values if isinstance(values.dtype, pd.StringDtype) else values.astype("str")
        columns[str(name)] = pa.array(text, type=pa.string(), from_pandas=True)
    columns["row_no"] = pa.array(np.arange(len(raw), dtype=np.int64))
    return pa.table(columns)


def clean_frame(engine, columns: tuple[str, ...] = CLEAN_COLUMNS) -> pd.DataFrame:
    """The engine's clean rows (``clean_tx``) as a pandas frame of the given clean columns, in input order."""
    items = ", ".join("CAST(date AS TIMESTAMP) AS date" if c == "date" else c for c in columns)
    frame = engine.arrow(f"SELECT {items} FROM clean_tx ORDER BY row_no").to_pandas()
    for name in TEXT_RESULT_COLUMNS:
        if name in frame:
            frame[name] = frame[name].astype("string")
    if "date" in frame:
        frame["date"] = frame["date"].astype("datetime64[ns]")
    return frame


def clean_raw(engine, raw: pd.DataFrame, today: date | None = None, persons: bool = True) -> QualityReport:
    """Clean a raw frame on an engine into its ``clean_tx`` table; the report counts every change.

    With ``persons`` (training) each ID used by several people becomes one customer per person first.
    """
    check_columns(raw)
    engine.register("raw_file", raw_arrow(raw))
    columns = [str(c) for c in raw.columns]
    dropped = raw.attrs.get("dropped_columns", [])
    return clean_in_engine(engine, columns, today or date.today(), dropped, persons=persons)


def clean_transactions(raw: pd.DataFrame, today: date | None = None) -> tuple[pd.DataFrame, QualityReport]:
    """Validate, type and clean raw transactions; every exclusion and fix is counted in the QualityReport.

    IDs are taken as written (training splits an ID used by several people first: ``clean_raw``).
    """
    with DuckDBEngine() as engine:
        report = clean_raw(engine, raw, today, persons=False)
        return clean_frame(engine), report


def clean_by_person(raw: pd.DataFrame, today: date | None = None) -> tuple[pd.DataFrame, QualityReport]:
    """Clean as training does: one customer per person, split IDs and excluded customers counted."""
    with DuckDBEngine() as engine:
        report = clean_raw(engine, raw, today)
        return clean_frame(engine), report
