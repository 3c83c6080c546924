"""Training at scale (engine reader, seeded fitting sample, in-engine assignment, engine-written Parquet)
gives the same customers, segments and report as the in-memory path on the same rows."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from core.errors import DataError
from core.pipeline.files import CUSTOMERS_FILE, TRANSACTIONS_FILE
from core.pipeline.persistence import load_artifacts
from core.pipeline.scale import run_at_scale
from core.pipeline.source import resolve_files
from core.pipeline.train import main, run_training


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    """One generated file, and the same rows split into a folder of two parts."""
    from core.pipeline.synth import generate_transactions, write_transactions

    root = tmp_path_factory.mktemp("scale")
    frame = generate_transactions(4_000, seed=11)
    whole = write_transactions(frame, root / "whole.csv")
    (root / "parts").mkdir()
    write_transactions(frame.iloc[:1_500], root / "parts" / "part-0.csv")
    write_transactions(frame.iloc[1_500:], root / "parts" / "part-1.csv.gz")
    return whole, root / "parts"


def test_folder_of_parts_trains_like_the_whole_file(inputs, tmp_path):
    whole, parts = inputs
    in_memory = load_artifacts(run_training(whole, tmp_path / "a", k=3, seed=0).folder)
    at_scale = load_artifacts(run_at_scale(str(parts), tmp_path / "b", "duckdb", 3, 0).folder)
    pd.testing.assert_frame_equal(at_scale.customers, in_memory.customers[list(at_scale.customers.columns)])
    assert at_scale.quality.data.to_dict() == in_memory.quality.data.to_dict()
    assert any("#2" in i.issue for i in at_scale.quality.data.items)  # the person rule ran on both paths
    assert at_scale.quality.segmentation["sizes"] == in_memory.quality.segmentation["sizes"]
    assert at_scale.card.params.extra["fit_sample"]["customers"] == len(in_memory.customers)
    tx = at_scale.transactions
    assert len(tx) == in_memory.card.rows.transactions and tx["customer_id"].is_monotonic_increasing
    # each transaction links to its customer's row in customers.parquet (the app joins on it, never on IDs)
    ids = at_scale.customers["CustomerID"].to_numpy()
    assert (ids[tx["customer_row"].to_numpy()] == tx["customer_id"].to_numpy()).all()
    # and carries that customer's segment (Profiles' and Explore's answers for a segment read no customers)
    segments = at_scale.customers["segment"].astype(str).to_numpy()
    assert (segments[tx["customer_row"].to_numpy()] == tx["segment"].astype(str).to_numpy()).all()
    assert set(tx["segment"].astype(str)) == {"Low", "Medium", "High"}
    # both tables in the codec the app decodes fastest, every column of every row group (config.PARQUET_COMPRESSION)
    for name in (CUSTOMERS_FILE, TRANSACTIONS_FILE):
        path = str(at_scale.folder / name).replace("'", "''")
        codecs = duckdb.sql(f"SELECT DISTINCT compression FROM parquet_metadata('{path}')").fetchall()
        assert codecs == [("LZ4_RAW",)]


def test_parquet_parts_read_in_place_train_like_the_whole_file(inputs, tmp_path):
    from core.pipeline.load import load_transactions

    whole, _ = inputs
    text = load_transactions(whole)  # the rows as text, exactly as the CSV holds them
    parts = tmp_path / "parquet"
    parts.mkdir()
    for i, (start, stop) in enumerate([(0, 1_000), (1_000, 1_001), (1_001, len(text))]):
        text.iloc[start:stop].to_parquet(parts / f"part-{i}.parquet", index=False)
    in_memory = load_artifacts(run_training(whole, tmp_path / "a", k=3, seed=0).folder)
    at_scale = load_artifacts(run_at_scale(str(parts), tmp_path / "b", "duckdb", 3, 0).folder)
    pd.testing.assert_frame_equal(at_scale.customers, in_memory.customers[list(at_scale.customers.columns)])
    assert at_scale.quality.data.to_dict() == in_memory.quality.data.to_dict()
    in_order = in_memory.transactions.sort_values(["customer_id"], kind="stable").reset_index(drop=True)
    pd.testing.assert_frame_equal(at_scale.transactions, in_order[list(at_scale.transactions.columns)])


def test_fitting_sample_is_seeded_and_assignment_covers_everyone(inputs, tmp_path, monkeypatch):
    _, parts = inputs
    import core.pipeline.scale as scale

    monkeypatch.setattr(scale, "FIT_SAMPLE_CUSTOMERS", 1_000)
    first = load_artifacts(run_at_scale(str(parts), tmp_path / "a", "duckdb", 3, 0).folder)
    again = load_artifacts(run_at_scale(str(parts), tmp_path / "b", "duckdb", 3, 0).folder)
    assert first.card.params.extra["fit_sample"]["customers"] == 1_000 < len(first.customers)
    pd.testing.assert_frame_equal(first.customers, again.customers)
    # every customer is in a segment, and the engine's rule is the model's rule
    ranks = first.models.segment.assign_ranks(first.customers)
    assert (first.customers["segment"].cat.codes.to_numpy() == ranks).all()
    assert sum(first.quality.segmentation["sizes"].values()) == len(first.customers)


def test_missing_input_is_one_clear_error(tmp_path, capsys):
    with pytest.raises(DataError, match="no CSV or Parquet files match it"):
        resolve_files(str(tmp_path / "nothing-*.csv"))
    assert main(["--input", str(tmp_path / "nothing-*.csv"), "--out", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err.startswith("error: ")


@pytest.mark.parametrize(("margin", "rankings"), [(1.3, ["cut"]), (0.5, ["cut", "everyone"])])
def test_fitting_sample_is_the_customers_with_the_smallest_hashes(inputs, monkeypatch, margin, rankings):
    """The sample is the `limit` smallest md5('CustomerID:seed'), whether the hash cut keeps enough customers
    (margin 1.3) or too few, so that every customer is ranked (0.5)."""
    import hashlib

    import core.pipeline.scale as scale
    from core.pipeline.clean import clean_raw
    from core.pipeline.engine.duck import DuckDBEngine
    from core.pipeline.features import describe_customers
    from core.pipeline.load import load_transactions

    whole, _ = inputs
    monkeypatch.setattr(scale, "SAMPLE_MARGIN", margin)
    with DuckDBEngine() as engine:
        clean_raw(engine, load_transactions(whole))
        everyone = describe_customers(engine)
        tables = []
        plain_table = engine.table
        monkeypatch.setattr(engine, "table", lambda name, sql: (tables.append(sql), plain_table(name, sql)))
        sample = scale.sample_customers(engine, len(everyone), seed=5, limit=600)
    assert ["cut" if "WHERE MD5" in sql else "everyone" for sql in tables] == rankings
    ids = everyone["CustomerID"].tolist()
    smallest = sorted(ids, key=lambda c: (hashlib.md5(f"{c}:5".encode()).hexdigest(), c))[:600]
    assert len(everyone) > 1_000
    assert sample["CustomerID"].tolist() == sorted(smallest)
    expected = everyone[everyone["CustomerID"].isin(smallest)].reset_index(drop=True)
    pd.testing.assert_frame_equal(sample.reset_index(drop=True), expected)
