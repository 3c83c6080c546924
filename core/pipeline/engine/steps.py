"""Run the pipeline's SQL steps on an engine: clean (with its quality report), then per-customer features."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from core.config import MAX_TEXT_LENGTH, OPTIONAL_COLUMNS
from core.errors import DataError
from core.pipeline.engine.cleaning import all_sql, clean_sql, dictionaries, duplicates_sql, rows_sql
from core.pipeline.engine.persons import count_excluded_in_engine, split_persons_in_engine
from core.pipeline.engine.report import (
    AMOUNT,
    MAX_BAD_AMOUNT_SHARE,
    check_dates,
    counts_sql,
    examples_sql,
    exclusion_items,
    fix_items,
)
from core.pipeline.engine.rules import epoch_days, is_night, is_weekend
from core.pipeline.quality import QualityReport

MISSING_COLUMN_NOTES = {
    "TransactionID": "no TransactionID column: duplicate transactions cannot be detected",
    "CustomerDOB": "no CustomerDOB column: age is left out",
    "CustGender": "no CustGender column: gender is 'unknown'",
    "CustLocation": "no CustLocation column: location is 'UNKNOWN'",
    "CustAccountBalance": "no CustAccountBalance column: balance is left out",
    "TransactionTime": "no TransactionTime column: hour of day is left out",
}
MAX_LISTED_COLUMNS = 10  # more ignored columns than this are summarised in one report line
ORDER_SCALE = 2**40  # row numbers stay below this: (day, row) packs into one BIGINT ordering key
NO_DUPLICATES = "SELECT CAST(NULL AS BIGINT) AS row_no, CAST(NULL AS VARCHAR) AS dup_reason WHERE FALSE"


def clean_in_engine(
    engine, columns: Sequence[str], today: date, dropped: Sequence[str] = (), persons: bool = True
) -> QualityReport:
    """Clean ``raw_file`` into ``clean_tx`` (a table) and return the quality report counting every change.

    With ``persons`` (training), an ID used by several people is first split into one customer per person,
    and the customers whose every row was excluded are counted (``core.pipeline.engine.persons``).
    """
    split = QualityReport()
    if persons:
        split_persons_in_engine(engine, columns, split)
    else:
        engine.view("raw_input", "SELECT * FROM raw_file")
    report = _clean(engine, columns, today, dropped)
    report.items[:0] = split.items
    if persons:
        count_excluded_in_engine(engine, report)
    # Only clean_tx is read from here on: the parsed rows (40 columns) and the dictionaries go.
    engine.release(["tx_rows", "tx_dups", "person_rows", *dictionaries(columns)])
    return report


def _clean(engine, columns: Sequence[str], today: date, dropped: Sequence[str]) -> QualityReport:
    """The cleaning steps on ``raw_input``."""
    from core.pipeline.columns import quote_values

    for name, sql in dictionaries(columns).items():
        engine.table(name, sql)
    check_dates(engine, today)
    engine.table("tx_rows", rows_sql(columns, today))
    engine.table("tx_dups", duplicates_sql(columns) if "TransactionID" in columns else NO_DUPLICATES)
    engine.view("tx_all", all_sql(columns))
    exclusions, fixes = exclusion_items(columns, today), fix_items(columns)
    counts = engine.rows(counts_sql(exclusions, fixes))[0]
    rows_in, rows_out, amounts, bad_amounts = counts[:4]

    def examples(value: str, condition: str, all_rows: bool) -> str:
        return quote_values([r[0] for r in engine.rows(examples_sql(value, condition, all_rows))], limit=5)

    if not amounts:
        raise DataError(f"column '{AMOUNT}' is empty: every transaction needs an amount")
    if bad_amounts > MAX_BAD_AMOUNT_SHARE * amounts:
        raise DataError(
            f"column '{AMOUNT}' has values that are not numbers, e.g. "
            f"{examples('amt_v', 'amt_v IS NOT NULL AND amt_num IS NULL AND NOT amt_inf', True)}; "
            "amounts should look like 1234.50, 1,234.50 or ₹500"
        )
    report = QualityReport(rows_in=rows_in, rows_out=rows_out)
    for column in OPTIONAL_COLUMNS:
        if column not in columns:
            report.add(column, MISSING_COLUMN_NOTES[column], "note", rows_in)
    add_dropped_notes(report, [str(c) for c in dropped], rows_in)
    for item, count in zip([*exclusions, *fixes], counts[4:], strict=True):
        issue = item.issue
        if count and item.examples_of:
            issue = issue.format(examples=examples(item.examples_of, item.condition, item.all_rows))
        report.add(item.column, issue, item.action, count)
    if not rows_out:
        reasons = "; ".join(f"{item.count:,} {item.issue}" for item in report.items if item.action == "excluded")
        raise DataError(f"no usable transactions are left after cleaning ({rows_in:,} rows read): {reasons}")
    engine.table("clean_tx", clean_sql())
    return report


def features_sql(end: date, source: str = "clean_tx", customer: str = "customer_id", attributes: bool = True) -> str:
    """One row per customer from ``clean_tx``; attributes that change over time come from the latest row.

    "Latest" is the last date, ties broken by input order, and skips missing values (an unknown age on the
    latest row keeps the age known from an earlier one). The ordering key is unique, so every engine
    picks the same row. ``source`` may be any relation with clean_tx's columns (a table or a parenthesised,
    aliased subquery: Segment movement re-scores one period of saved transactions with it), and ``customer``
    the column (or expression) that identifies a customer there; it becomes ``CustomerID``.

    Without ``attributes`` the result has no age, gender, location or balance and ``source`` needs none of them,
    nor ``row_no``: for a caller whose attributes are each customer's own, the same on all of their rows (Segment
    movement takes them from the customer table), picking the latest row would only cost a wider scan.
    """
    key = f"(CAST({epoch_days('date')} AS BIGINT) * {ORDER_SCALE} + row_no)"
    latest = (
        """
               ARG_MAX(age, k) FILTER (WHERE age IS NOT NULL) AS age,
               ARG_MAX(gender, k) AS gender,
               ARG_MAX(location, k) AS location,
               ARG_MAX(balance, k) FILTER (WHERE balance IS NOT NULL) AS balance,"""
        if attributes
        else ""
    )
    read = f" age, gender, location, balance, amount, date, hour, {key} AS k," if attributes else " amount, date, hour,"
    return f"""
        SELECT customer_id AS "CustomerID",{latest}
               COUNT(*) AS n_transactions,
               SUM(amount) AS total_amount,
               AVG(amount) AS mean_amount,
               MAX(amount) AS max_amount,
               DATE_DIFF('day', MAX(date), DATE '{end.isoformat()}') AS recency_days,
               DATE_DIFF('day', MIN(date), MAX(date)) AS active_span_days,
               AVG(hour) AS mean_hour,
               AVG(night) AS night_share,
               AVG(weekend) AS weekend_share,
               MIN(date) AS first_date,
               MAX(date) AS last_date
        FROM (
            SELECT {customer} AS customer_id,{read}
                   {is_night("hour")} AS night,
                   CASE WHEN {is_weekend("date")} THEN CAST(1 AS DOUBLE) ELSE CAST(0 AS DOUBLE) END AS weekend
            FROM {source}
        ) t
        GROUP BY customer_id
    """


def features_in_engine(engine) -> None:
    """Aggregate ``clean_tx`` into the ``customers`` table (one row per customer)."""
    (end,) = engine.rows("SELECT MAX(date) FROM clean_tx")[0]
    if end is None:
        raise DataError("there are no usable transactions left after cleaning, so no customer can be described")
    engine.table("customers", features_sql(end))


def add_dropped_notes(report: QualityReport, dropped: list[str], rows: int) -> None:
    """One note per ignored column, or one line for many, so a wide export gives a readable report."""
    from core.pipeline.columns import quote_values

    if len(dropped) > MAX_LISTED_COLUMNS:
        listed = quote_values(dropped, limit=MAX_LISTED_COLUMNS)
        issue = f"{len(dropped):,} columns are not used by the dashboard and were ignored: {listed}"
        report.add("(other columns)", issue, "note", rows)
        return
    for column in dropped:
        quoted = quote_values([column], limit=1, width=MAX_TEXT_LENGTH)
        report.add(column, f"column {quoted} is not used by the dashboard: ignored", "note", rows)
