"""Aggregate queries give the numbers of the pandas functions they replace (same keys, same columns)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from core.analysis import explore, profiles
from core.analysis.filters import Filters, apply_filters
from core.analysis.sql import aggregates, quantiles
from core.analysis.sql.predicates import Predicate
from core.analysis.sql.quantiles import EXACT_QUANTILE_ROWS, quantile_method


def _views(customers) -> list[Filters]:
    names = list(customers["segment"].cat.categories)
    return [
        Filters(),
        Filters(segments=(names[-1],), genders=("F",)),
        Filters(age_range=(30, 50), include_unknown_age=False),
        Filters(locations=("NO SUCH PLACE",)),
    ]


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)
    return a == b


def test_headline_numbers_equal_explore_summarise_view(pair):
    artifacts, source = pair
    for filters in _views(artifacts.customers):
        view = apply_filters(artifacts.customers, filters, artifacts.transactions)
        expected = explore.summarise_view(view, artifacts.transactions)
        got = aggregates.summarise_view(source, filters)
        assert got.pop("quantiles") == "exact"
        # every number Home shows; the two medians nobody shows are left out on purpose
        assert set(got) == set(expected) - {"median_balance", "median_amount"}
        assert {k: (got[k], expected[k]) for k in got if not _same(got[k], expected[k])} == {}


def test_segment_profiles_equal_profiles_profile_segments(pair):
    artifacts, source = pair
    for filters in _views(artifacts.customers)[:3]:
        view = apply_filters(artifacts.customers, filters, artifacts.transactions)
        expected = profiles.profile_segments(view)
        got = aggregates.profile_segments(source, filters)
        assert list(got.columns) == list(expected.columns)
        assert got["segment"].astype(str).tolist() == expected["segment"].astype(str).tolist()
        pd.testing.assert_frame_equal(got.drop(columns="segment"), expected.drop(columns="segment"), check_dtype=False)


def test_homes_single_pass_equals_the_summary_and_the_profile(pair, monkeypatch):
    """summarise_segments (the view's sums from the segments' grouped query) gives what summarise_view and
    profile_segments give apart, with exact medians and with sampled ones (forced small)."""
    artifacts, source = pair
    for threshold in (None, 500):
        if threshold:
            monkeypatch.setattr(quantiles, "EXACT_QUANTILE_ROWS", threshold)
        for filters in _views(artifacts.customers):
            summary, profile = aggregates.summarise_segments(source, filters)
            alone = aggregates.summarise_view(source, filters)
            assert summary.keys() == alone.keys()
            assert {k: (summary[k], alone[k]) for k in alone if not _same(summary[k], alone[k])} == {}
            pd.testing.assert_frame_equal(profile, aggregates.profile_segments(source, filters))
    assert summary["n_customers"] == 0 and profile.empty  # the last view matches nobody


def test_top_locations_equal_explore_top_locations(pair):
    artifacts, source = pair
    for filters in _views(artifacts.customers):
        view = apply_filters(artifacts.customers, filters, artifacts.transactions)
        expected = explore.top_locations(view, 10)
        got = aggregates.top_locations(source, filters, 10)
        pd.testing.assert_frame_equal(got, expected, check_dtype=False)


@pytest.mark.parametrize(("feature", "log"), [("balance", True), ("mean_amount", True), ("age", False)])
def test_histogram_counts_equal_numpy_histogram(pair, feature, log):
    artifacts, source = pair
    values = artifacts.customers[feature].dropna().to_numpy(dtype="float64")
    scaled = np.log1p(np.clip(values, 0, None)) if log else values
    counts, edges = np.histogram(scaled, bins=30)
    got = aggregates.histogram(source, Filters(), feature, bins=30, log=log)
    assert got["customers"].tolist() == counts.tolist()
    expected_left = np.expm1(edges[:-1]) if log else edges[:-1]
    np.testing.assert_allclose(got["left"].to_numpy(), expected_left, rtol=1e-9)


def test_histogram_refuses_a_column_outside_the_catalogue(generated_pair):
    _, source = generated_pair
    with pytest.raises(ValueError, match="not a numeric feature"):
        aggregates.histogram(source, Filters(), "balance); DROP TABLE rfm; --")


def test_medians_are_exact_up_to_the_threshold_and_of_a_fixed_sample_above():
    assert quantile_method(EXACT_QUANTILE_ROWS) == "exact"
    assert quantile_method(EXACT_QUANTILE_ROWS + 1) == "sampled"
    # every k-th customer, k the group size over the threshold rounded up: a sample of 0.5 to 1 threshold
    assert [quantiles._sample_step(n) for n in (1, EXACT_QUANTILE_ROWS, EXACT_QUANTILE_ROWS + 1)] == [1, 1, 2]
    assert quantiles._sample_step(10 * EXACT_QUANTILE_ROWS + 1) == 11
    # in a dataset with a sample table (every K-th customer), a group with 300,000 customers there takes K
    assert quantiles.table_step(10_000_000) == 5 and quantiles.table_step(2_000_000) == 1
    assert quantiles._sample_step(2_000_001, 10_000_000) == 5  # 400,000 in the table: K, not 2
    assert quantiles._sample_step(10_000_000, 10_000_000) == 5
    assert quantiles._sample_step(2_000_000, 10_000_000) == 1  # still exact up to the threshold
    assert quantiles.table_step(85_000_000) == 43
    assert quantiles._sample_step(12_900_000, 85_000_000) == 43  # 300,000 in the table
    assert quantiles._sample_step(12_899_999, 85_000_000) == 7  # too few there: its size over the threshold
    plan = quantiles.QuantilePlan("h % 3 = 0")
    assert plan.quantile("x", when="NOT isnan(x)") == "quantile_cont(x, 0.5) FILTER (WHERE NOT isnan(x) AND in_sample)"
    assert "h % 3 = 0 AS in_sample" in plan.relation(Predicate("a = ?", (1,)))
    assert quantiles.QuantilePlan().quantile("x", 0.25) == "quantile_cont(x, 0.25)"


def test_above_the_exact_size_every_median_is_the_exact_median_of_a_fixed_sample(generated_pair, monkeypatch):
    """Groups above EXACT_QUANTILE_ROWS take the exact quantiles of every k-th customer by a hash of its row: forced
    here on the small data, each segment's median is the median of exactly the customers the rule picks, the same on
    every run, close to the median of all of them; counts and means do not change, every median query still runs."""
    from core.analysis.sql import compare
    from core.analysis.sql import profiles as sql_profiles

    artifacts, source = generated_pair
    names = list(source.segment_names)
    groups = (f"Segment {names[0]}", f"Segment {names[-1]}")
    exact_profile = aggregates.profile_segments(source, Filters())
    exact_summary = sql_profiles.feature_summary(source, Filters(), "balance")
    exact_compare = compare.compare_groups(source, Filters(), *groups)
    monkeypatch.setattr(quantiles, "EXACT_QUANTILE_ROWS", 500)
    # counts, means and variances are of every customer whatever the medians read
    summary = sql_profiles.feature_summary(source, Filters(), "balance")
    pd.testing.assert_frame_equal(summary[["segment", "n", "mean"]], exact_summary[["segment", "n", "mean"]])
    compared = compare.compare_groups(source, Filters(), *groups)
    assert (compared.a.customers, compared.b.customers) == (exact_compare.a.customers, exact_compare.b.customers)
    assert compared.a.repeat_share == exact_compare.a.repeat_share
    pd.testing.assert_series_equal(compared.features["smd"], exact_compare.features["smd"])
    sampled = aggregates.profile_segments(source, Filters())
    pd.testing.assert_series_equal(sampled["customers"], exact_profile["customers"])
    assert list(sampled.columns) == list(exact_profile.columns)
    counts_and_means = [c for c in sampled.columns if not c.startswith("median_")]
    assert len(counts_and_means) == 12  # segment, customers, share and nine means and shares
    pd.testing.assert_frame_equal(sampled[counts_and_means], exact_profile[counts_and_means])
    for row in sampled.itertuples():
        size = int(row.customers)
        step = -(-size // 500)
        assert step >= 2
        picked = source.query(
            "SELECT balance FROM base_customers WHERE segment = ? AND hash(file_row_number) % ? = 0",
            [str(row.segment), step],
        )["balance"].to_numpy(dtype="float64")
        assert 0.7 * size / step < len(picked) < 1.3 * size / step  # the hash spreads customers evenly
        assert row.median_balance == pytest.approx(float(np.nanmedian(picked)), rel=1e-12)  # missing: skipped
        spread = summary[summary["segment"].astype(str) == str(row.segment)].iloc[0]
        assert spread["median"] == pytest.approx(float(np.nanmedian(picked)), rel=1e-12)
        # what a sample's median promises: its rank among all the segment's customers is within 3 standard errors
        everyone = source.query("SELECT balance FROM base_customers WHERE segment = ?", [str(row.segment)])
        values = everyone["balance"].dropna().to_numpy(dtype="float64")
        rank = float((values <= row.median_balance).mean())
        assert abs(rank - 0.5) < 3 * 0.5 / np.sqrt(np.isfinite(picked).sum())
    pd.testing.assert_frame_equal(aggregates.profile_segments(source, Filters()), sampled)  # a fixed sample
    assert aggregates.summarise_view(source, Filters())["quantiles"] == "sampled"
    assert aggregates.typical_values(source, Filters())["balance"] > 0
    assert len(aggregates.segment_centroids(source, Filters(), features=("balance", "age"))) == 3
    assert sql_profiles.base_profile(source)["median_balance"] > 0
    for group, size in ((compared.a, compared.a.customers), (compared.b, compared.b.customers)):
        picked = source.query(  # each group's own sample: every k-th of its customers by the hash of its row
            "SELECT balance FROM base_customers WHERE segment = ? AND hash(file_row_number) % ? = 0",
            [group.label.removeprefix("Segment "), -(-size // 500)],
        )["balance"].to_numpy(dtype="float64")
        assert group.median_balance == pytest.approx(float(np.nanmedian(picked)), rel=1e-12)


def test_large_groups_read_their_fixed_sample_from_the_sample_table(generated_pair, monkeypatch):
    """Forced small: when every group of a query takes the sample table's step K, its medians are those of exactly
    the customers whose row hashes to 0 modulo K, read from the base until the table is written (in the background,
    so no query waits for it) and from the table after: the same numbers, equal to numpy's medians of them."""
    from core.analysis.sql import compare
    from core.analysis.sql.predicates import filters_predicate

    _, source = generated_pair
    source.close()  # no sample table yet (the next query opens the connection again)
    total = source.rows
    monkeypatch.setattr(quantiles, "EXACT_QUANTILE_ROWS", 500)
    monkeypatch.setattr(quantiles, "SAMPLE_TABLE_ROWS", total // 4)  # K = 5 on these ~4,000 customers
    monkeypatch.setattr(quantiles, "MIN_TABLE_SAMPLE", 100)
    step = -(-total // (total // 4))
    assert step == 5
    everyone = filters_predicate(Filters())
    before = quantiles.plan_quantiles(source, everyone, by_segment=True)
    assert before.table is None and before.flag == f"hash(file_row_number) % {step} = 0"  # not written yet
    from_base = aggregates.profile_segments(source, Filters())
    assert quantiles.prepare_sample_table(source) == "sampled_customers"  # waits for the background writer
    plan = quantiles.plan_quantiles(source, everyone, by_segment=True)
    assert plan.table == "sampled_customers" and plan.flag == before.flag
    rows = source.query("SELECT file_row_number FROM sampled_customers ORDER BY 1")["file_row_number"].tolist()
    picked = source.query(f"SELECT file_row_number FROM base_customers WHERE hash(file_row_number) % {step} = 0")
    assert rows == sorted(picked["file_row_number"].tolist()) and 0.15 * total < len(rows) < 0.25 * total

    def median_of_picks(where: str = "TRUE", params=()) -> float:
        found = source.query(
            f"SELECT balance FROM base_customers WHERE ({where}) AND hash(file_row_number) % {step} = 0", list(params)
        )["balance"].to_numpy(dtype="float64")
        return float(np.nanmedian(found))

    profile = aggregates.profile_segments(source, Filters())
    pd.testing.assert_frame_equal(profile, from_base)  # the same customers from the table as from the base
    assert (profile["customers"] > 500).all()  # every segment is sampled, and counted whole
    assert int(profile["customers"].sum()) == total
    for row in profile.itertuples():
        assert row.median_balance == pytest.approx(median_of_picks("segment = ?", [str(row.segment)]), rel=1e-12)
    assert aggregates.typical_values(source, Filters())["balance"] == pytest.approx(median_of_picks(), rel=1e-12)
    names = list(source.segment_names)
    compared = compare.compare_groups(source, Filters(), compare.SELECTION, f"Segment {names[0]}")
    assert compared.a.customers == total
    assert compared.a.median_balance == pytest.approx(median_of_picks(), rel=1e-12)


def test_transactions_written_without_the_row_link_are_linked_by_id(generated_pair, tmp_path):
    """Artifacts the engine writes at scale have no customer_row: the source links each transaction to its
    customer by ID once, and every transaction question gives the same answer as with the saved link."""
    import shutil
    from datetime import date, timedelta

    import pyarrow.parquet as pq

    from core.analysis.sql import activity
    from core.analysis.sql.source import open_version
    from core.pipeline.files import CUSTOMERS_FILE, TRANSACTIONS_FILE

    artifacts, source = generated_pair
    shutil.copy(artifacts.folder / CUSTOMERS_FILE, tmp_path / CUSTOMERS_FILE)
    table = pq.read_table(artifacts.folder / TRANSACTIONS_FILE)
    assert "customer_row" in table.column_names
    pq.write_table(table.drop(["customer_row"]), tmp_path / TRANSACTIONS_FILE)
    unlinked = open_version(tmp_path, source.segment_names)
    names = list(source.segment_names)
    first = date.fromisoformat(str(artifacts.card.date_range[0])[:10])
    for filters in (Filters(), Filters(segments=(names[-1],), date_range=(first, first + timedelta(days=20)))):
        # sums of money may differ in the last bit: DuckDB adds the row groups in whichever order its threads finish
        got, want = aggregates.summarise_view(unlinked, filters), aggregates.summarise_view(source, filters)
        assert got.keys() == want.keys()
        for key, value in want.items():
            expected = pytest.approx(value, rel=1e-12, nan_ok=True) if isinstance(value, float) else value
            assert got[key] == expected, key
        pd.testing.assert_frame_equal(
            activity.activity_by_hour(unlinked, filters), activity.activity_by_hour(source, filters)
        )
    unlinked.close()


def test_saved_rfm_scores_are_read_as_saved_and_older_files_are_ranked_the_same(generated_pair, tmp_path):
    """Training saves the RFM scores with the customers, so the source ranks nobody; a file saved without them
    (artifacts of an older version) is ranked once by the source, with the same scores."""
    import shutil

    import pyarrow.parquet as pq

    from core.analysis.sql.source import open_version
    from core.pipeline.files import CUSTOMERS_FILE, TRANSACTIONS_FILE
    from core.pipeline.rfm import RFM_COLUMNS

    artifacts, source = generated_pair
    saved = pq.read_table(artifacts.folder / CUSTOMERS_FILE)
    assert set(RFM_COLUMNS) <= set(saved.column_names)
    query = "SELECT CustomerID, " + ", ".join(f"{c}::VARCHAR AS {c}" for c in RFM_COLUMNS) + " FROM customers"
    fresh = open_version(artifacts.folder, source.segment_names)
    from_file = fresh.query(query + " ORDER BY CustomerID")
    tables = fresh.query("SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE'")
    assert tables.empty  # no rfm table was built
    pq.write_table(saved.drop(list(RFM_COLUMNS)), tmp_path / CUSTOMERS_FILE)
    shutil.copy(artifacts.folder / TRANSACTIONS_FILE, tmp_path / TRANSACTIONS_FILE)
    older = open_version(tmp_path, source.segment_names)
    ranked = older.query(query + " ORDER BY CustomerID")
    assert from_file["rfm_segment"].nunique() > 3
    pd.testing.assert_frame_equal(ranked, from_file)
    fresh.close()
    older.close()


def test_the_query_engine_spills_to_its_own_temporary_folder_not_the_working_directory(generated_pair):
    """DuckDB's default spill folder for an in-memory database is '.tmp' in the working directory (the project's)."""
    import gc
    import tempfile
    from pathlib import Path

    from core.analysis.sql.source import open_version

    artifacts, source = generated_pair
    fresh = open_version(artifacts.folder, source.segment_names)
    spill = Path(fresh.scalar("SELECT current_setting('temp_directory')"))
    assert spill.is_dir() and spill.parent == Path(tempfile.gettempdir())
    assert fresh.scalar("SELECT current_setting('memory_limit')") != ""
    fresh.close()
    assert not spill.exists()  # removed with the connection
    kept = open_version(artifacts.folder, source.segment_names)  # the app's sources are never closed
    spill = Path(kept.scalar("SELECT current_setting('temp_directory')"))
    del kept
    gc.collect()
    assert not spill.exists()  # removed when collected (or at exit)


def test_spill_folders_of_servers_that_are_gone_are_removed_at_the_next_open(generated_pair, tmp_path, monkeypatch):
    """A server stopped by a signal runs no exit handler; the next engine removes its folder, and only its."""
    import os
    import subprocess
    import sys
    import tempfile

    from core.analysis.sql.source import SPILL_PREFIX, open_version

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = tmp_path / f"{SPILL_PREFIX}{int(gone.stdout)}-abc"
    alive = tmp_path / f"{SPILL_PREFIX}{os.getppid()}-def"  # the test runner's parent: still running
    other = tmp_path / "segment-studio-query-notes"  # not an engine's folder
    for folder in (dead, alive, other):
        folder.mkdir()
        (folder / "duckdb_temp_storage.tmp").write_bytes(b"\0" * 1024)
    artifacts, source = generated_pair
    fresh = open_version(artifacts.folder, source.segment_names)
    assert fresh.scalar("SELECT 1") == 1
    assert not dead.exists()
    assert alive.is_dir() and other.is_dir()
    own = [p for p in tmp_path.iterdir() if p.name.startswith(f"{SPILL_PREFIX}{os.getpid()}-")]
    assert len(own) == 1  # this process's engine made its folder under its own id
    fresh.close()
