"""Spark runs the same pipeline as DuckDB: equal quality reports, equal customer features, equal segments.

Inputs: a generated 50,000-row file and the first 20,000 real rows (skipped when ../shared is absent). The
DuckDB side is the production path (file loader, then the engine); the Spark side reads the same file with
Spark's own CSV reader, as a cluster would.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from core.pipeline.clean import clean_raw
from core.pipeline.engine.assign import ranks_in_engine
from core.pipeline.engine.duck import DuckDBEngine
from core.pipeline.engine.steps import clean_in_engine, features_in_engine
from core.pipeline.features import CUSTOMER_COLUMNS, customers_frame, describe_customers
from core.pipeline.load import load_transactions
from core.pipeline.segment import SegmentParams, fit_segmenter

TODAY = date(2026, 12, 1)


@pytest.fixture(scope="module")
def generated_csv(tmp_path_factory):
    from core.pipeline.synth import generate_transactions, write_transactions

    return write_transactions(generate_transactions(50_000, seed=3), tmp_path_factory.mktemp("spark") / "tx.csv")


def run_spark(spark, path):
    """Report and customers (pandas) from the Spark engine on a file."""
    from core.pipeline.engine.spark import SparkEngine, read_input

    frame, columns, dropped = read_input(spark, str(path))
    with SparkEngine(spark) as engine:
        engine.register_frame("raw_file", frame)
        report = clean_in_engine(engine, columns, TODAY, dropped)
        features_in_engine(engine)
        customers = customers_frame(engine)
        return report, customers, engine


def run_duckdb(path):
    """Report and customers from the production DuckDB path (file loader, one customer per person, features)."""
    with DuckDBEngine() as engine:
        report = clean_raw(engine, load_transactions(path), today=TODAY)
        return report, describe_customers(engine)


def assert_same_customers(duck: pd.DataFrame, spark_customers: pd.DataFrame) -> None:
    """Same customers in the same order, every value equal (money and shares to 1e-9 relative).

    pyspark's assertDataFrameEqual would be the natural tool, but it imports pandas-on-Spark, which
    pyspark 4.0 cannot import with pandas 3; pandas' own comparison with a tolerance checks the same.
    """
    assert list(spark_customers.columns) == list(CUSTOMER_COLUMNS) == list(duck.columns)
    assert len(duck) == len(spark_customers) > 1_000
    pd.testing.assert_frame_equal(spark_customers, duck, check_exact=False, rtol=1e-9, atol=1e-9)


def check_parity(spark, path):
    spark_report, spark_customers, _ = run_spark(spark, path)
    duck_report, duck_customers = run_duckdb(path)
    assert spark_report.to_dict() == duck_report.to_dict()
    # the one-person rule ran on both: IDs used by several people are split the same way
    (split,) = [i for i in duck_report.items if i.column == "CustomerID" and "'ID#2'" in i.issue]
    assert split.count > 0 and duck_customers["CustomerID"].str.contains("#", regex=False).sum() > 0
    assert_same_customers(duck_customers, spark_customers)
    model = fit_segmenter(duck_customers, SegmentParams(k=3, seed=0))
    in_memory = model.assign_ranks(duck_customers)
    from core.pipeline.engine.spark import SparkEngine

    with SparkEngine(spark) as engine:
        engine.register("customers_in", pa.Table.from_pandas(spark_customers, preserve_index=False))
        on_spark = ranks_in_engine(engine, model, "customers_in")
    with DuckDBEngine() as engine:
        engine.register("customers_in", pa.Table.from_pandas(duck_customers, preserve_index=False))
        on_duckdb = ranks_in_engine(engine, model, "customers_in")
    assert np.bincount(in_memory).min() > 100
    np.testing.assert_array_equal(on_duckdb, in_memory)
    np.testing.assert_array_equal(on_spark, in_memory)


def test_spark_equals_duckdb_on_generated_rows(spark, generated_csv):
    check_parity(spark, generated_csv)


@pytest.mark.real
def test_spark_equals_duckdb_on_real_rows(spark, real_csv):
    check_parity(spark, real_csv)


def test_spark_reads_a_generated_folder_of_parts_beside_its_marker(spark, tmp_path):
    """A folder of core.synth parts beside other files (make bench-scale's COMPLETE marker): only the parts are read."""
    from core.pipeline.engine.spark import read_input
    from core.pipeline.synth.output import write_parquet_parts

    folder = write_parquet_parts(30_000, 5, tmp_path / "parts", workers=1)
    (folder / "COMPLETE").write_text("30000 rows, seed 5\n")
    frame, columns, dropped = read_input(spark, str(folder))
    assert frame.count() == 30_000
    assert dropped == []
    assert set(columns) >= {"CustomerID", "TransactionDate", "TransactionAmount (INR)"}


def test_training_on_spark_writes_the_same_version_as_duckdb(spark, tmp_path):
    """The whole at-scale run on Spark (its writer included: segments, RFM scores, each transaction's customer_row)
    saves the same customers and transactions as on DuckDB."""
    from core.pipeline.persistence import load_artifacts
    from core.pipeline.scale import run_at_scale
    from core.pipeline.synth import generate_transactions, write_transactions

    folder = tmp_path / "parts"
    folder.mkdir()
    write_transactions(generate_transactions(4_000, seed=9), folder / "part-0.csv")
    on_spark = load_artifacts(run_at_scale(str(folder), tmp_path / "spark", "spark", 3, 0).folder)
    on_duckdb = load_artifacts(run_at_scale(str(folder), tmp_path / "duckdb", "duckdb", 3, 0).folder)
    assert {"rfm_segment", "rfm_monetary"} <= set(on_spark.customers.columns)
    assert on_spark.customers["rfm_segment"].nunique() > 3
    pd.testing.assert_frame_equal(on_spark.customers, on_duckdb.customers, check_exact=False, rtol=1e-9)
    pd.testing.assert_frame_equal(on_spark.transactions, on_duckdb.transactions, check_exact=False, rtol=1e-9)
    assert on_spark.quality.data.to_dict() == on_duckdb.quality.data.to_dict()


def test_fitting_sample_on_spark_is_the_customers_with_the_smallest_hashes(spark, tmp_path, monkeypatch):
    """Spark's md5 and text comparison draw the same seeded sample (through the hash cut) as the rule says."""
    import hashlib

    import core.pipeline.scale as scale
    from core.pipeline.engine.spark import SparkEngine, read_input
    from core.pipeline.synth import generate_transactions, write_transactions

    path = write_transactions(generate_transactions(4_000, seed=9), tmp_path / "tx.csv")
    monkeypatch.setattr(scale, "SAMPLE_MARGIN", 1.3)
    frame, columns, dropped = read_input(spark, str(path))
    with SparkEngine(spark) as engine:
        engine.register_frame("raw_file", frame)
        clean_in_engine(engine, columns, TODAY, dropped)
        features_in_engine(engine)
        everyone = customers_frame(engine)
        sample = scale.sample_customers(engine, len(everyone), seed=5, limit=600)
    ids = everyone["CustomerID"].tolist()
    smallest = sorted(ids, key=lambda c: (hashlib.md5(f"{c}:5".encode()).hexdigest(), c))[:600]
    assert len(everyone) > 1_000
    assert sample["CustomerID"].tolist() == sorted(smallest)
