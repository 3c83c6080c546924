"""The cleaning rules as SQL expressions, written once in DuckDB's dialect and run on DuckDB or Spark.

Every expression here is portable: regular expressions use the subset RE2 (DuckDB) and Java (Spark) share,
casts are ``TRY_CAST`` (Spark 4's ANSI mode raises on a failed ``CAST``), integer division goes through
``//`` (sqlglot writes ``DIV`` for Spark), and nothing divides by a value that can be zero. sqlglot
transpiles the text for Spark (``core.pipeline.engine.spark``).

Values are compared after stripping the characters Python's ``str.strip`` removes (so a Spark or DuckDB run
agrees with the rules as documented), and ``nan``, ``null``, ``NA``... are missing in every column.
"""

from __future__ import annotations

# Python's str.isspace() characters: what the documented rules call "surrounding spaces".
WHITESPACE = (
    " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
MISSING_TOKENS = ("", "nan", "null", "none", "na", "n/a", "#n/a")  # compared in lower case
FORMULA_STARTS = ("=", "+", "-", "@")  # after stripping; a leading tab or CR is checked on the raw text

# Day-first dates (d/m/yy, d/m/yyyy, dd-mm-yyyy, d.m.yyyy); separators are captured so that mixed ones
# ('2/8-16') are refused. Groups: 1 day, 2 sep, 3 month, 4 sep, 5 year.
DAY_FIRST = r"^(\d{1,2})([/.-])(\d{1,2})([/.-])(\d{4}|\d{2})$"
# ISO yyyy-mm-dd, optionally with a time. Groups: 1 year, 2 sep, 3 month, 4 sep, 5 day.
ISO_DATE = r"^(\d{4})([/.-])(\d{1,2})([/.-])(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d*)?)?)?$"
COMPACT_TIME = r"^(\d{1,6})(?:\.0*)?$"  # 143207, 5412 (00:54:12), 0; '.0' from spreadsheets
CLOCK_TIME = r"^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d*)?)?$"
PLAIN_NUMBER = r"^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$"
# Currency signs and words, spaces of any kind, and the Indian "/-" suffix of round amounts.
MONEY_NOISE = r"(?i)₹|\$|€|£|\brs\b\.?|\binr\b|\busd\b|\beur\b|/-$|[" + WHITESPACE + "]"
ACCOUNTING_NEGATIVE = r"^\(.+\)$"  # (1,234.50)
GROUPED_NUMBER = r"^[-+]?\d{1,3}(?:,\d{2,3})*,\d{3}(?:\.\d+)?$"  # 1,234.50 and Indian 1,23,456.00
DECIMAL_COMMA = r"^[-+]?\d+,\d{1,2}$"  # 12,50
EUROPEAN_NUMBER = r"^[-+]?\d{1,3}(?:\.\d{3})+(?:,\d+)?$"  # 1.234,50 and 1.234.567
INFINITY = r"(?i)^[-+]?inf(?:inity)?$"  # what pandas reads as an infinite number
LARGEST_DOUBLE = "1.7976931348623157e308"

# Oldest and latest year pandas' datetime64[ns] holds: dates outside are unreadable, as they always were.
MIN_YEAR, MAX_YEAR = 1678, 2261
NIGHT_HOURS = (22, 23, 0, 1, 2, 3, 4, 5)


def literal(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def trimmed(column: str) -> str:
    """The cell without surrounding spaces (a regular expression: DuckDB's TRIM with a set is slow).

    Nearly every cell starts and ends with a visible ASCII character and is returned as it is: the regular
    expression, 0.7 s per 12M cells, runs only on the others. Both engines' ASCII gives such a character's code
    (33-126); for any other first character neither gives a value in that range, so the rule is the same.
    """
    space = "[" + WHITESPACE + "]"
    regexp = f"REGEXP_REPLACE({column}, {literal('^' + space + '+|' + space + '+$')}, '', 'g')"
    visible = f"ASCII({column}) BETWEEN 33 AND 126 AND ASCII(RIGHT({column}, 1)) BETWEEN 33 AND 126"
    return f"CASE WHEN {visible} THEN {column} ELSE {regexp} END"


def not_missing(value: str) -> str:
    """The trimmed cell, or NULL when it is one of the missing-value spellings."""
    tokens = ", ".join(literal(t) for t in MISSING_TOKENS)
    longest = max(len(t) for t in MISSING_TOKENS)
    return f"CASE WHEN LENGTH({value}) <= {longest} AND LOWER({value}) IN ({tokens}) THEN NULL ELSE {value} END"


def stripped(column: str) -> str:
    """The cell without surrounding spaces, NULL when it is one of the missing-value spellings."""
    return not_missing(trimmed(column))


def looks_like_formula(value: str, raw: str) -> str:
    """Would a spreadsheet run the text as a formula (=, +, -, @, or a raw leading tab or CR)?"""
    starts = ", ".join(literal(s) for s in FORMULA_STARTS)
    return f"({value} IS NOT NULL AND (LEFT({value}, 1) IN ({starts}) OR LEFT({raw}, 1) IN (CHR(9), CHR(13))))"


def matches(value: str, pattern: str) -> str:
    """True when the whole value matches the pattern (NULL stays NULL)."""
    return f"REGEXP_MATCHES({value}, {literal(pattern)})"


def group(value: str, pattern: str, index: int) -> str:
    """One captured group of a pattern ('' when the value does not match)."""
    return f"REGEXP_EXTRACT({value}, {literal(pattern)}, {index})"


def as_int(text: str) -> str:
    """Digits to a whole number; 0 for '' or NULL (an optional group that did not match)."""
    return f"COALESCE(TRY_CAST(NULLIF({text}, '') AS BIGINT), 0)"


def finite(value: str) -> str:
    """True for a finite number (NULL, NaN and infinities are not)."""
    return f"({value} BETWEEN -{LARGEST_DOUBLE} AND {LARGEST_DOUBLE})"


def number_steps(value: str, out: str) -> list[list[str]]:
    """SELECT items, one list per query layer, that read a number from text into ``<out>_num``.

    Plain numbers (``1234.5``, ``1e3``) are read directly; other text is tidied (currency, spaces, thousands
    separators, decimal commas, accounting brackets) and read again, which sets ``<out>_tidied``. Text that
    reads as an infinite number (``inf``, ``-Infinity``, ``1e400``) sets ``<out>_inf`` and no number: it is
    treated as missing, never as a huge amount. Each layer names its result so no expression is repeated.
    """
    plain, t1, t2, t3, t4 = (f"{out}_{step}" for step in ("plain", "t1", "t2", "t3", "t4"))
    return [
        [f"CASE WHEN {matches(value, PLAIN_NUMBER)} THEN TRY_CAST({value} AS DOUBLE) END AS {plain}"],
        [
            f"CASE WHEN {plain} IS NULL AND {value} IS NOT NULL "
            f"THEN REGEXP_REPLACE({value}, {literal(MONEY_NOISE)}, '', 'g') END AS {t1}"
        ],
        [
            f"CASE WHEN {matches(t1, ACCOUNTING_NEGATIVE)} "
            f"THEN '-' || SUBSTRING({t1}, 2, LENGTH({t1}) - 2) ELSE {t1} END AS {t2}"
        ],
        [
            f"CASE WHEN {matches(t2, GROUPED_NUMBER)} THEN REPLACE({t2}, ',', '') "
            f"WHEN {matches(t2, DECIMAL_COMMA)} THEN REPLACE({t2}, ',', '.') "
            f"WHEN {matches(t2, EUROPEAN_NUMBER)} THEN REPLACE(REPLACE({t2}, '.', ''), ',', '.') "
            f"ELSE {t2} END AS {t3}"
        ],
        [f"CASE WHEN {matches(t3, PLAIN_NUMBER)} THEN TRY_CAST({t3} AS DOUBLE) END AS {t4}"],
        [
            f"CASE WHEN {finite(plain)} THEN {plain} WHEN {finite(t4)} THEN {t4} END AS {out}_num",
            f"COALESCE({plain} IS NULL AND {finite(t4)}, FALSE) AS {out}_tidied",
            f"COALESCE(({plain} IS NOT NULL AND NOT {finite(plain)}) OR ({plain} IS NULL AND "
            f"(({t4} IS NOT NULL AND NOT {finite(t4)}) OR {matches(t3, INFINITY)})), FALSE) AS {out}_inf",
        ],
    ]


def days_in_month(year: str, month: str) -> str:
    """Days in the month of a (valid) year and month, Gregorian leap years included."""
    leap = f"(({year}) % 4 = 0 AND (({year}) % 100 <> 0 OR ({year}) % 400 = 0))"
    return (
        f"CASE WHEN ({month}) = 2 THEN CASE WHEN {leap} THEN 29 ELSE 28 END "
        f"WHEN ({month}) IN (4, 6, 9, 11) THEN 30 ELSE 31 END"
    )


def date_parts(source: str) -> str:
    """Add ``year``, ``month``, ``day``, ``two_digit`` and ``date`` to a relation with a text column ``v``.

    ``year`` is 0 when the text is not a calendar date; ``two_digit`` marks day-first dates with a two-digit
    year, which follow Python's ``%y`` (00-68 are 2000-2068, 69-99 are 1969-1999).
    """
    v = "v"
    use_day = f"({matches(v, DAY_FIRST)} AND {group(v, DAY_FIRST, 2)} = {group(v, DAY_FIRST, 4)})"
    use_iso = f"({matches(v, ISO_DATE)} AND {group(v, ISO_DATE, 2)} = {group(v, ISO_DATE, 4)})"
    short = f"LENGTH({group(v, DAY_FIRST, 5)}) = 2"
    parts = f"""
        SELECT *,
               CASE WHEN {use_day} THEN {as_int(group(v, DAY_FIRST, 5))}
                    WHEN {use_iso} THEN {as_int(group(v, ISO_DATE, 1))} ELSE 0 END AS y0,
               CASE WHEN {use_day} THEN {as_int(group(v, DAY_FIRST, 3))}
                    WHEN {use_iso} THEN {as_int(group(v, ISO_DATE, 3))} ELSE 0 END AS m0,
               CASE WHEN {use_day} THEN {as_int(group(v, DAY_FIRST, 1))}
                    WHEN {use_iso} THEN {as_int(group(v, ISO_DATE, 5))} ELSE 0 END AS d0,
               COALESCE({use_day} AND {short}, FALSE) AS two
        FROM {source}
    """
    year = "CASE WHEN two THEN CASE WHEN y0 <= 68 THEN 2000 + y0 ELSE 1900 + y0 END ELSE y0 END"
    valid = (
        f"y1 BETWEEN {MIN_YEAR} AND {MAX_YEAR} AND m0 BETWEEN 1 AND 12 AND d0 >= 1 "
        f"AND d0 <= {days_in_month('y1', 'm0')}"
    )
    return f"""
        SELECT *, CASE WHEN ok THEN y1 ELSE 0 END AS year, CASE WHEN ok THEN m0 ELSE 0 END AS month,
               CASE WHEN ok THEN d0 ELSE 0 END AS day, (two AND ok) AS two_digit,
               CASE WHEN ok THEN MAKE_DATE(y1, m0, d0) END AS date
        FROM (SELECT *, COALESCE({valid}, FALSE) AS ok FROM (SELECT *, {year} AS y1 FROM ({parts}) p1) p2) p3
    """


def hour_of(v: str) -> str:
    """HHMMSS without leading zeros (5412 = 00:54:12) or HH:MM[:SS] -> the hour as a double, NULL if invalid."""
    n = as_int(group(v, COMPACT_TIME, 1))
    valid = f"{n} // 10000 < 24 AND {n} // 100 % 100 < 60 AND {n} % 100 < 60"
    compact = f"CASE WHEN {matches(v, COMPACT_TIME)} AND {valid} THEN {n} // 10000 END"
    hh, mm, ss = (as_int(group(v, CLOCK_TIME, i)) for i in (1, 2, 3))
    clock = f"CASE WHEN {matches(v, CLOCK_TIME)} AND {hh} < 24 AND {mm} < 60 AND {ss} < 60 THEN {hh} END"
    return f"CAST(COALESCE({clock}, {compact}) AS DOUBLE)"


def tidy_location(v: str) -> str:
    """Upper case, runs of spaces as one space."""
    return f"UPPER(TRIM(REGEXP_REPLACE({v}, {literal('[' + WHITESPACE + ']+')}, ' ', 'g')))"


def epoch_days(date: str) -> str:
    """Days from 1970-01-01 to the date (negative before)."""
    return f"DATE_DIFF('day', DATE '1970-01-01', {date})"


def is_weekend(date: str) -> str:
    """Saturday or Sunday, from the day count (1970-01-01 was a Thursday), the same on every engine."""
    return f"((({epoch_days(date)}) % 7 + 7) % 7 IN (2, 3))"


def is_night(hour: str) -> str:
    """1.0 for 22:00-05:59, 0.0 for other hours, NULL when the hour is unknown."""
    hours = ", ".join(str(h) for h in NIGHT_HOURS)
    return (
        f"CASE WHEN {hour} IS NULL THEN NULL WHEN {hour} IN ({hours}) THEN CAST(1 AS DOUBLE) ELSE CAST(0 AS DOUBLE) END"
    )
