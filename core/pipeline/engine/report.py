"""The data-quality report of a cleaning run on an engine: one aggregate query, items in a fixed order.

Every count comes from ``tx_all`` (see ``core.pipeline.engine.cleaning``); examples quoted in an item are
the first distinct values (by first appearance in the input) that the item is about, looked up only when the
item has a non-zero count.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from core.config import (
    MAX_AGE,
    MAX_AMOUNT_INR,
    MAX_BALANCE_INR,
    MAX_TEXT_LENGTH,
    MIN_AGE,
    MIN_TRANSACTION_DATE,
    PLACEHOLDER_DOB_YEAR,
)
from core.errors import DataError
from core.pipeline.engine.cleaning import SHORT_NAMES, TEXT_COLUMNS

KEPT = "final_reason IS NULL"
AMOUNT = "TransactionAmount (INR)"
MAX_BAD_AMOUNT_SHARE = 0.5  # beyond this the column is probably not an amount at all: stop and say so
EXAMPLES = 5


@dataclass(frozen=True)
class Item:
    """One line of the report: where, what (``{examples}`` is filled in), action, and the rows it counts."""

    column: str
    issue: str
    action: str
    condition: str
    examples_of: str | None = None  # the value column whose examples the issue quotes
    all_rows: bool = False  # examples among all rows (exclusions) rather than the kept ones


def exclusion_items(columns: Sequence[str], today: date) -> list[Item]:
    """The exclusion reasons in the order they are tried."""
    items = [
        Item("CustomerID", "rows without a customer ID", "excluded", "final_reason = 'no_customer'"),
        Item("TransactionDate", "rows without a transaction date", "excluded", "final_reason = 'no_date'"),
        Item(
            "TransactionDate",
            "rows whose transaction date could not be read (e.g. {examples})",
            "excluded",
            "final_reason = 'bad_date'",
            "tdate_v",
            all_rows=True,
        ),
        Item(
            "TransactionDate",
            f"rows dated after today ({today:%d/%m/%Y})",
            "excluded",
            "final_reason = 'future_date'",
        ),
        Item(
            "TransactionDate",
            f"rows dated before {MIN_TRANSACTION_DATE:%d/%m/%Y} (placeholders such as 1/1/1800 or mistyped years)",
            "excluded",
            "final_reason = 'early_date'",
        ),
        Item(AMOUNT, "rows without an amount", "excluded", "final_reason = 'no_amount'"),
        Item(
            AMOUNT,
            "rows whose amount is not a finite number (e.g. 'inf' or '1e400'): treated as missing",
            "excluded",
            "final_reason = 'infinite_amount'",
        ),
        Item(AMOUNT, "rows whose amount is not a number", "excluded", "final_reason = 'bad_amount'"),
        Item(
            AMOUNT,
            "rows with a negative or zero amount (refunds/reversals are not spend)",
            "excluded",
            "final_reason = 'not_positive'",
        ),
        Item(
            AMOUNT,
            f"rows with an amount above {MAX_AMOUNT_INR:,.0f} INR (not plausible for one transaction)",
            "excluded",
            "final_reason = 'too_large'",
        ),
    ]
    if "TransactionID" in columns:
        items += [
            Item(
                "TransactionID",
                "exact duplicate rows (same transaction twice)",
                "excluded",
                "final_reason = 'exact_copy'",
            ),
            Item(
                "TransactionID",
                "rows reusing an earlier transaction ID with different content (the first one is kept)",
                "excluded",
                "final_reason = 'reused_id'",
            ),
        ]
    return items


def fix_items(columns: Sequence[str]) -> list[Item]:
    """Fixes and flags on the kept rows, in the report's order."""
    has = set(columns)
    items = []
    for column in (c for c in TEXT_COLUMNS if c in has):
        short = SHORT_NAMES[column]
        formula = f"{column} values that look like spreadsheet formulas (e.g. '=HYPERLINK(...)'): kept as plain text"
        items.append(Item(column, formula, "flagged", f"{short}_formula"))
        cut = f"{column} values longer than {MAX_TEXT_LENGTH} characters cut to {MAX_TEXT_LENGTH}"
        items.append(Item(column, cut, "fixed", f"{short}_cut"))
    tidied = "read after removing currency signs or separators (e.g. '₹1,234.50')"
    items.append(Item(AMOUNT, f"amounts {tidied}", "fixed", "amt_tidied"))
    if "TransactionID" in has:
        missing_id = "rows without a transaction ID (they cannot be checked for duplicates)"
        items.append(Item("TransactionID", missing_id, "flagged", "tid_v IS NULL"))
    if "CustomerDOB" in has:
        dob = "CustomerDOB"
        items += [
            Item(
                dob,
                "two-digit birth years moved back 100 years (e.g. 1/1/60 is 1960, not 2060)",
                "fixed",
                "dob_century AND dob_usable",
            ),
            Item(
                dob,
                f"birth dates that are the 1/1/{PLACEHOLDER_DOB_YEAR} placeholder: age set to unknown",
                "fixed",
                "dob_placeholder",
            ),
            Item(dob, "missing birth dates (empty or 'nan'): age set to unknown", "fixed", "dob_missing"),
            Item(
                dob,
                "birth dates that could not be read (e.g. {examples}): age set to unknown",
                "fixed",
                "dob_unreadable",
                "dob_v",
            ),
            Item(dob, f"ages under {MIN_AGE} or over {MAX_AGE}: age set to unknown", "fixed", "dob_implausible"),
        ]
    if "CustGender" in has:
        respelled = "(g_male OR g_female) AND gender_v NOT IN ('M', 'F')"
        other = "gender_v IS NOT NULL AND NOT g_male AND NOT g_female"
        items += [
            Item("CustGender", "genders written differently (e.g. 'male', 'f') set to M or F", "fixed", respelled),
            Item(
                "CustGender",
                "genders other than M or F (e.g. {examples}) grouped as 'other'",
                "fixed",
                other,
                "gender_v",
            ),
            Item("CustGender", "missing genders set to 'unknown'", "fixed", "gender_v IS NULL"),
        ]
    if "CustLocation" in has:
        items += [
            Item("CustLocation", "locations tidied (upper case, single spaces)", "fixed", "loc_changed"),
            Item("CustLocation", "missing locations set to UNKNOWN", "fixed", "loc_v IS NULL"),
        ]
    if "CustAccountBalance" in has:
        bal = "CustAccountBalance"
        items += [
            Item(bal, f"balances {tidied}", "fixed", f"bal_tidied AND ABS(bal_num) <= {MAX_BALANCE_INR:.0f}"),
            Item(
                bal,
                "balances that are not numbers (e.g. {examples}) left empty",
                "fixed",
                "bal_v IS NOT NULL AND bal_num IS NULL AND NOT bal_inf",
                "bal_v",
            ),
            Item(
                bal,
                "balances that are not a finite number (e.g. 'inf' or '1e400'): treated as missing",
                "fixed",
                "bal_inf",
            ),
            Item(
                bal,
                f"balances above {MAX_BALANCE_INR:,.0f} INR or below -{MAX_BALANCE_INR:,.0f} INR (not plausible) "
                "left empty",
                "fixed",
                f"ABS(bal_num) > {MAX_BALANCE_INR:.0f}",
            ),
            Item(bal, "missing balances left empty", "flagged", "bal_v IS NULL"),
            Item(bal, "negative balances (overdrafts) kept", "flagged", "balance < 0"),
        ]
    if "TransactionTime" in has:
        items += [
            Item(
                "TransactionTime",
                "times that are not HHMMSS (e.g. {examples}): hour left empty",
                "fixed",
                "ttime_v IS NOT NULL AND hour IS NULL",
                "ttime_v",
            ),
            Item("TransactionTime", "missing times: hour left empty", "flagged", "ttime_v IS NULL"),
        ]
    return items


def counts_sql(exclusions: Sequence[Item], fixes: Sequence[Item]) -> str:
    """One pass over tx_all: rows in, rows kept, amount checks, and every item's count."""
    parts = [
        "COUNT(*)",
        f"COUNT(*) FILTER (WHERE {KEPT})",
        "COUNT(*) FILTER (WHERE amt_v IS NOT NULL)",
        "COUNT(*) FILTER (WHERE amt_v IS NOT NULL AND amt_num IS NULL AND NOT amt_inf)",
    ]
    parts += [f"COUNT(*) FILTER (WHERE {item.condition})" for item in exclusions]
    parts += [f"COUNT(*) FILTER (WHERE {KEPT} AND {item.condition})" for item in fixes]
    return f"SELECT {', '.join(parts)} FROM tx_all"


def examples_sql(value: str, condition: str, all_rows: bool) -> str:
    """The first distinct values (by first appearance in the input) of rows meeting the condition."""
    where = condition if all_rows else f"{KEPT} AND {condition}"
    return f"""
        SELECT v FROM (SELECT {value} AS v, MIN(row_no) AS first_row FROM tx_all GROUP BY {value}) a
        WHERE v IN (SELECT {value} FROM tx_all WHERE {where}) ORDER BY first_row LIMIT {EXAMPLES}
    """


def dictionary_examples(engine, table: str, condition: str) -> list[str]:
    """The first distinct values of a parse dictionary that meet the condition."""
    query = (
        f"SELECT v FROM {table} WHERE v IS NOT NULL AND {condition} GROUP BY v ORDER BY MIN(first_row) LIMIT {EXAMPLES}"
    )
    return [r[0] for r in engine.rows(query)]


def check_dates(engine, today: date) -> None:
    """Refuse a TransactionDate column where no date (or no past date) reads, with examples."""
    from core.pipeline.columns import quote_values

    values, readable, past = engine.rows(
        f"SELECT COUNT(*) FILTER (WHERE v IS NOT NULL), COUNT(*) FILTER (WHERE year > 0), "
        f"COUNT(*) FILTER (WHERE date <= DATE '{today.isoformat()}') FROM d_tdate"
    )[0]
    if not readable:
        found = (
            "none (the column is empty)"
            if not values
            else quote_values(dictionary_examples(engine, "d_tdate", "year = 0"))
        )
        raise DataError(
            "no transaction dates could be read in column 'TransactionDate'; expected day-first "
            f"dates like 2/8/16 or 02-08-2016; examples found: {found}"
        )
    if not past:
        examples = quote_values(dictionary_examples(engine, "d_tdate", "year > 0"))
        raise DataError(
            f"every transaction date in column 'TransactionDate' is after today ({today:%d/%m/%Y}), "
            f"e.g. {examples}; check that the dates are day-first "
            "(2/8/16 is 2 August 2016) and that the right file was chosen"
        )
