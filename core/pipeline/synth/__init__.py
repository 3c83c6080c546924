"""Seeded generator of realistic bank transactions in the exact raw schema of the public dataset.

The public "Bank Customer Segmentation (1M+ transactions)" file cannot be downloaded, so the app ships this
generator as its embedded default data. It writes the raw text formats (``d/m/yy`` dates, the ``1/1/1800``
placeholder, HHMMSS times without leading zeros, empty cells for missing values, quoted locations with commas)
and matches the published figures and the first 20,000 real rows where the analysis depends on them (see
``model`` for the customer and money model, ``places`` for locations, ``blocks`` for how any size is made in
bounded memory). Same seed, same data; same seed and row count, same bytes.

CLI: ``python -m core.synth --rows N --seed S --out PATH`` (a ``.csv`` or ``.csv.gz`` file, or a folder of
Parquet parts).
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pyarrow as pa

from core.config import DEFAULT_ROWS, DEFAULT_SEED
from core.errors import DataError
from core.pipeline.synth.blocks import MISSING_PER_DEFAULT, PLACEHOLDER_DOB
from core.pipeline.synth.cli import main
from core.pipeline.synth.output import generated_blocks, write_csv_blocks, write_frame, write_parquet_parts

__all__ = [
    "MISSING_PER_DEFAULT",
    "PLACEHOLDER_DOB",
    "generate_transactions",
    "main",
    "write_csv_blocks",
    "write_parquet_parts",
    "write_transactions",
]


def generate_transactions(rows: int = DEFAULT_ROWS, seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """A seeded frame of raw transactions: the raw columns as text exactly as written, NaN where missing."""
    if rows < 1:
        raise DataError(f"the number of rows to generate must be at least 1; got {rows}")
    table = pa.concat_tables(generated_blocks(rows, seed))
    table = table.cast(pa.schema([(name, pa.string()) for name in table.column_names]))
    return table.to_pandas(types_mapper={pa.string(): pd.StringDtype("pyarrow", na_value=float("nan"))}.get)


def write_transactions(frame: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write a raw frame as CSV (gzip when the name ends in .gz) via a temp file and rename; return the path."""
    return write_frame(frame, path)
