"""Training end to end on a small generated file, the CLI contract, and the real rows."""

import os
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest

from core.config import ROOT
from core.pipeline.persistence import load_artifacts
from core.pipeline.train import main, run_training


def test_pipeline_outputs_everything_named_in_the_contract(trained):
    card, quality = trained.card, trained.quality
    assert set(card.timings) == {"load", "clean", "features", "segment", "quality", "classifiers", "save"}
    assert len(card.input_sha256) == 64
    assert card.rows.customers == len(trained.customers) == trained.customers["CustomerID"].nunique()
    assert quality.segmentation["silhouette"]["sample_size"] <= 10_000
    assert quality.full_model["accuracy"] > quality.full_model["baseline_accuracy"]
    assert quality.data.rows_in >= quality.data.rows_out > 0
    assert set(pd.read_parquet(trained.folder / "customers.parquet").columns) >= {"CustomerID", "segment", "balance"}


def test_segments_are_non_degenerate_and_ordered(trained):
    seg = trained.customers["segment"]
    assert seg.value_counts(normalize=True).min() >= 0.05
    medians = trained.customers.groupby("segment", observed=True)[["balance", "mean_amount"]].median()
    assert medians["balance"].is_monotonic_increasing and medians["mean_amount"].is_monotonic_increasing


def test_cli_bad_input_exits_2_with_one_error_line(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    assert main(["--input", str(bad), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error:") and "CustomerID" in err[0]
    assert not (tmp_path / "out").exists()
    assert main(["--input", str(tmp_path / "nope.csv"), "--out", str(tmp_path / "out")]) == 2


def test_cli_too_few_customers(tmp_path, capsys, small_csv):
    few = tmp_path / "few.csv"
    few.write_text("".join(small_csv.read_text().splitlines(keepends=True)[:6]))
    assert main(["--input", str(few), "--out", str(tmp_path / "out"), "--k", "3"]) == 2
    assert "customers" in capsys.readouterr().err


def test_killed_run_leaves_previous_artifacts_loadable(trained, small_csv, tmp_path):
    from core.pipeline.persistence import save_artifacts

    out = tmp_path / "default"
    save_artifacts(trained, out)
    before = out.resolve()
    proc = subprocess.Popen(
        [sys.executable, "-m", "core.train", "--input", str(small_csv), "--out", str(out)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    # kill it once it has started working (after its first stage line), well before it can save
    proc.stdout.readline()
    time.sleep(0.3)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert out.resolve() == before
    loaded = load_artifacts(out)
    assert len(loaded.customers) == len(trained.customers)


@pytest.mark.real
def test_real_rows_give_ordered_non_degenerate_segments(real_csv, tmp_path):
    artifacts = run_training(real_csv, tmp_path / "real", k=3, seed=0)
    c = artifacts.customers
    assert artifacts.quality.data.rows_in == 20_000
    assert c["segment"].value_counts(normalize=True).min() >= 0.05
    medians = c.groupby("segment", observed=True)[["balance", "mean_amount"]].median()
    assert medians["balance"].is_monotonic_increasing and medians["mean_amount"].is_monotonic_increasing
    ages = c["age"].dropna()
    assert ages.between(18, 100).all() and len(ages) > 0.8 * len(c)


@pytest.fixture(scope="module")
def generated_20k_customers():
    """Customer features of 20,000 generated rows: the size of the real-rows sample."""
    from core.pipeline.clean import clean_transactions
    from core.pipeline.features import build_customer_features
    from core.pipeline.synth import generate_transactions

    return build_customer_features(clean_transactions(generate_transactions(20_000, seed=1))[0])


def test_segments_agree_across_seeds_on_generated_data(generated_20k_customers):
    from sklearn.metrics import adjusted_rand_score

    from core.pipeline.segment import SegmentParams, fit_segmenter

    customers = generated_20k_customers
    a = fit_segmenter(customers, SegmentParams(seed=0)).assign_ranks(customers)
    b = fit_segmenter(customers, SegmentParams(seed=11)).assign_ranks(customers)
    assert adjusted_rand_score(a, b) >= 0.95 and (a == b).mean() >= 0.97


@pytest.mark.real
def test_real_rows_segments_agree_across_seeds(real_csv):
    from sklearn.metrics import adjusted_rand_score

    from core.pipeline.clean import clean_transactions
    from core.pipeline.features import build_customer_features
    from core.pipeline.load import load_transactions
    from core.pipeline.segment import SegmentParams, fit_segmenter

    customers = build_customer_features(clean_transactions(load_transactions(real_csv))[0])
    a = fit_segmenter(customers, SegmentParams(seed=0)).assign_ranks(customers)
    b = fit_segmenter(customers, SegmentParams(seed=5)).assign_ranks(customers)
    assert adjusted_rand_score(a, b) >= 0.95 and (a == b).mean() >= 0.97


def test_missing_optional_columns_are_left_out_not_faked(small_csv, tmp_path):
    raw = pd.read_csv(small_csv, dtype=str).drop(
        columns=["CustomerDOB", "CustGender", "CustAccountBalance", "TransactionTime"]
    )
    path = tmp_path / "minimal.csv"
    raw.to_csv(path, index=False)
    artifacts = run_training(path, tmp_path / "minimal", k=3, seed=0)
    models = artifacts.models
    assert {"age", "gender", "balance", "mean_hour", "night_share"} <= set(models.unavailable)
    assert "balance" not in models.segment.features and "mean_amount" in models.segment.features
    assert not {"age", "gender", "balance", "mean_hour"} & set(models.full_features)
    assert not {"age", "gender", "mean_hour"} & set(models.prospect_features)
    notes = [i for i in artifacts.quality.data.to_dict()["items"] if i["action"] == "note"]
    assert any(i["column"] == "CustAccountBalance" for i in notes)
    assert artifacts.customers["age"].isna().all()  # left empty, never invented
    medians = artifacts.customers.groupby("segment", observed=True)["mean_amount"].median()
    assert medians.is_monotonic_increasing
