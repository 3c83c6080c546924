"""`--out` never deletes, moves or overwrites anything this app did not write (the data-loss regressions)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from core.errors import ArtifactError, DataError
from core.pipeline.persistence import check_out_folder, delete_dataset, save_artifacts
from core.pipeline.train import main

HEADER = (
    "TransactionID,CustomerID,CustomerDOB,CustGender,CustLocation,CustAccountBalance,"
    "TransactionDate,TransactionTime,TransactionAmount (INR)\n"
)


def snapshot(root: Path) -> dict[str, bytes | str]:
    """Every file under root with its bytes, and every link with its target: compared before and after."""
    found: dict[str, bytes | str] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            rel = str(path.relative_to(root))
            if path.is_symlink():
                found[rel] = "->" + os.readlink(path)
            elif path.is_file():
                found[rel] = path.read_bytes()
            else:
                found[rel] = "dir"
    return found


@pytest.fixture
def workspace(tmp_path, small_csv):
    """A user's folder with documents, an input file beside them, and a trained datasets root."""
    user = tmp_path / "reports"
    (user / "sub").mkdir(parents=True)
    (user / "report.docx").write_bytes(b"quarterly report")
    (user / "sub" / "notes.txt").write_text("do not lose me")
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    source = inputs / "transactions.csv"
    source.write_bytes(Path(small_csv).read_bytes())
    return tmp_path, user, source


def run_cli(source: Path, out: Path, capsys, *extra: str) -> str:
    """Run the CLI expecting a refusal; return its single error line."""
    assert main(["--input", str(source), "--out", str(out), *extra]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: "), err
    return err[0]


def test_out_existing_user_folder_is_refused_and_untouched(workspace, capsys):
    root, user, source = workspace
    before = snapshot(root)
    message = run_cli(source, user, capsys)
    assert "already exists" in message and "nothing was changed" in message
    assert snapshot(root) == before
    assert not user.is_symlink()


def test_out_folder_holding_the_input_is_refused(workspace, capsys):
    root, _, source = workspace
    before = snapshot(root)
    message = run_cli(source, source.parent, capsys)
    assert "input file" in message
    assert snapshot(root) == before


def test_out_the_input_file_itself_is_refused(workspace, capsys):
    root, _, source = workspace
    before = snapshot(root)
    message = run_cli(source, source, capsys)
    assert "input file" in message
    assert snapshot(root) == before


def test_out_a_datasets_root_is_refused(workspace, trained, capsys):
    root, _, source = workspace
    datasets = root / "datasets"
    saved = save_artifacts(trained, datasets / "default")
    before = snapshot(root)
    message = run_cli(source, datasets, capsys)
    assert "not a dataset" in message
    assert snapshot(root) == before
    assert (datasets / "default").resolve() == saved.folder


def test_out_dot_is_refused(workspace, capsys, monkeypatch):
    root, user, source = workspace
    monkeypatch.chdir(user)  # '.' is the user's own folder here, not the one holding the input
    before = snapshot(root)
    message = run_cli(source, Path("."), capsys)
    assert "dataset name" in message
    assert snapshot(root) == before


def test_out_a_foreign_symlink_is_refused(workspace, capsys):
    root, user, source = workspace
    link = root / "shortcut"
    link.symlink_to(user)
    before = snapshot(root)
    message = run_cli(source, link, capsys)
    assert "link this app did not make" in message
    assert snapshot(root) == before


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--seed", "-5"], "--seed -5"),
        (["--seed", "99999999999"], "--seed 99999999999"),
        (["--k", "1"], "--k 1"),
        (["--k", "40"], "--k 40"),
    ],
)
def test_bad_arguments_are_refused_before_reading(workspace, capsys, args, expected):
    root, _, _ = workspace
    missing = root / "does-not-exist.csv"  # the file is never reached: arguments are checked first
    message = run_cli(missing, root / "new-dataset", capsys, *args)
    assert expected in message and "out of range" in message


def test_retraining_an_existing_dataset_still_works(trained, tmp_path):
    first = save_artifacts(trained, tmp_path / "default")
    second = save_artifacts(trained, tmp_path / "default")
    assert (tmp_path / "default").resolve() == second.folder
    assert not first.folder.exists()  # superseded versions of the app's own are cleaned up


def test_check_out_folder_accepts_new_and_own_folders(trained, tmp_path):
    assert check_out_folder(tmp_path / "fresh") == tmp_path / "fresh"
    save_artifacts(trained, tmp_path / "mine")
    assert check_out_folder(tmp_path / "mine") == tmp_path / "mine"


def test_delete_refuses_a_real_folder(tmp_path):
    folder = tmp_path / "campaign"
    folder.mkdir()
    (folder / "keep.txt").write_text("mine")
    with pytest.raises(DataError, match="not written by this app"):
        delete_dataset("campaign", tmp_path)
    assert (folder / "keep.txt").read_text() == "mine"


def test_delete_keeps_foreign_files_in_the_version_store(trained, tmp_path):
    save_artifacts(trained, tmp_path / "campaign")
    stray = tmp_path / ".versions" / "campaign" / "my-notes.txt"
    stray.write_text("mine")
    delete_dataset("campaign", tmp_path)
    assert not (tmp_path / "campaign").exists()
    assert stray.read_text() == "mine"


def test_failed_save_leaves_no_partial_version(trained, tmp_path, monkeypatch):
    import core.pipeline.persistence as persistence

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(persistence.joblib, "dump", disk_full)
    with pytest.raises(ArtifactError, match="No space left on device .*previous model stays active"):
        save_artifacts(trained, tmp_path / "full")
    versions = tmp_path / ".versions" / "full"
    assert [p.name for p in versions.iterdir() if p.name != ".lock"] == []
    assert not (tmp_path / "full").exists()


def test_delete_removes_the_datasets_saved_audiences(trained, tmp_path):
    from core.pipeline.audience_store import SqliteAudienceStore, audience_file

    saved = save_artifacts(trained, tmp_path / "campaign")
    store = SqliteAudienceStore(audience_file(saved.folder))
    store.save("Diwali push", "", "segment = 'High'", "tester")
    versions = tmp_path / ".versions" / "campaign"
    assert (versions / "audiences.sqlite").is_file()
    delete_dataset("campaign", tmp_path)
    assert not versions.exists()  # nothing left behind: the audiences went with the dataset
    # a new dataset of the same name starts without the old one's audiences
    again = save_artifacts(trained, tmp_path / "campaign")
    assert SqliteAudienceStore(audience_file(again.folder)).list() == []
