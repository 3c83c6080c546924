"""Artifacts: atomic swap, checksums, version checks, dataset registry."""

import json
import os
import shutil

import numpy as np
import pandas as pd
import pytest

from core.errors import ArtifactError, DataError
from core.pipeline.files import CUSTOMERS_FILE, TRANSACTIONS_FILE
from core.pipeline.link import with_segments
from core.pipeline.persistence import (
    CARD_FILE,
    CHECKED_FILES,
    MODELS_FILE,
    check_name,
    delete_dataset,
    list_datasets,
    load_artifacts,
    save_artifacts,
    slugify_name,
)
from core.pipeline.signing import sign_card


@pytest.fixture
def saved(trained, tmp_path):
    """A private copy of the trained artifacts saved under tmp_path/default."""
    folder = tmp_path / "default"
    save_artifacts(trained, folder)
    return folder


def test_round_trip_keeps_customers_and_models(saved, trained):
    loaded = load_artifacts(saved)
    assert len(loaded.customers) == len(trained.customers)
    assert list(loaded.customers["segment"].cat.categories) == ["Low", "Medium", "High"]
    assert loaded.models.segment_names == ("Low", "Medium", "High")
    assert loaded.card.files[MODELS_FILE] and loaded.card.versions["scikit-learn"]
    assert (loaded.models.segment.assign(loaded.customers) == loaded.customers["segment"]).all()


def test_saved_transactions_carry_their_customers_segment(saved):
    customers = pd.read_parquet(saved / CUSTOMERS_FILE)
    tx = pd.read_parquet(saved / TRANSACTIONS_FILE)
    assert len(tx) > len(customers) and (tx["customer_row"] >= 0).all()
    expected = customers["segment"].astype(str).to_numpy()[tx["customer_row"].to_numpy()]
    assert (tx["segment"].astype(str).to_numpy() == expected).all()
    assert set(expected) == {"Low", "Medium", "High"}


def test_a_transaction_of_no_known_customer_gets_no_segment():
    customers = pd.DataFrame({"CustomerID": ["a", "b"], "segment": pd.Categorical(["High", "Low"])})
    tx = pd.DataFrame({"customer_id": ["b", "x", "a"], "customer_row": np.array([1, -1, 0], dtype=np.int32)})
    got = with_segments(tx, customers)
    assert got["segment"].tolist()[::2] == ["Low", "High"] and pd.isna(got["segment"].iloc[1])
    assert "segment" not in tx  # the input is not changed
    assert with_segments(tx.drop(columns="customer_row"), customers).equals(tx.drop(columns="customer_row"))


def test_loading_without_tables_still_checks_every_file(saved, trained):
    loaded = load_artifacts(saved, tables=False)
    assert loaded.customers.empty and loaded.transactions.empty  # the engine reads them, not pandas
    assert loaded.models.segment_names == ("Low", "Medium", "High")
    assert loaded.card.rows.customers == len(trained.customers)
    with open(saved.resolve() / CUSTOMERS_FILE, "ab") as fh:
        fh.write(b"\0")
    with pytest.raises(ArtifactError, match="does not match its signature"):
        load_artifacts(saved, tables=False)


def test_tampered_model_is_refused(saved):
    version = saved.resolve()
    with open(version / MODELS_FILE, "ab") as fh:
        fh.write(b"\0")
    with pytest.raises(ArtifactError, match="does not match its signature"):
        load_artifacts(saved)


def test_foreign_folder_is_refused(tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / CARD_FILE).write_text(json.dumps({"writer": "someone else"}))
    with pytest.raises(ArtifactError, match="not written by this app"):
        load_artifacts(tmp_path / "x")
    with pytest.raises(ArtifactError, match="no trained model"):
        load_artifacts(tmp_path / "missing")


def test_other_library_version_is_refused(saved):
    card_path = saved.resolve() / CARD_FILE
    card = json.loads(card_path.read_text())
    card["versions"]["scikit-learn"] = "0.1"
    # Signed by this installation (trained here before a library upgrade): the version check names the problem.
    card_path.write_text(json.dumps(sign_card(card, saved.resolve(), CHECKED_FILES)))
    with pytest.raises(ArtifactError, match="scikit-learn 0.1"):
        load_artifacts(saved)


def test_second_save_swaps_atomically_and_cleans_up(saved, trained):
    first = saved.resolve()
    second = save_artifacts(trained, saved).folder
    assert saved.resolve() == second != first and not first.exists()
    assert load_artifacts(saved).folder == second


def test_unfinished_version_is_never_used(saved):
    before = saved.resolve()
    half = before.parent / "20990101T000000-dead"
    shutil.copytree(before, half)
    os.remove(half / CARD_FILE)  # a run killed before writing its card
    assert load_artifacts(saved).folder == before


def test_registry_lists_and_deletes(saved, trained):
    save_artifacts(trained, saved.parent / "campaign-q3")
    names = [d["name"] for d in list_datasets(saved.parent)]
    assert names == ["default", "campaign-q3"]
    delete_dataset("campaign-q3", saved.parent)
    assert [d["name"] for d in list_datasets(saved.parent)] == ["default"]
    with pytest.raises(DataError, match="no dataset named"):
        delete_dataset("campaign-q3", saved.parent)


def test_names_are_plain_folder_names():
    assert slugify_name("  Q3 Campaign / Mumbai! ") == "q3-campaign-mumbai"
    with pytest.raises(DataError, match="not a valid dataset name"):
        check_name("../etc")


def test_models_saved_before_the_package_split_still_load(trained, tmp_path, monkeypatch):
    """Models pickled when the classes lived in core.models / core.segment load after the move."""
    import sys

    import joblib

    from core.pipeline import models as models_module
    from core.pipeline import segment as segment_module

    for old, module in (("core.models", models_module), ("core.segment", segment_module)):
        monkeypatch.setitem(sys.modules, old, module)
    monkeypatch.setattr(models_module.Models, "__module__", "core.models")
    for cls in (segment_module.SegmentModel, segment_module.LogMoney):
        monkeypatch.setattr(cls, "__module__", "core.segment")
    save_artifacts(trained, tmp_path / "old")
    monkeypatch.undo()  # from here on only the new module paths exist, as after an upgrade
    version = (tmp_path / "old").resolve()
    with pytest.raises(ModuleNotFoundError, match="core.models"):
        joblib.load(version / MODELS_FILE)  # the file really names the old paths
    loaded = load_artifacts(tmp_path / "old")
    assert type(loaded.models) is models_module.Models
    assert "core.models" not in sys.modules and "core.segment" not in sys.modules
    assert list(loaded.models.segment.assign(trained.customers.head(50))) == list(
        trained.models.segment.assign(trained.customers.head(50))
    )


def test_customers_are_written_in_id_ordered_row_groups(trained, tmp_path, monkeypatch):
    import pyarrow.parquet as pq

    from core.pipeline import persistence

    monkeypatch.setattr(persistence, "PARQUET_ROW_GROUP_ROWS", 100)
    folder = save_artifacts(trained, tmp_path / "grouped").folder
    meta = pq.ParquetFile(folder / CUSTOMERS_FILE).metadata
    n = len(trained.customers)
    assert meta.num_row_groups == -(-n // 100)  # ceil: every group but the last holds exactly 100
    column = meta.schema.to_arrow_schema().get_field_index("CustomerID")
    bounds = [(meta.row_group(i).column(column).statistics.min, meta.row_group(i).column(column).statistics.max)
              for i in range(meta.num_row_groups)]  # fmt: skip
    # sorted by ID: the groups' ranges follow one another, so a lookup's filter can skip all but one
    assert all(hi < next_lo for (_, hi), (next_lo, _) in zip(bounds, bounds[1:], strict=False))
    codecs = {
        meta.row_group(i).column(c).compression for i in range(meta.num_row_groups) for c in range(meta.num_columns)
    }
    assert codecs == {"LZ4"}  # pyarrow's name of LZ4_RAW: the codec the app's queries decode fastest
