"""The cluster engine: Apache Spark (PySpark), running the same SQL as DuckDB, transpiled by sqlglot.

The session comes "by the usual means": an active session (``spark-submit``, Databricks, a notebook),
``SPARK_REMOTE`` for Spark Connect, or a new local one. Spark 4 runs with ANSI mode on, where a failed cast
or a division by zero raises; the pipeline's SQL never relies on either (``TRY_CAST``, guarded divisions),
so it gives the same results with ANSI on or off.

Materialised steps are cached DataFrames registered as temporary views; ``close`` unpersists them.
"""

from __future__ import annotations

import functools
import glob
import os
import re
from pathlib import Path

import pyarrow as pa
import sqlglot
from sqlglot import exp

from core.errors import DataError

SHUFFLE_PARTITIONS = int(os.environ.get("SEGMENTATION_SPARK_PARTITIONS", "0")) or None


def _java_replacement(node: exp.Expression) -> exp.Expression:
    """REGEXP_REPLACE's group references: ``\\1`` in DuckDB (RE2), ``$1`` in Spark (Java)."""
    replacement = node.args.get("replacement") if isinstance(node, exp.RegexpReplace) else None
    if isinstance(replacement, exp.Literal) and replacement.is_string:
        node.set("replacement", exp.Literal.string(re.sub(r"\\(\d)", r"$\1", replacement.this)))
    return node


@functools.lru_cache(maxsize=512)
def to_spark_sql(sql: str) -> str:
    """The pipeline's DuckDB SQL in Spark's dialect."""
    return sqlglot.parse_one(sql, read="duckdb").transform(_java_replacement).sql(dialect="spark")


def get_session(master: str | None = None, app_name: str = "segment-studio"):
    """The active SparkSession, a Spark Connect one (``SPARK_REMOTE``), or a new one on ``master``."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:  # pragma: no cover - pyspark is pinned in requirements.txt
        raise DataError("the Spark engine needs pyspark: pip install -r requirements.txt") from exc
    active = SparkSession.getActiveSession()
    if active is not None and master is None:
        return active
    # No console progress bars: they would bury the stage times the CLI prints (a cluster's own UI shows them).
    builder = SparkSession.builder.appName(app_name).config("spark.ui.showConsoleProgress", "false")
    if master:
        builder = builder.master(master)
    elif not os.environ.get("SPARK_REMOTE"):
        builder = builder.master("local[*]")
    try:
        return builder.getOrCreate()
    except Exception as exc:  # Java missing or the cluster unreachable: say so in one line
        raise DataError(f"could not start or reach Spark ({str(exc).splitlines()[0]}); is Java 17 installed?") from exc


class SparkEngine:
    """Runs the pipeline's steps on a SparkSession."""

    name = "spark"

    def __init__(self, session=None, shuffle_partitions: int | None = None):
        self.spark = session or get_session()
        partitions = shuffle_partitions or SHUFFLE_PARTITIONS
        if partitions:
            self.spark.conf.set("spark.sql.shuffle.partitions", str(partitions))
        self._cached = []
        self._views = []

    def _frame(self, sql: str):
        return self.spark.sql(to_spark_sql(sql))

    def execute(self, sql: str) -> None:
        """Run a statement."""
        self._frame(sql).collect()

    def table(self, name: str, sql: str) -> None:
        """Materialise a query (cached) under a view name."""
        frame = self._frame(sql).cache()
        self._cached.append(frame)
        frame.createOrReplaceTempView(name)
        self._views.append(name)

    def view(self, name: str, sql: str) -> None:
        """Name a query."""
        self._frame(sql).createOrReplaceTempView(name)
        self._views.append(name)

    def release(self, names) -> None:
        """Nothing: a cached Spark step is computed lazily, so unpersisting the steps a later cached one was
        built from would make Spark compute them again; ``close`` unpersists everything."""

    def rows(self, sql: str) -> list[tuple]:
        """A small result as Python tuples."""
        return [tuple(row) for row in self._frame(sql).collect()]

    def arrow(self, sql: str) -> pa.Table:
        """A result as an Arrow table."""
        return self._frame(sql).toArrow()

    def register(self, name: str, table: pa.Table) -> None:
        """Make an Arrow table readable under a name."""
        frame = self.spark.createDataFrame(table)
        frame.createOrReplaceTempView(name)
        self._views.append(name)

    def register_frame(self, name: str, frame) -> None:
        """Make a Spark DataFrame readable under a name."""
        frame.createOrReplaceTempView(name)
        self._views.append(name)

    def copy_parquet(self, sql: str, path: Path, row_group_size: int = 122_880) -> None:
        """Write a query's result as Parquet parts in a folder (sorted within and across parts)."""
        self._frame(sql).write.mode("overwrite").option("parquet.block.size", 64 * 1024 * 1024).parquet(str(path))

    def close(self) -> None:
        """Unpersist the cached steps and drop the views (the session stays: it may be shared)."""
        for frame in self._cached:
            frame.unpersist()
        for name in self._views:
            self.spark.catalog.dropTempView(name)
        self._cached, self._views = [], []

    def __enter__(self) -> SparkEngine:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def with_row_numbers(frame):
    """The frame plus ``row_no``: 0, 1, 2, ... in the order Spark reads it (file order for file inputs).

    ``monotonically_increasing_id`` is increasing but has gaps between partitions; one small count per
    partition turns it into consecutive numbers, which the engines' ordering keys need (below 2**40).
    """
    from pyspark.sql import functions as F  # noqa: N812 - the usual alias

    tagged = frame.withColumn("_mid", F.monotonically_increasing_id())
    tagged = tagged.withColumn("_part", F.shiftright(F.col("_mid"), 33))
    counts = sorted((r["_part"], r["count"]) for r in tagged.groupBy("_part").count().collect())
    offsets, total = [], 0
    for part, count in counts:
        offsets.append((part, total))
        total += count
    offset = F.lit(0)
    for part, start in offsets:
        offset = F.when(F.col("_part") == part, F.lit(start)).otherwise(offset)
    local = F.col("_mid") - F.shiftleft(F.col("_part").cast("long"), 33)
    return tagged.withColumn("row_no", (offset + local).cast("long")).drop("_part", "_mid")


def input_paths(source: str) -> list[str]:
    """The data files to read: on this machine the same files as the DuckDB loader; elsewhere the path as given.

    Handing Spark a local folder would make it read every file in it, such as the ``COMPLETE`` marker that
    ``make bench-scale`` writes beside the generated Parquet parts (and fail on it). Cluster paths (``hdfs://``, ``s3a://``,
    ``dbfs:/``) are not visible here, so Spark resolves them itself.
    """
    from core.pipeline.source import resolve_files

    local = Path(source)
    if "://" in source or (not local.exists() and not glob.glob(source)):
        return [source]
    return [str(p) for p in resolve_files(source)]


def read_input(spark, source: str):
    """Read transactions (a table name, Parquet or CSV files, a folder or a glob) as a frame of text columns.

    Returns the frame (canonical column names plus ``row_no``), the canonical columns found and the
    columns ignored, after the same header matching as the file loader.
    """
    from pyspark.sql import functions as F  # noqa: N812

    from core.pipeline.columns import match_columns

    path = Path(source)
    if not any(ch in source for ch in "/\\*?") and not path.exists() and spark.catalog.tableExists(source):
        frame = spark.table(source)
    else:
        paths = input_paths(source)
        if all(p.endswith(".parquet") for p in paths):
            frame = spark.read.parquet(*paths)
        else:
            frame = spark.read.option("header", True).option("multiLine", True).option("escape", '"').csv(paths)
    names = [str(c) for c in frame.columns]
    mapping = match_columns(names)
    chosen = {target: src for target, src in mapping.items() if src is not None}
    columns = list(chosen)
    selected = [F.col(f"`{src}`").cast("string").alias(target) for target, src in chosen.items()]
    dropped = [c for c in names if c not in set(chosen.values())]
    return with_row_numbers(frame.select(*selected)), columns, dropped
