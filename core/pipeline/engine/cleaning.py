"""Raw text transactions -> clean transactions, as a few SQL steps any engine runs (DuckDB or Spark).

Input: a relation ``raw_input`` with the canonical raw columns the file has (all text) and ``row_no``, the
row's position in the input (0, 1, ...), which decides what "earlier" means for duplicates and breaks ties
between transactions of one day; ``raw_file`` is the same rows before CustomerID became the person key
(``core.pipeline.engine.persons``), which the per-value dictionaries read. Output relations:

- ``tx_rows``: every row with its stripped values, parsed values and ``reason`` (the first exclusion rule
  that applies, NULL when kept), materialised once because the counts, the duplicates and the clean rows
  all read it;
- ``tx_all``: ``tx_rows`` with the duplicate reasons and the derived columns (age, gender, ...);
- ``clean_tx``: the kept rows in the clean schema, plus ``row_no``.

The exclusion reasons, in the order they are tried (each row is counted once, under the first):
"""

from __future__ import annotations

from collections.abc import Sequence
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
from core.pipeline.engine.rules import (
    date_parts,
    hour_of,
    looks_like_formula,
    number_steps,
    stripped,
    tidy_location,
)

SHORT_NAMES: dict[str, str] = {
    "TransactionID": "tid",
    "CustomerID": "cid",
    "CustomerDOB": "dob",
    "CustGender": "gender",
    "CustLocation": "loc",
    "CustAccountBalance": "bal",
    "TransactionDate": "tdate",
    "TransactionTime": "ttime",
    "TransactionAmount (INR)": "amt",
}
TEXT_COLUMNS: tuple[str, ...] = ("TransactionID", "CustomerID", "CustLocation")  # cut and checked for formulas
CLEAN_SELECT = (
    "tid_v AS transaction_id",
    "cid_v AS customer_id",
    "age",
    "gender",
    "location",
    "balance",
    "date",
    "hour",
    "amount",
    "row_no",
)


# Columns parsed once per distinct raw text and joined back. The amount is one of them: on 10M generated rows
# it has 395k distinct texts, and reading a number (strip, six layers of patterns) cost 4 s of CPU per 10M rows.
DICTIONARY_COLUMNS: tuple[str, ...] = (
    "CustomerDOB",
    "CustGender",
    "CustLocation",
    "TransactionDate",
    "TransactionTime",
    "TransactionAmount (INR)",
)


def quoted(column: str) -> str:
    """A column name as a SQL identifier."""
    return '"' + column.replace('"', '""') + '"'


def tidy_items(column: str, raw: str) -> list[str]:
    """SELECT items for one raw column: the stripped value ``<short>_v`` (text columns cut, and marked)."""
    short = SHORT_NAMES[column]
    value = stripped(raw)
    if column not in TEXT_COLUMNS:
        return [f"{value} AS {short}_v"]
    cut = f"LEFT({short}_full, {MAX_TEXT_LENGTH})"
    return [
        f"{value} AS {short}_full",
        f"{looks_like_formula(short + '_full', raw)} AS {short}_formula",
        f"COALESCE(LENGTH({short}_full) > {MAX_TEXT_LENGTH}, FALSE) AS {short}_cut",
        f"{cut} AS {short}_v",
    ]


def dictionary_sql(column: str) -> str:
    """One row per distinct raw text of a low-cardinality column: its first row, stripped value and parse."""
    short, raw = SHORT_NAMES[column], quoted(column)
    distinct = f"SELECT {raw} AS raw, MIN(row_no) AS first_row FROM raw_file WHERE {raw} IS NOT NULL GROUP BY {raw}"
    items = tidy_items(column, "raw")
    base = f"SELECT raw, first_row, {', '.join(items)} FROM ({distinct}) d0"
    if column in ("TransactionDate", "CustomerDOB"):
        return date_parts(f"(SELECT *, {short}_v AS v FROM ({base}) d1)")
    if column == "TransactionAmount (INR)":
        query = base
        for layer in number_steps("amt_v", "amt"):
            query = f"SELECT *, {', '.join(layer)} FROM ({query}) n"
        return query
    extra = {
        "TransactionTime": [f"{hour_of('ttime_v')} AS hour"],
        "CustGender": [
            "UPPER(gender_v) IN ('M', 'MALE') AS g_male",
            "UPPER(gender_v) IN ('F', 'FEMALE') AS g_female",
        ],
        "CustLocation": [f"{tidy_location('loc_v')} AS location"],
    }[column]
    return f"SELECT *, {', '.join(extra)} FROM ({base}) d1"


def dictionaries(columns: Sequence[str]) -> dict[str, str]:
    """Table name -> query of the parse dictionary of each low-cardinality column the input has."""
    return {f"d_{SHORT_NAMES[c]}": dictionary_sql(c) for c in DICTIONARY_COLUMNS if c in columns}


def rows_sql(columns: Sequence[str], today: date) -> str:
    """Every row, parsed, with the first exclusion reason that applies before duplicates are looked for."""
    has = set(columns)
    items, joins = ["r.row_no"], []
    for column in columns:
        if column not in DICTIONARY_COLUMNS:
            items += tidy_items(column, f"r.{quoted(column)}")
    picked = {
        "TransactionDate": ["{a}.tdate_v", "{a}.date"],
        "CustomerDOB": [
            "{a}.dob_v",
            "{a}.year AS b_year",
            "{a}.month AS b_month",
            "{a}.day AS b_day",
            "COALESCE({a}.two_digit, FALSE) AS b_two",
        ],
        "TransactionTime": ["{a}.ttime_v", "{a}.hour"],
        "CustGender": ["{a}.gender_v", "{a}.g_male", "{a}.g_female"],
        "CustLocation": ["{a}.loc_v", "{a}.loc_formula", "{a}.loc_cut", "{a}.location AS loc_tidy"],
        # a missing amount has no dictionary row: its flags are FALSE, as when it was read row by row
        "TransactionAmount (INR)": [
            "{a}.amt_v",
            "{a}.amt_num",
            "COALESCE({a}.amt_tidied, FALSE) AS amt_tidied",
            "COALESCE({a}.amt_inf, FALSE) AS amt_inf",
        ],
    }
    for column in DICTIONARY_COLUMNS:
        if column in has:
            alias = "d_" + SHORT_NAMES[column]
            items += [item.format(a=alias) for item in picked[column]]
            joins.append(f"LEFT JOIN {alias} ON r.{quoted(column)} = {alias}.raw")
    query = f"SELECT {', '.join(items)} FROM raw_input r {' '.join(joins)}"
    if "CustAccountBalance" in has:  # balances are nearly all distinct: read row by row
        for layer in number_steps("bal_v", "bal"):
            query = f"SELECT *, {', '.join(layer)} FROM ({query}) n"
    reason = (
        "CASE WHEN cid_v IS NULL THEN 'no_customer' WHEN tdate_v IS NULL THEN 'no_date' "
        f"WHEN date IS NULL THEN 'bad_date' WHEN date > DATE '{today.isoformat()}' THEN 'future_date' "
        f"WHEN date < DATE '{MIN_TRANSACTION_DATE.isoformat()}' THEN 'early_date' "
        "WHEN amt_v IS NULL THEN 'no_amount' WHEN amt_inf THEN 'infinite_amount' "
        "WHEN amt_num IS NULL THEN 'bad_amount' WHEN amt_num <= 0 THEN 'not_positive' "
        f"WHEN amt_num > {MAX_AMOUNT_INR:.0f} THEN 'too_large' END"
    )
    keep = [i.split(" AS ")[-1].split(".")[-1] for i in items]
    keep = [k for k in keep if not k.endswith("_full")]
    keep += [f"bal_{x}" for x in ("num", "tidied", "inf")] if "CustAccountBalance" in has else []
    return f"SELECT {', '.join(keep)}, {reason} AS reason FROM ({query}) q"


def duplicates_sql(columns: Sequence[str]) -> str:
    """Among kept rows whose transaction ID repeats: exact copies of an earlier row, then later reuses of an ID."""
    content = ", ".join(f"k.{SHORT_NAMES[c]}_v" for c in columns)
    # tx_rows is read twice rather than through a CTE of its kept rows: DuckDB materialises a CTE read twice,
    # all 32 columns of it (9.6 s of 12M rows, against 2.0 s).
    return f"""
        WITH repeated AS (
            SELECT tid_v FROM tx_rows WHERE reason IS NULL AND tid_v IS NOT NULL GROUP BY tid_v HAVING COUNT(*) > 1
        ),
        copies AS (
            SELECT k.row_no, k.tid_v,
                   ROW_NUMBER() OVER (PARTITION BY {content} ORDER BY k.row_no) AS copy_no
            FROM tx_rows k JOIN repeated r ON k.tid_v = r.tid_v
            WHERE k.reason IS NULL
        ),
        ranked AS (
            SELECT row_no, copy_no,
                   ROW_NUMBER() OVER (PARTITION BY tid_v, copy_no = 1 ORDER BY row_no) AS id_no
            FROM copies
        )
        SELECT row_no, CASE WHEN copy_no > 1 THEN 'exact_copy' ELSE 'reused_id' END AS dup_reason
        FROM ranked WHERE copy_no > 1 OR id_no > 1
    """


def derived_columns(columns: Sequence[str]) -> list[str]:
    """SELECT items of the clean values and of the marks counted in the quality report."""
    has = set(columns)
    items = ["COALESCE(r.reason, d.dup_reason) AS final_reason"]
    items += ["CAST(NULL AS VARCHAR) AS tid_v"] if "TransactionID" not in has else []
    if "CustomerDOB" in has:
        ty, tm, td = "YEAR(r.date)", "MONTH(r.date)", "DAY(r.date)"
        later = f"(r.b_year * 10000 + r.b_month * 100 + r.b_day) > ({ty} * 10000 + {tm} * 100 + {td})"
        items += [
            "(r.dob_v IS NULL) AS dob_missing",
            f"(r.dob_v IS NOT NULL AND r.b_year = {PLACEHOLDER_DOB_YEAR}) AS dob_placeholder",
            "(r.dob_v IS NOT NULL AND r.b_year = 0) AS dob_unreadable",
            f"COALESCE(r.b_two AND {later}, FALSE) AS dob_century",
        ]
        year = "(r.b_year - CASE WHEN dob_century THEN 100 ELSE 0 END)"
        age = f"({ty} - {year} - CASE WHEN ({tm} * 100 + {td}) < (r.b_month * 100 + r.b_day) THEN 1 ELSE 0 END)"
        usable = "NOT (dob_missing OR dob_placeholder OR dob_unreadable)"
        items += [
            f"({usable}) AS dob_usable",
            f"COALESCE({usable} AND ({age} < {MIN_AGE} OR {age} > {MAX_AGE}), FALSE) AS dob_implausible",
            f"CASE WHEN {usable} AND {age} BETWEEN {MIN_AGE} AND {MAX_AGE} THEN CAST({age} AS DOUBLE) END AS age",
        ]
    else:
        items.append("CAST(NULL AS DOUBLE) AS age")
    if "CustGender" in has:
        items.append(
            "CASE WHEN r.gender_v IS NULL THEN 'unknown' WHEN r.g_male THEN 'M' WHEN r.g_female THEN 'F' "
            "ELSE 'other' END AS gender"
        )
    else:
        items.append("'unknown' AS gender")
    if "CustLocation" in has:
        items += ["r.loc_tidy <> r.loc_v AS loc_changed", "COALESCE(r.loc_tidy, 'UNKNOWN') AS location"]
    else:
        items.append("'UNKNOWN' AS location")
    ceiling = f"CASE WHEN ABS(r.bal_num) <= {MAX_BALANCE_INR:.0f} THEN r.bal_num END"
    items.append(f"{ceiling} AS balance" if "CustAccountBalance" in has else "CAST(NULL AS DOUBLE) AS balance")
    items += [] if "TransactionTime" in has else ["CAST(NULL AS DOUBLE) AS hour"]
    items.append("r.amt_num AS amount")
    return items


def all_sql(columns: Sequence[str]) -> str:
    """Every row with its final reason (duplicates included) and its derived columns."""
    items = derived_columns(columns)
    # Later items use earlier aliases (DuckDB and Spark both resolve lateral column aliases).
    return f"SELECT r.*, {', '.join(items)} FROM tx_rows r LEFT JOIN tx_dups d ON r.row_no = d.row_no"


def clean_sql() -> str:
    """The kept rows in the clean schema."""
    return f"SELECT {', '.join(CLEAN_SELECT)} FROM tx_all WHERE final_reason IS NULL"
