"""One local Spark session for the whole test run (2 threads, 2 shuffle partitions, no UI), or a skip."""

from __future__ import annotations

import shutil

import pytest


@pytest.fixture(scope="session")
def spark():
    """A local SparkSession with ANSI mode on (Spark 4's default); skipped when Java is not installed."""
    if shutil.which("java") is None:
        pytest.skip("Java is not installed, so the Spark engine cannot run (apt-get install openjdk-17-jre-headless)")
    pytest.importorskip("pyspark", reason="pyspark is not installed (pip install -r requirements.txt)")
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("segment-studio-tests")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.ansi.enabled", "true")
        .config("spark.driver.memory", "1g")
        .config("spark.sql.adaptive.enabled", "true")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
