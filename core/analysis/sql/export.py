"""A filtered customer list streamed to a CSV file by DuckDB (COPY), never built as a frame in Python memory.

The file is what present.export.to_csv_bytes writes for the same customers: a UTF-8 BOM (so Excel reads any
script), readable headers, money rounded as in customer_table, Male/Female for the gender codes, ISO dates, and
text a spreadsheet could run as a formula neutralised with a leading apostrophe (the same test, written as SQL).
"""

from __future__ import annotations

import codecs
import os
import shutil
import tempfile
import unicodedata
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from core.analysis.filters import Filters
from core.analysis.sql.predicates import Predicate, filters_predicate
from core.analysis.sql.source import RFM_TABLE, ROW_COLUMN, VersionSource
from core.pipeline.clean import FORMULA_STARTS


def _char_class(chars: list[str]) -> str:
    """A regex character class of these characters, each as a \\x{...} escape (RE2 syntax)."""
    return "[" + "".join(f"\\x{{{ord(c):04x}}}" for c in chars) + "]"


# Every character Python's str.lstrip skips, and every one whose NFKC form starts a formula (＝, ﹢, ⁺, ...):
# RE2 has no NFKC and its \s is ASCII only, so both sets are spelled out from the same rules the pandas test uses.
_SPACE = _char_class([chr(i) for i in range(0x3001) if chr(i).isspace()])
_STARTS = _char_class([chr(i) for i in range(0x10000) if unicodedata.normalize("NFKC", chr(i))[:1] in FORMULA_STARTS])
_SIGNS = _char_class([chr(i) for i in range(0x10000) if unicodedata.normalize("NFKC", chr(i)) in ("+", "-")])
_RISKY = (
    f"(regexp_matches({{c}}, '^{_SPACE}*{_STARTS}') "
    f"AND NOT regexp_matches({{c}}, '^{_SPACE}*{_SIGNS}[ ]?[0-9][0-9 ,]*([.][0-9]+)?$')) "
    "OR regexp_matches({c}, '^[\\t\\r]')"
)


# A cell starting with an ASCII letter or digit is never risky (no space, sign, formula start, tab or CR comes
# first): nearly every cell, so the regular expressions run on the few others only.
_PLAIN = "(ascii({c}) BETWEEN 48 AND 57 OR ascii({c}) BETWEEN 65 AND 90 OR ascii({c}) BETWEEN 97 AND 122)"


def safe_text(column: str, header: str) -> str:
    """A text column (or expression), neutralised when risky, under its header (quotes already doubled)."""
    c = f"{column}::VARCHAR"
    plain, risky = _PLAIN.replace("{c}", c), _RISKY.replace("{c}", c)
    return f"CASE WHEN {plain} THEN {c} WHEN {risky} THEN '''' || {c} ELSE {c} END AS \"{header}\""


def export_columns(columns: list[str]) -> list[str]:
    """The SELECT list of a customer download: customer_table's columns, rounding and headers, as SQL."""
    from core.analysis.rfm import RFM_LABELS
    from core.pipeline.features import FEATURES
    from core.pipeline.rfm import SCORE_COLUMNS, SEGMENT_COLUMN
    from core.present.formats import GENDER_LABELS, feature_kind, header, kind_format

    order = ("CustomerID", "segment", SEGMENT_COLUMN, *SCORE_COLUMNS, *FEATURES, "first_date", "last_date")
    select = []
    for name in (c for c in order if c in columns):
        label = (RFM_LABELS.get(name) or header(name)).replace('"', '""')
        kind, decimals = feature_kind(name), kind_format(name).decimals
        if name == "gender":  # Male/Female as in the interface and customer_table (GENDER_LABELS, then as written)
            cases = " ".join(f"WHEN '{code}' THEN '{text}'" for code, text in GENDER_LABELS.items())
            select.append(safe_text(f"(CASE gender::VARCHAR {cases} ELSE gender::VARCHAR END)", label))
        elif name in ("CustomerID", "segment", SEGMENT_COLUMN) or kind == "category":
            select.append(safe_text(name, label))
        elif kind == "years":
            select.append(f'round_even({name}, 0)::BIGINT AS "{label}"')
        elif decimals is not None and kind in ("money", "share", "hour"):
            # numpy's rounding (rint of value x 10^d, halves to even), so the file equals the in-memory download
            scale = 10**decimals
            select.append(f'round_even({name}::DOUBLE * {scale}, 0) / {scale} AS "{label}"')
        elif name in ("first_date", "last_date"):
            select.append(f'{name}::DATE AS "{label}"')
        else:
            select.append(f'{name} AS "{label}"')
    return select


def write_customers_csv(source: VersionSource, filters: Filters, path: Path, where: Predicate | None = None) -> int:
    """Write the filtered customers as CSV to `path` (atomically: a temporary file, then a rename); their count.

    `where`, when given, is the whole clause instead of the filters' (e.g. the view and a region of the map).
    """
    where = where or filters_predicate(filters)
    columns = source.query("SELECT * FROM customers LIMIT 0").columns.tolist()
    select = ", ".join(export_columns(columns))
    sql = f"SELECT {select} FROM {RFM_TABLE} WHERE {where.sql} ORDER BY CustomerID"
    return copy_csv(source, sql, where.params, path)


def copy_csv(source: VersionSource, sql: str, params: Sequence, path: Path) -> int:
    """Write a query's rows as CSV to `path` with a UTF-8 BOM, atomically (a temporary file, then a rename); the
    number of rows. The query names its readable headers and neutralises its text (safe_text)."""
    path = Path(path)
    fd, body = tempfile.mkstemp(dir=path.parent, prefix=".export-", suffix=".csv")
    os.close(fd)
    try:
        cursor = source.cursor(sql)
        try:
            # COPY takes no parameters in its file name; the name is ours (mkstemp), quoted anyway.
            target = "'" + body.replace("'", "''") + "'"
            cursor.execute(f"COPY ({sql}) TO {target} (FORMAT csv, HEADER true)", list(params))
            rows = cursor.execute(f"SELECT count(*) FROM ({sql}) q", list(params)).fetchone()
        finally:
            cursor.close()
        final = path.with_name(f".{path.name}.part")
        with open(final, "wb") as out, open(body, "rb") as src:
            out.write(codecs.BOM_UTF8)
            shutil.copyfileobj(src, out, 1 << 20)
        os.replace(final, path)
        return int(rows[0])
    finally:
        Path(body).unlink(missing_ok=True)


def read_customers(source: VersionSource, filters: Filters, where: Predicate | None = None) -> pd.DataFrame:
    """The filtered customers (or those of `where`) as a frame in file order, index = row in customers.parquet.

    For a short list's in-memory download only, built when it is clicked; long lists go through
    write_customers_csv instead.
    """
    where = where or filters_predicate(filters)
    found = source.query(f"SELECT * FROM {RFM_TABLE} WHERE {where.sql} ORDER BY {ROW_COLUMN}", where.params)
    found.index = pd.Index(found.pop(ROW_COLUMN).to_numpy(dtype="int64"))
    found["segment"] = pd.Categorical(found["segment"], categories=list(source.segment_names), ordered=True)
    return found
