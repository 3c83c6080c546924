"""The embedded default engine: DuckDB, out of core with a memory limit and a spill directory.

``preserve_insertion_order`` is off (it lets DuckDB stream and spill large results); every query whose
order matters says ``ORDER BY``. The SQL of the pipeline is written in DuckDB's dialect, so it runs as is.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import duckdb
import pyarrow as pa

from core.config import ENGINE_MEMORY_LIMIT, ENGINE_THREADS, PARQUET_COMPRESSION
from core.errors import DataError


class DuckDBEngine:
    """One DuckDB connection with the pipeline's settings; temporary tables live until ``close``."""

    name = "duckdb"

    def __init__(
        self, memory_limit: str | None = None, temp_directory: str | Path | None = None, threads: int | None = None
    ):
        self._own_temp = temp_directory is None
        self.temp_directory = Path(temp_directory or tempfile.mkdtemp(prefix="segment-studio-duckdb-"))
        self.memory_limit = memory_limit or ENGINE_MEMORY_LIMIT
        config = {
            "memory_limit": self.memory_limit,
            "temp_directory": str(self.temp_directory),
            "preserve_insertion_order": False,
        }
        if threads or ENGINE_THREADS:
            config["threads"] = threads or ENGINE_THREADS
        try:
            self.con = duckdb.connect(config=config)
            self.con.execute("SET enable_progress_bar = false")
        except duckdb.Error as exc:
            raise DataError(
                f"the DuckDB engine could not start with memory limit {self.memory_limit!r}: {exc}"
            ) from exc

    def execute(self, sql: str) -> None:
        """Run a statement."""
        with translate_errors(self.memory_limit):
            self.con.execute(sql)

    def table(self, name: str, sql: str) -> None:
        """Materialise a query as a temporary table."""
        self.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}")

    def view(self, name: str, sql: str) -> None:
        """Name a query (computed each time it is read)."""
        self.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS {sql}")

    def release(self, names) -> None:
        """Drop intermediate tables no later step reads, so their memory is free for the next steps."""
        for name in names:
            self.execute(f"DROP TABLE IF EXISTS {name}")

    def rows(self, sql: str) -> list[tuple]:
        """A small result as Python tuples."""
        with translate_errors(self.memory_limit):
            return self.con.execute(sql).fetchall()

    def arrow(self, sql: str) -> pa.Table:
        """A result as an Arrow table."""
        with translate_errors(self.memory_limit):
            return self.con.sql(sql).to_arrow_table()

    def register(self, name: str, table: pa.Table) -> None:
        """Make an Arrow table readable under a name (no copy)."""
        self.con.register(name, table)

    def copy_parquet(self, sql: str, path: Path, row_group_size: int = 122_880) -> None:
        """Write a query's result to one Parquet file (config.PARQUET_COMPRESSION), in the query's order."""
        self.execute("SET preserve_insertion_order = true")
        try:
            options = f"FORMAT parquet, COMPRESSION {PARQUET_COMPRESSION}, ROW_GROUP_SIZE {row_group_size}"
            self.execute(f"COPY ({sql}) TO '{path}' ({options})")
        finally:
            self.execute("SET preserve_insertion_order = false")

    def close(self) -> None:
        """Close the connection and remove the spill directory it created."""
        self.con.close()
        if self._own_temp:
            shutil.rmtree(self.temp_directory, ignore_errors=True)

    def __enter__(self) -> DuckDBEngine:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class translate_errors:  # noqa: N801 - used as a context manager, like contextlib's helpers
    """Turn DuckDB's out-of-memory error into a DataError that says what to change."""

    def __init__(self, memory_limit: str):
        self.memory_limit = memory_limit

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, exc, tb) -> bool:
        if isinstance(exc, duckdb.OutOfMemoryException):
            raise DataError(
                f"the data does not fit in the engine's memory limit ({self.memory_limit}) even when spilling "
                "to disk; raise it with --memory-limit (for example --memory-limit 8GB) or free disk space "
                "in the temporary folder"
            ) from exc
        return False
