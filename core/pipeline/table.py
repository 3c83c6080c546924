"""An all-text table from a file's bytes: CSV (comma, semicolon or tab, detected from the header line) or
Parquet, recognised by their first bytes rather than by the file name.

Values stay text on purpose: typing is the cleaner's job, and a CSV reader that guesses types turns ``2/8/16``
into the wrong date and ``007`` into 7. Only empty cells become missing. CSV files are parsed with pyarrow's
multi-threaded reader (about 0.2 s for a million rows on two cores, against 0.7 s for pandas' C engine with
``dtype=str``); the slower pandas reader is only a fallback.
"""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Sequence

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from core.config import MAX_UPLOAD_ROWS
from core.errors import DataError
from core.pipeline.source import (
    SNIFF_BYTES,
    Source,
    decode_to_utf8,
    fail,
    is_link,
    read_source_bytes,
    source_label,
    unpack_gzip,
)

DELIMITERS: tuple[str, ...] = (",", ";", "\t")


DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}


CSV_BLOCK_BYTES = 4 * 1024 * 1024  # rows longer than a block need the slow fallback; 4 MB is as fast as 1 MB


def first_record(text: str) -> str:
    """The header line: the first non-blank line, where line breaks inside quotes do not end it."""
    text = text.lstrip("\r\n")
    in_quotes = False
    for i, ch in enumerate(text):
        if ch == '"':
            in_quotes = not in_quotes
        elif ch in "\r\n" and not in_quotes:
            return text[:i]
    return text


def detect_delimiter(header: str) -> str:
    """The delimiter among comma, semicolon and tab that occurs most often outside quotes in the header line."""
    counts = dict.fromkeys(DELIMITERS, 0)
    in_quotes = False
    for ch in header:
        if ch == '"':
            in_quotes = not in_quotes
        elif ch in counts and not in_quotes:
            counts[ch] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])  # ties keep the first, so comma wins
    return best if counts[best] else ","


def parse_header(header: str, delimiter: str) -> list[str]:
    """The column names of the header line, unquoted ([] when the line cannot be split)."""
    try:
        return next(csv.reader(io.StringIO(header, newline=""), delimiter=delimiter), [])
    except csv.Error:
        return []  # pyarrow then guesses the types and the pandas fallback reads the file as text


def read_csv_bytes(
    data: bytes, delimiter: str, names: list[str], max_rows: int, label: str, quote: bool = True
) -> pd.DataFrame:
    """Parse UTF-8 CSV bytes into an all-text frame; ragged rows raise DataError naming (and quoting) the line."""
    try:
        table = pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(block_size=CSV_BLOCK_BYTES),
            parse_options=csv_parse_options(delimiter),
            convert_options=csv_convert_options(names),
        )
    except pa.ArrowInvalid as exc:
        bad_row = find_ragged_row(data, delimiter, names)
        if bad_row is not None:
            raise ragged_row_error(label, delimiter, *bad_row, quote=quote) from exc
        table = None  # e.g. a single value longer than a block: let the slower reader try
    if table is None or any(not pa.types.is_string(t) for t in table.schema.types):
        # pyarrow failed, or our header parse disagreed with pyarrow's and it guessed types on some column
        frame = read_csv_with_pandas(data, delimiter, label)
        check_row_count(len(frame), max_rows, label)
        return frame
    check_row_count(table.num_rows, max_rows, label)  # before the conversion, which doubles the memory
    return table.to_pandas()


def csv_parse_options(delimiter: str, handler=None) -> pacsv.ParseOptions:
    """Standard quoting; quoted values may hold line breaks."""
    return pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True, invalid_row_handler=handler)


def csv_convert_options(names: list[str]) -> pacsv.ConvertOptions:
    """Every column as text; only empty cells become missing."""
    return pacsv.ConvertOptions(
        column_types={n: pa.string() for n in names},
        null_values=[""],
        strings_can_be_null=True,
        quoted_strings_can_be_null=True,
    )


def find_ragged_row(data: bytes, delimiter: str, names: list[str]) -> tuple[int | None, int, int, str] | None:
    """The first row whose number of values differs from the header: (row number, expected, found, text)."""
    found: list[tuple[int | None, int, int, str]] = []

    def note_row(row) -> str:
        if not found:
            found.append((row.number, row.expected_columns, row.actual_columns, row.text))
        return "skip"

    # Single-threaded so that pyarrow knows the row number; this pass only runs on files that failed.
    options = pacsv.ReadOptions(use_threads=False, block_size=CSV_BLOCK_BYTES)
    with contextlib.suppress(pa.ArrowInvalid):
        pacsv.read_csv(
            io.BytesIO(data),
            read_options=options,
            parse_options=csv_parse_options(delimiter, note_row),
            convert_options=csv_convert_options(names),
        )
    return found[0] if found else None


def ragged_row_error(
    label: str, delimiter: str, number: int | None, expected: int, actual: int, text: str, quote: bool = True
) -> DataError:
    """Explain a row with too many or too few values, quoting the line unless ``quote`` is False."""
    where = f"line {number}" if number else "a line"
    snippet = text if len(text) <= 80 else text[:77] + "..."
    shown = f": {snippet!r}" if quote else ""
    hint = (
        f"a text value probably contains a {DELIMITER_NAMES[delimiter]} without quotes around it"
        if actual > expected
        else "values are missing or the line was cut short"
    )
    values = "value" if actual == 1 else "values"
    return fail(
        label,
        f"the file is not a well-formed CSV: {where} has {actual} {values} but the header has "
        f"{expected} columns ({hint}){shown}; fix that line and upload again",
    )


def read_csv_with_pandas(data: bytes, delimiter: str, label: str) -> pd.DataFrame:
    """Slower fallback parser (pandas' C engine) for files pyarrow cannot split into blocks."""
    try:
        return pd.read_csv(
            io.BytesIO(data),
            sep=delimiter,
            dtype=str,
            keep_default_na=False,
            na_values=[""],
            encoding="utf-8",
            engine="c",
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise fail(
            label,
            f"the file is not a well-formed CSV ({first_sentence(exc)}); check the line it names and upload again",
        ) from exc


def first_sentence(exc: Exception) -> str:
    """The first line of an exception message, without pandas' 'C error:' jargon."""
    return str(exc).strip().splitlines()[0].replace("Error tokenizing data. C error: ", "")


def read_parquet_bytes(data: bytes, max_rows: int, label: str) -> pd.DataFrame:
    """Read a Parquet file as a table of text columns, refusing it before reading when it is too long."""
    try:
        parquet = pq.ParquetFile(io.BytesIO(data))
        check_row_count(parquet.metadata.num_rows, max_rows, label)
        table = parquet.read()
    except (pa.ArrowException, OSError) as exc:
        raise fail(label, "the Parquet file is damaged or incomplete and cannot be read; export it again") from exc
    columns = {
        name: column_as_text(table.column(i), name, label) for i, name in enumerate(unique_names(table.column_names))
    }
    return pa.table(columns).to_pandas()


def column_as_text(column: pa.ChunkedArray, name: str, label: str) -> pa.ChunkedArray:
    """A Parquet column as strings: dates as ISO text, numbers as written, empty strings as missing."""
    kind = column.type
    try:
        if pa.types.is_dictionary(kind):
            column = column.cast(kind.value_type)
            kind = kind.value_type
        if pa.types.is_timestamp(kind):
            # Date-only timestamps are written as dates, which the cleaner reads like any ISO date.
            midnight = pc.all(pc.equal(pc.floor_temporal(column, unit="day"), column)).as_py()
            text = pc.strftime(column, format="%Y-%m-%d" if midnight in (True, None) else "%Y-%m-%d %H:%M:%S")
        else:
            text = column.cast(pa.string())
    except (pa.ArrowNotImplementedError, pa.ArrowInvalid) as exc:
        raise fail(
            label, f"column '{name}' of the Parquet file holds {kind} values, not plain text or numbers"
        ) from exc
    return pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)


def read_table(source: Source, name: str | None = None, max_rows: int = MAX_UPLOAD_ROWS) -> pd.DataFrame:
    """Read a CSV, gzip-compressed CSV or Parquet file (path, bytes or upload) into an all-text frame."""
    label = source_label(source, name)
    data = read_source_bytes(source)
    if data.startswith(b"\x1f\x8b"):
        data = unpack_gzip(data, label, max_rows)
    if not data.strip():
        raise fail(label, "the file is empty (0 bytes of data); choose the file that holds the data")
    if data.startswith(b"PAR1"):
        frame = read_parquet_bytes(data, max_rows, label)
    else:
        frame = read_csv_text(data, max_rows, label, quote=not is_link(source))
    if frame.empty:
        raise fail(label, "the file has a header but no rows; check that the export really contains data")
    frame.columns = unique_names([str(c) for c in frame.columns])
    return frame


def read_csv_text(data: bytes, max_rows: int, label: str, quote: bool = True) -> pd.DataFrame:
    """Decode and parse CSV bytes, detecting the encoding and the delimiter."""
    data = decode_to_utf8(data, label)
    header = first_record(data[:SNIFF_BYTES].decode("utf-8", errors="ignore"))
    if not header.strip():
        raise fail(label, "the file is empty (0 bytes of data); choose the file that holds the data")
    delimiter = detect_delimiter(header)
    return read_csv_bytes(data, delimiter, parse_header(header, delimiter), max_rows, label, quote)


def check_row_count(rows: int, max_rows: int, label: str) -> None:
    """Refuse files with more rows than the stated limit."""
    if rows > max_rows:
        raise fail(
            label,
            f"the file has {rows:,} rows, more than the limit of {max_rows:,} rows; "
            "upload a smaller extract (for example one quarter of transactions)",
        )


def unique_names(names: Sequence[str]) -> list[str]:
    """Column names made unique ('a', 'a.1') and never blank, so every column can be named in messages."""
    seen: dict[str, int] = {}
    out = []
    for i, name in enumerate(names):
        name = name if name.strip() else f"(unnamed column {i + 1})"
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        seen.setdefault(name, 0)
        out.append(name)
    return out
