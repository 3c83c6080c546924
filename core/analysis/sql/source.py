"""One artifact version opened read-only in DuckDB: views over its customers and transactions Parquet files.

The version folder comes from a verified load (persistence.load_artifacts checks the signature and every file's
sha256 first), and Parquet holds no code, so reading it here is safe. Each query runs on its own cursor, so
Streamlit sessions can share one source (a DuckDB connection must not be used by two threads at once).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import threading
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from core.config import APP_QUERY_MEMORY_LIMIT, MOVEMENT_TABLES, PARQUET_COMPRESSION
from core.pipeline.files import CUSTOMERS_FILE, TRANSACTIONS_FILE
from core.pipeline.rfm import RFM_COLUMNS, rfm_sql

BASE_TABLE = "base_customers"  # customers.parquet as saved
RFM_TABLE = "customers"  # the same rows with the RFM scores (a join: asked only when they are needed)
ROW_COLUMN = "file_row_number"  # a customer's row in customers.parquet; transactions link to it (customer_row)
SAMPLE_TABLE = "sampled_customers"  # every K-th customer by hash(row), with every column of `customers` (the row too)


def quote_path(path: Path) -> str:
    """A file path as an SQL string literal (quotes doubled): paths are ours, but never trust a name."""
    return "'" + str(path).replace("'", "''") + "'"


SPILL_PREFIX = "segment-studio-query-"  # then the owning process's id: segment-studio-query-<pid>-<random>


def remove_stale_spills() -> list[Path]:
    """Remove the spill folders of query engines whose server process is gone; returns them.

    A server stopped by SIGTERM or a crash runs no exit handler, and its folder can hold gigabytes (14 GB after
    the pages of an 85M-customer dataset). A folder whose process still runs, or of another user, is left alone.
    """
    removed = []
    for folder in Path(tempfile.gettempdir()).glob(f"{SPILL_PREFIX}*-*"):
        found = re.fullmatch(re.escape(SPILL_PREFIX) + r"(\d+)-.+", folder.name)
        if not found or not folder.is_dir() or folder.is_symlink():
            continue
        try:
            os.kill(int(found.group(1)), 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
        except (PermissionError, OverflowError):
            continue  # alive under another user, or not a process id at all
    return removed


@dataclass
class VersionSource:
    """DuckDB views `base_customers` (the Parquet file), `customers` (with RFM scores) and `transactions`."""

    folder: Path
    segment_names: tuple[str, ...]
    memory_limit: str = APP_QUERY_MEMORY_LIMIT
    threads: int = 2
    defer_sample: bool = False  # while set, sample_table(wait=False) starts no writer (the warm-up's Home goes first)
    _connection: duckdb.DuckDBPyConnection | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _rows: int | None = field(default=None, repr=False)
    _rfm_ready: bool = field(default=False, repr=False)
    _made: list[str] = field(default_factory=list, repr=False)  # tables made by `materialise`, oldest first
    _make_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _spill: str = field(default="", repr=False)  # the connection's spill folder
    _sample_step: int = field(default=0, repr=False)  # K of the sample table written so far (0: none yet)
    _sample_begun: int = field(default=0, repr=False)  # K of the sample table a background thread was started for
    _tx_segments: bool = field(default=False, repr=False)  # the transactions carry their customer's segment

    def connection(self) -> duckdb.DuckDBPyConnection:
        """The shared connection, opened and given its views on first use."""
        with self._lock:
            if self._connection is None:
                self._connection = self._open()
            return self._connection

    def _open(self) -> duckdb.DuckDBPyConnection:
        # Spills go to a folder of their own under the system's temporary directory (DuckDB's default for an
        # in-memory database is '.tmp' in the working directory, which would be the project folder).
        remove_stale_spills()
        self._spill = tempfile.mkdtemp(prefix=f"{SPILL_PREFIX}{os.getpid()}-")
        # The app never closes a source it keeps until the server stops: its folder goes when collected or at exit,
        # and a server stopped by a signal (no exit handlers run) leaves it to the next one, remove_stale_spills.
        weakref.finalize(self, shutil.rmtree, self._spill, True)
        config = {"memory_limit": self.memory_limit, "threads": self.threads, "temp_directory": self._spill}
        con = duckdb.connect(config=config)
        customers = quote_path(self.folder / CUSTOMERS_FILE)
        transactions = quote_path(self.folder / TRANSACTIONS_FILE)
        con.execute(f"CREATE VIEW base_customers AS SELECT * FROM read_parquet({customers}, file_row_number=true)")
        names = con.execute("DESCRIBE base_customers").fetchdf()["column_name"].tolist()
        if all(c in names for c in RFM_COLUMNS):
            con.execute(f"CREATE VIEW {RFM_TABLE} AS SELECT * FROM base_customers")
            self._rfm_ready = True
        tx_columns = con.execute(f"DESCRIBE SELECT * FROM read_parquet({transactions})").fetchdf()["column_name"]
        if "customer_row" in set(tx_columns):
            con.execute(f"CREATE VIEW transactions AS SELECT * FROM read_parquet({transactions})")
            # Written since the segment was carried (features.linked_transactions_sql); older versions join.
            self._tx_segments = "segment" in set(tx_columns)
        else:
            # Written by the engine at scale, without the row link: linked once here (each transaction to the first
            # customer with its exact ID, -1 for none, as pipeline.link.link_transactions does in memory), kept as
            # a slim table (date, hour, amount, row: about 28 bytes a transaction) so queries never join by ID.
            con.execute(
                f"""CREATE TABLE transactions AS SELECT t.date, t.hour, t.amount,
                    coalesce(c.row, -1)::INTEGER AS customer_row
                FROM read_parquet({transactions}) t LEFT JOIN (SELECT CustomerID, min({ROW_COLUMN}) AS row
                    FROM base_customers GROUP BY CustomerID) c ON t.customer_id = c.CustomerID"""
            )
        return con

    def _ensure_rfm(self, sql: str) -> None:
        """Before the first query that reads the RFM view: rank the whole base once into a table (one sort, ~1-2 s
        on 900k customers), as load_version does in memory for artifacts saved without RFM scores."""
        if self._rfm_ready or not re.search(rf"\b{RFM_TABLE}\b", sql):
            return
        con = self.connection()
        with self._lock:
            if self._rfm_ready:
                return
            scored = rfm_sql(BASE_TABLE, key=ROW_COLUMN)
            con.execute(f"CREATE TABLE rfm AS {scored}")
            con.execute(
                f"CREATE VIEW {RFM_TABLE} AS SELECT c.*, "
                + ", ".join(f"r.{col}" for col in RFM_COLUMNS)
                + f" FROM {BASE_TABLE} c JOIN rfm r USING ({ROW_COLUMN})"
            )
            self._rfm_ready = True

    def sample_table(self, step: int, wait: bool = True) -> str | None:
        """The name of a view of every `step`-th customer by hash of its row (hash(file_row_number) % step = 0), with
        every column of `customers`, written once to a Parquet file in the connection's spill folder.

        The medians of large groups read their fixed sample from it (quantiles.plan_quantiles): about 2 million rows
        whatever the dataset's size, instead of a scan of the whole base. Writing it is one scan of every column
        (about 1.6 s at 10M customers), so with `wait=False` a table not written yet is started in a background
        thread and None is returned: the caller reads the same customers from the base meanwhile, more slowly.
        """
        if step < 2:
            raise ValueError(f"a sample table keeps every k-th customer for k >= 2, not {step}")
        if self._sample_step == step:
            return SAMPLE_TABLE
        if not wait:
            if self.defer_sample:
                return None
            with self._lock:
                begun, self._sample_begun = self._sample_begun, step
            if begun != step:
                threading.Thread(target=self._write_sample, args=(step, False), daemon=True).start()
            return None
        self._write_sample(step)
        return SAMPLE_TABLE

    def _write_sample(self, step: int, strict: bool = True) -> None:
        """Write the sample table of `step` unless it is there (a failure in the background only leaves it out)."""
        self.connection()  # opened first: the spill folder the file goes to is made with the connection
        with self._make_lock:
            if self._sample_step == step:
                return
            path = Path(self._spill) / f"sample-{step}.parquet"
            picked = f"SELECT * FROM {RFM_TABLE} WHERE hash({ROW_COLUMN}) % {int(step)} = 0"
            options = f"FORMAT parquet, COMPRESSION {PARQUET_COMPRESSION}"
            try:
                cursor = self.cursor(picked)
                try:
                    cursor.execute(f"COPY ({picked}) TO {quote_path(path)} ({options})")
                    cursor.execute(f"CREATE OR REPLACE VIEW {SAMPLE_TABLE} AS FROM read_parquet({quote_path(path)})")
                finally:
                    cursor.close()
            except (duckdb.Error, OSError):
                if strict:
                    raise
                return  # the medians keep reading their sample from the base
            self._sample_step = step

    def cursor(self, sql: str) -> duckdb.DuckDBPyConnection:
        """A fresh cursor ready for `sql` (the RFM view is built first if `sql` reads it); close it after use."""
        self._ensure_rfm(sql)
        return self.connection().cursor()

    def materialise(self, name: str, sql: str, params: Sequence | None = None, keep: int = MOVEMENT_TABLES) -> int:
        """Create table `name` as `sql` once (a later call finds it) and return its row count; only the `keep`
        most recently made tables stay (older ones are dropped: a caller re-creates one it needs again)."""
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
            raise ValueError(f"not a table name: {name!r}")
        con = self.connection()
        with self._make_lock:
            if (
                name in self._made
                and con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [name]).fetchone()[0]
            ):
                self._made.remove(name)
                self._made.append(name)
                return int(con.execute(f"SELECT count(*) FROM {name}").fetchone()[0])
            cursor = self.cursor(sql)
            try:
                cursor.execute(f"CREATE OR REPLACE TABLE {name} AS {sql}", list(params or ()))
                rows = int(cursor.execute(f"SELECT count(*) FROM {name}").fetchone()[0])
                if name in self._made:
                    self._made.remove(name)
                self._made.append(name)
                while len(self._made) > keep:
                    cursor.execute(f"DROP TABLE IF EXISTS {self._made.pop(0)}")
            finally:
                cursor.close()
            return rows

    @property
    def transactions_have_segments(self) -> bool:
        """Whether each transaction carries its customer's segment (a view chosen by segment alone needs no join)."""
        self.connection()
        return self._tx_segments

    @property
    def rows(self) -> int:
        """Customers in the whole dataset (counted once; small datasets never need a sample for their medians)."""
        if self._rows is None:
            self._rows = int(self.scalar("SELECT count(*) FROM base_customers"))
        return self._rows

    def query(self, sql: str, params: Sequence | None = None) -> pd.DataFrame:
        """Run one query on a fresh cursor and return its (small) result as a DataFrame."""
        cursor = self.cursor(sql)
        try:
            return cursor.execute(sql, list(params or ())).fetchdf()
        finally:
            cursor.close()

    def scalar(self, sql: str, params: Sequence | None = None) -> object:
        """The single value of a one-row, one-column query."""
        cursor = self.cursor(sql)
        try:
            row = cursor.execute(sql, list(params or ())).fetchone()
            return None if row is None else row[0]
        finally:
            cursor.close()

    def close(self) -> None:
        """Close the connection (a new one opens on the next query)."""
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None
                shutil.rmtree(self._spill, ignore_errors=True)
                self._rfm_ready = False
                self._made.clear()
                self._sample_step = self._sample_begun = 0


def open_version(folder: Path, segment_names: Sequence[str]) -> VersionSource:
    """A source over a verified version folder (Artifacts.folder) whose segments are named `segment_names`."""
    return VersionSource(Path(folder), tuple(segment_names))
