"""`python -m core.score`: a fixed model scores its own training data exactly as at training, refuses files lacking
its features with one line, obeys core.train's --out rules, and writes a signed dataset linked to its model."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from core.pipeline.lineage import DRIFT, SCORED_WITH, datasets_of_model, model_identity
from core.pipeline.persistence import load_artifacts
from core.scoring.rescore import main, run_scoring
from tests.unit.pipeline.test_out_folder import snapshot


@pytest.fixture(scope="module")
def model_link(trained) -> Path:
    """The dataset link of the session's trained model (its version folder's datasets root / 'default')."""
    return trained.folder.parents[2] / "default"


def run_refused(capsys, *args: str) -> str:
    """Run the CLI expecting a refusal; return its single error line."""
    assert main(list(args)) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: "), err
    return err[0]


def test_a_model_scores_its_own_training_data_as_it_did_at_training(trained, model_link, small_csv, tmp_path):
    scored = run_scoring(str(model_link), small_csv, tmp_path / "again")
    ours, theirs = scored.customers, trained.customers
    assert ours["CustomerID"].tolist() == theirs["CustomerID"].tolist()
    assert (ours["segment"].astype(str).to_numpy() == theirs["segment"].astype(str).to_numpy()).all()
    assert list(ours["segment"].cat.categories) == list(theirs["segment"].cat.categories)
    pd.testing.assert_frame_equal(ours.drop(columns="segment"), theirs.drop(columns="segment"))
    drift = scored.card.extra[DRIFT]
    assert drift["segments"] == {"psi": 0.0, "reading": "stable"}
    assert {v["psi"] for v in drift["features"].values()} == {0.0}


def test_the_scored_dataset_opens_like_any_other_and_names_its_model(trained, model_link, tmp_path, capsys):
    from core.pipeline.synth import generate_transactions, write_transactions

    new = tmp_path / "october.csv"
    write_transactions(generate_transactions(3_000, seed=11), new)
    assert main(["--model", str(model_link), "--input", str(new), "--out", str(tmp_path / "october")]) == 0
    out = capsys.readouterr().out
    assert "not refitted" in out and "Segment shares: PSI" in out
    loaded = load_artifacts(tmp_path / "october")  # signature, checksums and versions checked
    link = loaded.card.extra[SCORED_WITH]
    assert link["dataset"] == "default"
    assert link["version"] == trained.folder.name
    assert link["models_sha256"] == trained.card.files["models.joblib"]
    assert model_identity(loaded.card) == model_identity(trained.card)
    assert loaded.card.source == "october.csv"
    assert loaded.card.rows.transactions == len(loaded.transactions)
    assert list(loaded.customers["segment"].cat.categories) == list(trained.models.segment_names)
    # the same centres: the segmenter is the trained one, not a refit
    assert (loaded.models.segment.centres() == trained.models.segment.centres()).all()
    assert set(loaded.card.extra[DRIFT]["features"]) >= {"balance", "mean_amount", "age"}
    assert (loaded.transactions["customer_row"] >= 0).all()


def test_datasets_of_one_model_are_found_together(trained, model_link, small_csv, tmp_path):
    root = tmp_path / "datasets"
    from core.pipeline.persistence import save_artifacts

    model = save_artifacts(trained, root / "default")
    run_scoring(str(root / "default"), small_csv, root / "copy")
    assert datasets_of_model(model_identity(model.card), root) == ["default", "copy"]


def test_a_file_lacking_the_models_features_is_refused_in_one_line(model_link, small_csv, tmp_path, capsys):
    raw = pd.read_csv(small_csv, dtype=str).drop(columns=["CustAccountBalance", "TransactionTime"])
    bad = tmp_path / "no_balance.csv"
    raw.to_csv(bad, index=False)
    message = run_refused(capsys, "--model", str(model_link), "--input", str(bad), "--out", str(tmp_path / "x"))
    assert "no_balance.csv lacks what the model needs" in message
    assert "'CustAccountBalance' (for account balance)" in message
    assert "'TransactionTime' (for typical hour, night share)" in message
    assert not (tmp_path / "x").exists()


def test_a_feature_column_without_any_value_is_refused(model_link, small_csv, tmp_path, capsys):
    raw = pd.read_csv(small_csv, dtype=str).assign(CustAccountBalance="")
    bad = tmp_path / "empty_balance.csv"
    raw.to_csv(bad, index=False)
    message = run_refused(capsys, "--model", str(model_link), "--input", str(bad), "--out", str(tmp_path / "x"))
    assert "has no value at all for account balance" in message


def test_out_obeys_the_training_rules(model_link, small_csv, tmp_path, capsys):
    user = tmp_path / "reports"
    user.mkdir()
    (user / "q3.docx").write_bytes(b"keep me")
    before = snapshot(tmp_path)
    message = run_refused(capsys, "--model", str(model_link), "--input", str(small_csv), "--out", str(user))
    assert "already exists" in message and "nothing was changed" in message
    assert snapshot(tmp_path) == before


def test_out_may_not_be_the_models_own_dataset(model_link, small_csv, capsys):
    before = snapshot(model_link.parent)
    message = run_refused(capsys, "--model", str(model_link), "--input", str(small_csv), "--out", str(model_link))
    assert "is the model's own dataset" in message
    assert snapshot(model_link.parent) == before


def test_an_unknown_model_is_refused(small_csv, tmp_path, capsys):
    message = run_refused(
        capsys, "--model", str(tmp_path / "nope"), "--input", str(small_csv), "--out", str(tmp_path / "y")
    )
    assert "no trained model" in message


def test_the_model_card_table_shows_the_link_and_the_drift(trained, model_link, small_csv, tmp_path):
    from core.present.model_report import model_card_table

    scored = run_scoring(str(model_link), small_csv, tmp_path / "again")
    table = model_card_table(scored.card).set_index(["Section", "Item"])["Value"]
    assert table[("Scoring", "Scored with the model of")] == f"default (version {trained.folder.name})"
    assert table[("Drift against the training data (PSI)", "Segment shares")] == "0.000, stable"
    assert table[("Drift against the training data (PSI)", "Account balance")] == "0.000, stable"
    assert "Scoring" not in set(model_card_table(trained.card)["Section"])
