"""Writing generated transactions: one CSV (gzip when named .gz) or a folder of Parquet parts, atomically.

CSV is written block by block through one stream, Parquet as one part per block made by worker processes,
so memory stays bounded by a few blocks whatever the row count. A file or folder appears complete or not at
all (temp name, then rename); an existing folder is only replaced when it holds nothing but generated parts.
"""

from __future__ import annotations

import gzip
import io
import multiprocessing
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from core.errors import DataError
from core.pipeline.synth.blocks import generate_block, plan_blocks

_GZIP_LEVEL = 3  # twice as fast as zlib's default 6 on this file, for a file ~7% bigger
_PART_NAME = "part-{:05d}.parquet"
_PARQUET_COMPRESSION = "zstd"


def csv_bytes(table: pa.Table, header: bool) -> bytes:
    """Rows as CSV text with minimal quoting (only cells holding a comma, quote or line break), '' for missing."""
    cells = [_quote_if_needed(column.combine_chunks()) for column in table.columns]
    lines = pc.binary_join_element_wise(*cells, ",", null_handling="replace", null_replacement="")
    lines = pc.binary_join_element_wise(lines, "\n", "")
    body = b"".join(_string_data(chunk) for chunk in pa.chunked_array([lines]).chunks if len(chunk))
    return ((",".join(table.column_names) + "\n").encode() if header else b"") + body


def _string_data(array: pa.Array) -> memoryview:
    """The concatenated bytes of a text array without nulls (its data buffer between the first and last offset)."""
    _, offsets, data = array.buffers()
    bounds = np.frombuffer(offsets, dtype=np.int32, count=len(array) + 1, offset=array.offset * 4)
    return memoryview(data)[bounds[0] : bounds[-1]]


def _quote_if_needed(column: pa.Array) -> pa.Array:
    """A text column with cells that hold a comma, quote or line break quoted, as the csv module does."""
    column = column.cast(pa.string())
    needs = pc.match_substring_regex(column, r'[,"\n\r]')
    quoted = pc.binary_join_element_wise('"', pc.replace_substring(column, '"', '""'), '"', "")
    return pc.if_else(needs, quoted, column)


def write_csv_blocks(tables: Iterable[pa.Table], path: str | os.PathLike[str]) -> Path:
    """Write tables one after the other as one CSV (gzip when the name ends in .gz) via a temp file and rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as raw:
            # mtime=0 and no file name in the gzip header, so the same rows always give the same bytes.
            sink = (
                gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="", compresslevel=_GZIP_LEVEL)
                if path.name.endswith(".gz")
                else io.BufferedWriter(raw)
            )
            with sink:
                for number, table in enumerate(tables):
                    sink.write(csv_bytes(table, header=number == 0))
        os.chmod(tmp, 0o644)  # mkstemp makes the file private; the data file is meant to be shared
        os.replace(tmp, path)  # atomic: readers see the old file or the whole new one, never half a file
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_frame(frame: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write a raw frame of text columns as CSV (gzip when the name ends in .gz); return the path."""
    return write_csv_blocks([pa.Table.from_pandas(frame, preserve_index=False)], path)


def generated_blocks(rows: int, seed: int) -> Iterator[pa.Table]:
    """The blocks of a generated file, in order, one at a time."""
    for index, (start, size) in enumerate(plan_blocks(rows)):
        yield generate_block(seed, index, start, size, rows)


def write_parquet_parts(rows: int, seed: int, folder: str | os.PathLike[str], workers: int = 2) -> Path:
    """Generate `rows` transactions into `folder` as Parquet parts (one per block), `workers` blocks at a time."""
    folder = Path(folder)
    _check_replaceable(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".tmp", dir=folder.parent))
    try:
        jobs = [
            (seed, index, start, size, rows, str(tmp / _PART_NAME.format(index)))
            for index, (start, size) in enumerate(plan_blocks(rows))
        ]
        if workers <= 1 or len(jobs) == 1:
            for job in jobs:
                _write_part(*job)
        else:
            # spawn, not fork: a forked child would inherit Arrow's and numpy's thread pools mid-flight.
            with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
                list(pool.map(_write_part, *zip(*jobs, strict=True)))
        os.chmod(tmp, 0o755)
        old = (
            Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".old", dir=folder.parent))
            if folder.exists()
            else None
        )
        if old is not None:
            os.replace(folder, old)  # a folder may be renamed onto an empty one
        os.replace(tmp, folder)
        if old is not None:
            shutil.rmtree(old)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return folder


def _write_part(seed: int, index: int, start: int, size: int, rows: int, path: str) -> None:
    """Make one block and write it as a Parquet file (run in a worker process)."""
    # store_schema=False: readers see plain text columns, not the dictionary type used to build them.
    table = generate_block(seed, index, start, size, rows)
    pq.write_table(table, path, compression=_PARQUET_COMPRESSION, store_schema=False)


def _check_replaceable(folder: Path) -> None:
    """Refuse to replace anything but a folder of parts this generator wrote (or nothing)."""
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise DataError(f"{folder} exists and is not a folder of generated parts; choose another --out")
    if folder.is_dir():
        foreign = [p.name for p in folder.iterdir() if not (p.name.startswith("part-") and p.suffix == ".parquet")]
        if foreign:
            raise DataError(
                f"{folder} holds other files ({', '.join(sorted(foreign)[:3])}); "
                "it is only replaced when it holds nothing but generated Parquet parts"
            )
