"""Read a transactions file (upload or path) into the raw frame: canonical column names, every value text.

Formats: CSV (comma, semicolon or tab, detected from the header line), gzip-compressed CSV and Parquet,
recognised by their first bytes rather than by the file name. Text encodings: UTF-8 with or without a BOM,
UTF-16 with a BOM (Excel "Unicode text"), else Windows-1252 / Latin-1.

Values stay text on purpose: typing is the cleaner's job (``core.pipeline.clean``), and a CSV reader that guesses types
turns ``2/8/16`` into the wrong date and ``007`` into 7. Only empty cells become missing; strings such as
``nan`` or ``NA`` are kept as written and the cleaner treats them as missing in every column alike.

CSV files are parsed with pyarrow's multi-threaded reader (about 0.2 s for a million rows on two cores,
against 0.7 s for pandas' C engine with ``dtype=str``); the slower pandas reader is only a fallback.

The steps live by concern: ``source`` (bytes in: gzip, encodings, other kinds of file), ``table`` (CSV and
Parquet into an all-text table), ``columns`` (which column is which); this module joins them and re-exports
their public names, so callers keep importing from ``core.pipeline.load``.
"""

from __future__ import annotations

import pandas as pd

from core.config import REQUIRED_COLUMNS
from core.errors import DataError
from core.pipeline.columns import (
    SYNONYMS,
    apply_column_mapping,
    canonical_name,
    match_columns,
    missing_columns_message,
    normalise_header,
    quote_values,
    suggest_column_mapping,
)
from core.pipeline.source import (
    MAX_UNPACKED_BYTES,
    SNIFF_BYTES,
    Source,
    decode_to_utf8,
    fail,
    is_link,
    read_source_bytes,
    source_label,
    unpack_gzip,
)
from core.pipeline.table import (
    DELIMITERS,
    detect_delimiter,
    first_record,
    parse_header,
    read_table,
    unique_names,
)

__all__ = [
    "DELIMITERS",
    "MAX_UNPACKED_BYTES",
    "SNIFF_BYTES",
    "SYNONYMS",
    "Source",
    "apply_column_mapping",
    "canonical_name",
    "decode_to_utf8",
    "detect_delimiter",
    "fail",
    "first_record",
    "is_link",
    "load_transactions",
    "match_columns",
    "missing_columns_message",
    "normalise_header",
    "parse_header",
    "quote_values",
    "read_source_bytes",
    "read_table",
    "source_label",
    "suggest_column_mapping",
    "unique_names",
    "unpack_gzip",
]


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
