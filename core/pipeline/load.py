"""Read a transactions file (upload or path) into the raw frame: canonical column names, every value text.

Formats: CSV (comma, semicolon or tab, detected from the header line), gzip-compressed CSV and Parquet,
recognised by their first bytes rather than by the file name. Text encodings: UTF-8 with or without a BOM,
UTF-16 with a BOM (Excel "Unicode text"), else Windows-1252 / Latin-1.

Values stay text on purpose: typing is the cleaner's job (``core.clean``), and a CSV reader that guesses types
turns ``2/8/16`` into the wrong date and ``007`` into 7. Only empty cells become missing; strings such as
``nan`` or ``NA`` are kept as written and the cleaner treats them as missing in every column alike.

CSV files are parsed with pyarrow's multi-threaded reader (about 0.2 s for a million rows on two cores,
against 0.7 s for pandas' C engine with ``dtype=str``); the slower pandas reader is only a fallback.
"""

from __future__ import annotations

import contextlib
import csv
import difflib
import io
import os
import re
import zlib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import BinaryIO

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from core.config import MAX_UPLOAD_MB, MAX_UPLOAD_ROWS, RAW_COLUMNS, REQUIRED_COLUMNS
from core.errors import DataError

Source = str | os.PathLike | bytes | bytearray | memoryview | BinaryIO

DELIMITERS: tuple[str, ...] = (",", ";", "\t")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
# A gzip upload may unpack to far more than the upload limit; stop before it exhausts memory. Twice the
# upload limit holds MAX_UPLOAD_ROWS rows of the real schema (about 65 bytes a row) with room to spare.
MAX_UNPACKED_BYTES = 2 * MAX_UPLOAD_MB * 1024 * 1024
GZIP_CHUNK_BYTES = 16 * 1024 * 1024  # unpacked in pieces of this size, so the limits apply while unpacking
CSV_BLOCK_BYTES = 4 * 1024 * 1024  # rows longer than a block need the slow fallback; 4 MB is as fast as 1 MB
SNIFF_BYTES = 64 * 1024
WIDE_NUL_SHARE = 0.9  # UTF-16/32 text without a BOM: the share of NUL bytes at the positions that hold them
MAX_CONTROL_SHARE = 0.01  # text files hold almost no control characters; random or binary data holds ~10%

BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "a ZIP archive"),
    (b"PK\x05\x06", "a ZIP archive"),
    (b"\xd0\xcf\x11\xe0", "an old Excel workbook (.xls)"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ", "an xz archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
)

# Known alternative names of each canonical column, already normalised (lower case, letters and digits only).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "TransactionID": ("transactionid", "txnid", "transid", "tranid", "txid", "transactionno", "transactionnumber"),
    "CustomerID": ("customerid", "custid", "customer", "customerno", "customernumber", "clientid", "client"),
    "CustomerDOB": ("customerdob", "custdob", "dob", "dateofbirth", "birthdate", "birthday", "birth", "born"),
    "CustGender": ("custgender", "customergender", "gender", "sex"),
    "CustLocation": ("custlocation", "customerlocation", "location", "city", "town", "place", "custcity"),
    "CustAccountBalance": (
        "custaccountbalance",
        "accountbalance",
        "balance",
        "custbalance",
        "acctbalance",
        "customerbalance",
        "bal",
    ),
    "TransactionDate": ("transactiondate", "txndate", "transdate", "trandate", "txdate", "date", "bookingdate"),
    "TransactionTime": ("transactiontime", "txntime", "transtime", "trantime", "txtime", "time"),
    "TransactionAmount (INR)": (
        "transactionamountinr",
        "transactionamount",
        "amount",
        "amountinr",
        "txnamount",
        "transamount",
        "amt",
        "spend",
        "value",
    ),
}
MIN_SIMILARITY = 0.6  # below this a name match is more often wrong than right


# ---------------------------------------------------------------------------------------------- bytes in


def read_source_bytes(source: Source) -> bytes:
    """The whole content of a path, bytes object or binary file-like (e.g. a Streamlit UploadedFile)."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source)
    if isinstance(source, (str, os.PathLike)):
        try:
            return Path(source).read_bytes()
        except OSError as exc:
            raise DataError(f"cannot open the file '{source}': {exc.strerror or exc}") from exc
    if hasattr(source, "getvalue"):  # BytesIO and Streamlit's UploadedFile: no need to mind the read position
        content = source.getvalue()
    elif hasattr(source, "read"):
        if getattr(source, "seekable", lambda: False)():
            source.seek(0)
        content = source.read()
    else:
        raise TypeError(f"cannot read transactions from a {type(source).__name__}; pass a path, bytes or a file")
    return content.encode("utf-8") if isinstance(content, str) else bytes(content)


def source_label(source: Source, name: str | None) -> str:
    """The file name used in messages ('' when unknown)."""
    if name:
        return str(name)
    if isinstance(source, (str, os.PathLike)):
        return Path(source).name
    return str(getattr(source, "name", "") or "")


def fail(label: str, message: str) -> DataError:
    """A DataError whose message starts with the file name when there is one."""
    return DataError(f"{label}: {message}" if label else message)


def unpack_gzip(data: bytes, label: str, max_rows: int = MAX_UPLOAD_ROWS) -> bytes:
    """Decompress gzip data (several members allowed), refusing archives that unpack to more than the limit.

    Lines are counted while unpacking: once a CSV without quotes (where every line break ends a row) has more
    lines than the header plus ``max_rows``, it is refused there, before the rest is unpacked and parsed.
    """
    parts: list[bytes] = []
    size = lines = 0
    quoted = False
    rest = data
    try:
        while rest:
            unpacker = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
            pending = rest
            while not unpacker.eof:
                chunk = unpacker.decompress(pending, GZIP_CHUNK_BYTES)
                pending = unpacker.unconsumed_tail
                if not chunk and not pending:
                    break
                size += len(chunk)
                parts.append(chunk)
                if size > MAX_UNPACKED_BYTES:
                    raise fail(
                        label,
                        f"the compressed file unpacks to more than {MAX_UNPACKED_BYTES // 2**20:,} "
                        "MB; upload a smaller extract",
                    )
                lines += chunk.count(b"\n")
                quoted = quoted or b'"' in chunk or parts[0].startswith(b"PAR1")
                if not quoted and lines > max_rows + 1:
                    raise fail(
                        label,
                        f"the compressed file holds more than {max_rows + 1:,} lines, more than the "
                        f"limit of {max_rows:,} rows; upload a smaller extract (for example one "
                        "quarter of transactions)",
                    )
            if not unpacker.eof:
                raise fail(label, "the gzip file is cut short or damaged; compress the CSV again and re-upload")
            rest = unpacker.unused_data.lstrip(b"\x00")  # gzip writers may pad members with zeros
    except zlib.error as exc:
        raise fail(label, "the gzip file is damaged and cannot be unpacked; compress the CSV again") from exc
    return b"".join(parts)


def describe_binary(data: bytes) -> str | None:
    """What kind of non-text file the bytes look like, or None when they may be text."""
    for signature, kind in BINARY_SIGNATURES:
        if data.startswith(signature):
            if kind == "a ZIP archive" and b"xl/" in data[:SNIFF_BYTES]:
                return "an Excel workbook (.xlsx)"
            return kind
    if b"\x00" in data:
        return "data with NUL bytes"
    return None


def binary_error(label: str, kind: str) -> DataError:
    """The message for a file that is not text: say what it looks like and how to get a CSV."""
    return fail(
        label,
        f"the file is not a CSV or Parquet file: it looks like binary data ({kind}); "
        "export it as CSV (in Excel: File > Save As > CSV UTF-8) and upload that",
    )


def detect_wide_encoding(data: bytes) -> str | None:
    """'utf-32' / 'utf-16' with a BOM, or their byte order detected from the NUL pattern of mostly-ASCII text.

    Text in UTF-16 has a NUL in every other byte (every 4 bytes hold 2 NULs), UTF-32 in three bytes of four;
    which bytes tell the byte order. None for anything else.
    """
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "utf-32"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text" export
        return "utf-16"
    sample = data[: min(len(data), SNIFF_BYTES) // 4 * 4]
    if len(sample) < 4 or b"\x00" not in sample:
        return None
    share = [sample[i::4].count(0) / (len(sample) // 4) for i in range(4)]
    nul = [x >= WIDE_NUL_SHARE for x in share]
    text = [x <= 1 - WIDE_NUL_SHARE for x in share]
    patterns = {
        "utf-32-le": (text[0], nul[1], nul[2], nul[3]),
        "utf-32-be": (nul[0], nul[1], nul[2], text[3]),
        "utf-16-le": (text[0], nul[1], text[2], nul[3]),
        "utf-16-be": (nul[0], text[1], nul[2], text[3]),
    }
    return next((codec for codec, ok in patterns.items() if all(ok)), None)


def decode_to_utf8(data: bytes, label: str) -> bytes:
    """UTF-8 bytes of the text (BOM removed): UTF-8 kept as is; UTF-16, UTF-32 and Windows-1252 converted."""
    wide = detect_wide_encoding(data)
    if wide:
        try:
            text = data.decode(wide).removeprefix("\ufeff")
        except UnicodeDecodeError as exc:
            raise fail(
                label,
                f"the file looks like {wide.upper()[:6]} text but cannot be decoded (UTF-16/32 is "
                "only read when complete): save it as CSV UTF-8 and upload that",
            ) from exc
        if has_many_control_chars(text[:SNIFF_BYTES]):
            raise binary_error(label, "unreadable characters")
        return text.encode("utf-8")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    kind = describe_binary(data)
    if kind:
        raise binary_error(label, kind)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = decode_legacy(data)
        data = text.encode("utf-8")
    if has_many_control_chars(text[:SNIFF_BYTES]):
        raise binary_error(label, "unreadable characters")
    return data


def decode_legacy(data: bytes) -> str:
    """Windows-1252 (what Excel writes on Western Windows), else Latin-1, which can decode any byte."""
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def has_many_control_chars(sample: str) -> bool:
    """True when more than 1% of the characters are control characters other than tab and line breaks."""
    if not sample:
        return False
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    return controls > MAX_CONTROL_SHARE * len(sample)


# ---------------------------------------------------------------------------------------------- CSV


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


# ---------------------------------------------------------------------------------------------- Parquet


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


# ---------------------------------------------------------------------------------------------- table


def is_link(source: Source) -> bool:
    """True for a path that is a symbolic link: its target may be any file, so errors never quote its lines."""
    return isinstance(source, (str, os.PathLike)) and Path(source).is_symlink()


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


# ---------------------------------------------------------------------------------------------- headers


def normalise_header(column: object) -> str:
    """Lower case, letters and digits only: ' Customer_ID ' -> 'customerid'."""
    return re.sub(r"[^0-9a-z]+", "", str(column).casefold())


CANONICAL_KEYS: dict[str, str] = {normalise_header(c): c for c in RAW_COLUMNS}
CANONICAL_KEYS["transactionamount"] = "TransactionAmount (INR)"  # the unit is often left off


def canonical_name(column: object) -> str | None:
    """The canonical raw column a header means, tolerating case, spaces, punctuation and a missing unit."""
    return CANONICAL_KEYS.get(normalise_header(column))


def quote_values(values: Iterable[object], limit: int = 5, width: int = 40) -> str:
    """Values for a message: "'a', 'b', 'c' and 4 more", each cut to a readable width."""
    values = list(values)
    shown = []
    for value in values[:limit]:
        text = str(value).replace("\n", " ").replace("\r", " ")
        shown.append("'" + (text if len(text) <= width else text[: width - 3] + "...") + "'")
    more = f" and {len(values) - limit:,} more" if len(values) > limit else ""
    return (", ".join(shown) or "nothing") + more


def name_similarity(target: str, source: str) -> float:
    """How well a source header matches a canonical column (1.0 for a known name or synonym)."""
    key = normalise_header(source)
    if not key:
        return 0.0
    best = 0.0
    for synonym in SYNONYMS[target]:
        if key == synonym:
            return 1.0
        if len(synonym) >= 4 and synonym in key:  # 'customer_id_no' contains 'customerid'
            best = max(best, 0.85)
        best = max(best, difflib.SequenceMatcher(None, key, synonym).ratio())
    return best


def suggest_column_mapping(columns: Sequence[str]) -> dict[str, str | None]:
    """For each canonical raw column, the most similar source column (or None), never using a column twice."""
    pairs = [
        (name_similarity(target, source), -t, -s, target, source)
        for t, target in enumerate(RAW_COLUMNS)
        for s, source in enumerate(columns)
    ]
    mapping: dict[str, str | None] = dict.fromkeys(RAW_COLUMNS)
    used: set[str] = set()
    # Greedy on the best pairs first; ties go to the earlier target and the earlier source column.
    for score, _, _, target, source in sorted(pairs, reverse=True):
        if score < MIN_SIMILARITY:
            break
        if mapping[target] is None and source not in used:
            mapping[target] = source
            used.add(source)
    return mapping


def missing_columns_message(missing: Sequence[str], found: Sequence[str]) -> str:
    """ "column 'X' is missing; found: 'a', 'b'" (plural when several)."""
    if len(missing) == 1:
        head = f"column '{missing[0]}' is missing"
    else:
        head = f"columns {quote_values(missing, limit=len(missing))} are missing"
    return f"{head}; found: {quote_values(found, limit=20)}"


def apply_column_mapping(frame: pd.DataFrame, mapping: dict[str, str | None]) -> pd.DataFrame:
    """Keep the mapped columns under their canonical names; unmapped columns are listed in attrs['dropped_columns']."""
    unknown = [target for target in mapping if target not in RAW_COLUMNS]
    if unknown:
        raise DataError(
            f"{quote_values(unknown)} is not a column the dashboard uses; "
            f"choose among {quote_values(RAW_COLUMNS, limit=len(RAW_COLUMNS))}"
        )
    chosen = {target: source for target, source in mapping.items() if source is not None}
    found = [str(c) for c in frame.columns]
    for target, source in chosen.items():
        if source not in frame.columns:
            raise DataError(
                f"column '{source}' chosen for '{target}' is not in the file; found: {quote_values(found, limit=20)}"
            )
    check_used_once(chosen)
    missing = [c for c in REQUIRED_COLUMNS if c not in chosen]
    if missing:
        raise DataError(missing_columns_message(missing, found))
    targets = [c for c in RAW_COLUMNS if c in chosen]
    out = frame[[chosen[t] for t in targets]].copy()
    out.columns = targets
    out.attrs = {"dropped_columns": [c for c in found if c not in set(chosen.values())]}
    return out


def check_used_once(chosen: dict[str, str]) -> None:
    """Refuse a mapping that uses one source column for two canonical columns."""
    targets_by_source: dict[str, list[str]] = {}
    for target, source in chosen.items():
        targets_by_source.setdefault(source, []).append(target)
    for source, targets in targets_by_source.items():
        if len(targets) > 1:
            raise DataError(
                f"column '{source}' is chosen for both {quote_values(targets)}; "
                "each column of the file can be used for one purpose only"
            )


def match_columns(columns: Sequence[str]) -> dict[str, str | None]:
    """Map headers to canonical columns by name alone; raise DataError naming missing and unexpected columns."""
    mapping: dict[str, str | None] = dict.fromkeys(RAW_COLUMNS)
    unexpected = []
    for column in columns:
        target = canonical_name(column)
        if target is None:
            unexpected.append(column)
        elif mapping[target] is not None:
            raise DataError(
                f"columns '{mapping[target]}' and '{column}' both look like '{target}'; "
                "remove one of them or choose the columns by hand"
            )
        else:
            mapping[target] = column
    missing = [c for c in REQUIRED_COLUMNS if mapping[c] is None]
    if missing:
        raise DataError(missing_columns_message(missing, columns) + unexpected_hint(missing, unexpected, columns))
    return mapping


def unexpected_hint(missing: Sequence[str], unexpected: Sequence[str], columns: Sequence[str]) -> str:
    """The unrecognised columns, with a guess for each missing column when one is plausible."""
    if len(unexpected) == len(columns):
        hint = " (none of them is recognised)"
    else:
        hint = f"; not recognised: {quote_values(unexpected, limit=20)}" if unexpected else ""
    guesses = suggest_column_mapping(unexpected)
    proposals = [f"'{guesses[m]}' for '{m}'" for m in missing if guesses.get(m)]
    if proposals:
        hint += f"; perhaps {', '.join(proposals)}? Rename those columns or choose the columns by hand"
    else:
        hint += "; rename the columns or choose them by hand"
    return hint


def load_transactions(
    source: Source, name: str | None = None, mapping: dict[str, str | None] | None = None
) -> pd.DataFrame:
    """Read a file and return the raw frame: canonical column names, all values text, extra columns dropped."""
    frame = read_table(source, name=name)
    label = source_label(source, name)
    if is_link(source) and mapping is None and not any(canonical_name(c) for c in frame.columns):
        raise fail(
            label,
            f"no column of the file is one of {quote_values(REQUIRED_COLUMNS)}: the path is a "
            "symbolic link to a file that is not in the expected format (its content is not "
            "shown); check where the link points",
        )
    try:
        if mapping is None:
            mapping = match_columns([str(c) for c in frame.columns])
        return apply_column_mapping(frame, mapping)
    except DataError as exc:
        raise fail(label, str(exc)) from exc
