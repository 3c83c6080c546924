"""Training at bank scale: the engine reads the input, cleans it and builds the customer table; the models
are fitted on a seeded sample of customers; every customer is assigned in the engine; the engine writes the
Parquet tables (customers sorted by CustomerID in row groups, plus the slim transactions).

    python -m core.train --engine duckdb --input FILE|FOLDER|GLOB --out DIR [--memory-limit 6GB]
    python -m core.train --engine spark --input PATH_OR_TABLE --out DIR [--master URL]
"""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import replace
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from core.config import FIT_SAMPLE_CUSTOMERS, PARQUET_COMPRESSION, PARQUET_ROW_GROUP_ROWS
from core.errors import DataError
from core.pipeline.columns import match_columns
from core.pipeline.engine.assign import assignment_sql
from core.pipeline.engine.steps import clean_in_engine, features_in_engine
from core.pipeline.features import CUSTOMER_COLUMNS, customers_frame, date_summary, linked_transactions_sql
from core.pipeline.persistence import CUSTOMERS_FILE, TRANSACTIONS_FILE, Artifacts
from core.pipeline.rfm import rfm_sql
from core.pipeline.source import SNIFF_BYTES, resolve_files, source_label
from core.pipeline.table import detect_delimiter, first_record, parse_header

# The fitting sample ranks the customers whose hash falls below a cut expected to keep this many times the
# sample's size (5% more: at 1M that is about 50 standard deviations of the count above it).
SAMPLE_MARGIN = 1.05


def is_parquet(path: Path) -> bool:
    """Parquet files start with PAR1, whatever their name."""
    with open(path, "rb") as handle:
        return handle.read(4) == b"PAR1"


def csv_options(first: Path) -> tuple[list[str], str, str]:
    """Header names, delimiter and encoding of a CSV file, from its first bytes (gzip read through)."""
    with open(first, "rb") as handle:
        start = handle.read(2)
    opener = gzip.open if start == b"\x1f\x8b" else open
    with opener(first, "rb") as handle:
        head = handle.read(SNIFF_BYTES)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DataError(f"{first.name}: UTF-16 text is not read at scale; save the file as UTF-8 CSV")
    try:
        text, encoding = head.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut at the end of the sample
            text, encoding = head.decode("latin-1"), "latin-1"
        else:
            text, encoding = head[: exc.start].decode("utf-8"), "utf-8"
    header = first_record(text.lstrip("\ufeff"))
    delimiter = detect_delimiter(header)
    return parse_header(header, delimiter), delimiter, encoding


def attach_duckdb_input(engine, files: list[Path]) -> tuple[list[str], list[str]]:
    """Make the input readable as ``raw_file``: its canonical columns as text, plus ``row_no``.

    Parquet parts are read in place (see parquet_rows_sql); CSV is staged once as one Parquet file of text
    columns with row numbers, because parsing the text again on every read would cost more than the copy.
    """
    parquet = is_parquet(files[0])
    names = [str(c) for c in pq.read_schema(files[0]).names] if parquet else csv_options(files[0])[0]
    mapping = match_columns(names)
    chosen = {target: source for target, source in mapping.items() if source is not None}
    items = ", ".join(f'CAST("{source}" AS VARCHAR) AS "{target}"' for target, source in chosen.items())
    dropped = [n for n in names if n not in set(chosen.values())]
    direct = parquet_rows_sql(files, items) if parquet else None
    if direct is not None:
        engine.view("raw_file", direct)
        return list(chosen), dropped
    listed = "[" + ", ".join(_literal_path(f) for f in files) + "]"
    if parquet:
        reader = f"read_parquet({listed})"
    else:
        _, delimiter, encoding = csv_options(files[0])
        reader = (
            f"read_csv({listed}, delim='{delimiter}', header=true, all_varchar=true, quote='\"', escape='\"', "
            f"encoding='{encoding}', strict_mode=true)"
        )
    staged = engine.temp_directory / "raw_input.parquet"
    # Row numbers follow the files' order: insertion order is kept for this one statement.
    engine.copy_parquet(f"SELECT {items}, ROW_NUMBER() OVER () - 1 AS row_no FROM {reader}", staged)
    engine.view("raw_file", f"SELECT * FROM read_parquet('{staged}')")
    return list(chosen), dropped


def _literal_path(path: Path) -> str:
    """A path as a SQL string literal."""
    return "'" + str(path).replace("'", "''") + "'"


def parquet_rows_sql(files: list[Path], items: str) -> str | None:
    """Parquet parts read in place, ``row_no`` = part number x 2^b + the row's position in its part.

    ``row_no`` only has to order rows as the files are listed (earlier part, then earlier row) and stay below
    2^40 (the engines' ordering key packs a day and a row into one BIGINT); b is the bits of the largest part's
    row count. Copying 10M rows into one numbered file took 46 s of a 287 s run; this costs nothing. None when
    the parts are too many or too large for 40 bits (the caller stages them).
    """
    counts = [pq.ParquetFile(f).metadata.num_rows for f in files]
    bits = max(1, max(counts).bit_length())
    if len(files) << bits > 1 << 40:
        return None
    return " UNION ALL ".join(
        f"SELECT {items}, CAST({i} AS BIGINT) * {1 << bits} + file_row_number AS row_no "
        f"FROM read_parquet({_literal_path(f)}, file_row_number = true)"
        for i, f in enumerate(files)
    )


def fingerprint(files: list[Path]) -> str:
    """sha256 of the input's bytes (streamed), file after file."""
    digest = hashlib.sha256()
    for path in files:
        with open(path, "rb") as handle:
            for block in iter(lambda h=handle: h.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def sample_customers(engine, total: int, seed: int, limit: int) -> pd.DataFrame:
    """Every customer when there are at most ``limit``, else a seeded random sample of ``limit`` of them.

    The sample is the ``limit`` customers with the smallest md5 of ``CustomerID:seed``: the same seed and
    data give the same sample on every engine. Only the IDs are ranked, and only those whose hash lies below a
    cut expected to keep SAMPLE_MARGIN times ``limit`` of them: every customer above the cut has a larger hash
    than every one below it, so when at least ``limit`` are below, the smallest ``limit`` of them are the
    smallest of all (else, about never, every customer is ranked). At 10M customers ranking whole rows took
    4.2 s, this 2.4 s.
    """
    if total <= limit:
        return customers_frame(engine)
    hashed = f"MD5(\"CustomerID\" || ':{int(seed)}')"
    ranked = 'SELECT "CustomerID" FROM (SELECT "CustomerID", {h} AS h FROM customers{where}) c ORDER BY h, "CustomerID"'
    share = SAMPLE_MARGIN * limit / total
    if share < 0.9:  # (near 1 a cut saves nothing)
        # md5 is lower-case hex on every engine, so comparing its text with an 8-digit prefix compares numbers
        cut = format(int(share * 16**8) + 1, "08x")
        engine.table("sample_ids", ranked.format(h=hashed, where=f" WHERE {hashed} < '{cut}'") + f" LIMIT {int(limit)}")
    if share >= 1 or engine.rows("SELECT COUNT(*) FROM sample_ids")[0][0] < limit:
        engine.table("sample_ids", ranked.format(h=hashed, where="") + f" LIMIT {int(limit)}")
    engine.view("customers_sample", 'SELECT * FROM customers WHERE "CustomerID" IN (SELECT * FROM sample_ids)')
    return customers_frame(engine, "customers_sample")


def top_locations(engine, n: int = 500) -> tuple[str, ...]:
    """The most common customer locations (ties in name order)."""
    rows = engine.rows(f"SELECT location FROM customers GROUP BY location ORDER BY COUNT(*) DESC, location LIMIT {n}")
    return tuple(r[0] for r in rows)


def segment_case(names: tuple[str, ...]) -> str:
    """SQL turning ``segment_rank`` into the segment name."""
    return "CASE " + " ".join(f"WHEN segment_rank = {i} THEN '{n}'" for i, n in enumerate(names)) + " END"


def segment_sizes(engine, model) -> dict[str, int]:
    """Customers per segment, over every customer (not the sample)."""
    counts = dict(
        engine.rows(f"SELECT segment_rank, COUNT(*) FROM ({assignment_sql(model, 'customers')}) a GROUP BY 1")
    )
    return {name: int(counts.get(i, 0)) for i, name in enumerate(model.names)}


def table_writer(engine, model):
    """A callback that writes customers.parquet (sorted, with segments) and transactions.parquet."""
    dates = ("first_date", "last_date")
    columns = ", ".join(f'CAST(c."{c}" AS TIMESTAMP) AS {c}' if c in dates else f'c."{c}"' for c in CUSTOMER_COLUMNS)
    # The assignment carries every column along: no join of the customers back to their own segments.
    carried = ", ".join(f'"{c}"' for c in CUSTOMER_COLUMNS)
    assigned = (
        f"SELECT {columns}, {segment_case(model.names)} AS segment "
        f"FROM ({assignment_sql(model, 'customers', keep=carried)}) c"
    )
    # With the RFM scores (quintiles of the whole base), so the app never ranks every customer at start.
    customers_sql = f'{rfm_sql("customers_out", columns="t.*")} ORDER BY "CustomerID"'
    # Grouped by customer (their rows in customers.parquet), so a customer's transactions share row groups.
    transactions_sql = linked_transactions_sql(
        order_by="customer_row, t.row_no", customers="customers_out", segment=True
    )

    def write(version: Path) -> None:
        # Each step drops what no later one reads: at 10M customers the engine otherwise holds the customers
        # twice and every clean transaction while it sorts the customers, and spills to disk under its limit.
        engine.table("customers_out", assigned)  # read four times below (three counts, the rows): computed once
        engine.release(["customers", "sample_ids"])  # customers_out has every column of customers
        write_parquet(engine, transactions_sql, version / TRANSACTIONS_FILE)
        engine.release(["clean_tx"])
        write_parquet(engine, customers_sql, version / CUSTOMERS_FILE)
        engine.release(["customers_out"])

    return write


def write_parquet(engine, sql: str, path: Path) -> None:
    """One Parquet file in the query's order; Spark writes sorted parts that are then joined in order."""
    if engine.name == "duckdb":
        engine.copy_parquet(sql, path, row_group_size=PARQUET_ROW_GROUP_ROWS)
        return
    parts = path.with_suffix(".parts")
    engine.copy_parquet(sql, parts)
    files = sorted(parts.glob("part-*.parquet"))
    writer = None
    try:
        for part in files:
            table = pq.read_table(part)
            writer = writer or pq.ParquetWriter(path, table.schema, compression=PARQUET_COMPRESSION)
            writer.write_table(table, row_group_size=PARQUET_ROW_GROUP_ROWS)
    finally:
        if writer is not None:
            writer.close()
        for part in parts.glob("*"):
            part.unlink()
        parts.rmdir()


def train_in_engine(engine, files_or_table, k: int, seed: int, timer, source: str) -> Artifacts:
    """Clean, describe, sample, fit and assign; the returned artifacts write their tables through the engine."""
    from core.pipeline.fitting import build_card, build_quality, fit_customers

    if engine.name == "duckdb":
        columns, dropped = timer.run("load", attach_duckdb_input, engine, files_or_table)
        sha = fingerprint(files_or_table)
    else:
        from core.pipeline.engine.spark import read_input

        frame, columns, dropped = timer.run("load", read_input, engine.spark, files_or_table)
        engine.register_frame("raw_file", frame)
        sha = ""
    report = timer.run("clean", clean_in_engine, engine, columns, date.today(), dropped)
    timer.run("features", features_in_engine, engine)
    (total,) = engine.rows("SELECT COUNT(*) FROM customers")[0]
    sample = timer.run("sample", sample_customers, engine, total, seed, FIT_SAMPLE_CUSTOMERS)
    fitted = fit_customers(sample, report, date_summary(engine), k, seed, timer, total, top_locations(engine))
    fitted.segmentation["sizes"] = timer.run("assign", segment_sizes, engine, fitted.models.segment)
    card = build_card(fitted, k, seed, source, sha, timer.timings)
    card = replace(card, extra={**card.extra, "engine": engine.name})
    writer = table_writer(engine, fitted.models.segment)
    return Artifacts(
        fitted.customers, fitted.transactions, fitted.models, card, build_quality(fitted), write_tables=writer
    )


def run_at_scale(
    source: str,
    out: Path,
    engine_name: str,
    k: int,
    seed: int,
    progress=None,
    memory_limit: str | None = None,
    master: str | None = None,
) -> Artifacts:
    """Train from a file, folder, glob or (Spark) table on an engine and save atomically into ``out``."""
    from core.pipeline.engine.duck import DuckDBEngine
    from core.pipeline.fitting import StageTimer
    from core.pipeline.persistence import check_out_folder, save_artifacts

    files = resolve_files(source) if engine_name == "duckdb" else []
    check_out_folder(Path(out), tuple(files) or ((Path(source),) if Path(source).exists() else ()))
    timer = StageTimer(progress)
    if engine_name == "duckdb":
        engine = DuckDBEngine(memory_limit=memory_limit)
        target = files
    else:
        from core.pipeline.engine.spark import SparkEngine, get_session

        engine = SparkEngine(get_session(master))
        target = source
    with engine:
        artifacts = train_in_engine(engine, target, k, seed, timer, source_label(source, None))
        saved = timer.run("save", save_artifacts, artifacts, Path(out))
    return replace(saved, card=replace(saved.card, timings=dict(timer.timings)))
