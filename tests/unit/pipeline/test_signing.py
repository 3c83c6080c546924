"""Model signing: a planted pickle is refused before it can run, whatever checksum the card records."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import joblib
import pytest

from core.errors import ArtifactError
from core.pipeline.files import CHECKED_FILES as CHECKED
from core.pipeline.persistence import CARD_FILE, MODELS_FILE, load_artifacts, save_artifacts, sha256_file
from core.pipeline.signing import SIGNATURE_FIELD, sign_card, signing_key, verify_signature


class Planted:
    """A pickle that writes a file when it is loaded: what an attacker would put in models.joblib."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (Path(self.marker).write_text, ("code ran at load time",))


@pytest.fixture
def saved(trained, tmp_path):
    folder = tmp_path / "datasets" / "default"
    return folder, save_artifacts(trained, folder).folder


def plant(version: Path, marker: Path) -> None:
    """Replace models.joblib by the planted pickle and fix the card's sha256, as an attacker with write access
    to the data folder can."""
    joblib.dump(Planted(marker), version / MODELS_FILE)
    card = json.loads((version / CARD_FILE).read_text())
    card["files"][MODELS_FILE] = sha256_file(version / MODELS_FILE)
    (version / CARD_FILE).write_text(json.dumps(card))


def test_the_planted_pickle_really_runs_code_when_unpickled(tmp_path):
    marker = tmp_path / "ran"
    joblib.dump(Planted(marker), tmp_path / "m.joblib")
    joblib.load(tmp_path / "m.joblib")
    assert marker.read_text() == "code ran at load time"  # so the next test can fail


def test_planted_pickle_with_a_fixed_sha256_is_refused_without_running(saved, tmp_path):
    folder, version = saved
    marker = tmp_path / "ran"
    plant(version, marker)
    with pytest.raises(ArtifactError, match="does not match its signature|not signed with this installation"):
        load_artifacts(folder)
    assert not marker.exists()


def test_planted_pickle_with_a_resigned_card_but_another_key_is_refused(saved, tmp_path):
    folder, version = saved
    marker = tmp_path / "ran"
    plant(version, marker)
    card = json.loads((version / CARD_FILE).read_text())
    forged = sign_card(card, version, (MODELS_FILE,), key=b"an attacker's own key, not ours")
    (version / CARD_FILE).write_text(json.dumps(forged))
    with pytest.raises(ArtifactError, match="not signed with this installation's key"):
        load_artifacts(folder)
    assert not marker.exists()


def test_an_edited_card_or_an_unsigned_one_is_refused(saved):
    folder, version = saved
    card = json.loads((version / CARD_FILE).read_text())
    (version / CARD_FILE).write_text(json.dumps({**card, "source": "edited.csv"}))
    with pytest.raises(ArtifactError, match="not signed with this installation's key"):
        load_artifacts(folder)
    unsigned = {k: v for k, v in card.items() if k != SIGNATURE_FIELD}
    (version / CARD_FILE).write_text(json.dumps(unsigned))
    with pytest.raises(ArtifactError, match="not signed by this installation; retrain"):
        load_artifacts(folder)


def test_the_genuine_artifacts_load(saved, trained):
    folder, _ = saved
    assert len(load_artifacts(folder).customers) == len(trained.customers)


def test_warm_up_goes_through_the_same_check(saved, tmp_path, monkeypatch):
    import ui.bootstrap as bootstrap

    folder, version = saved
    marker = tmp_path / "ran"
    plant(version, marker)
    monkeypatch.setattr(bootstrap, "dataset_folder", lambda name: folder)
    bootstrap.warm_cache(pause=0)  # what serve.py runs at server start, before anyone signs in
    assert not marker.exists()


def test_the_key_file_is_created_once_private_and_outside_the_data_folder(tmp_path):
    from core.config import DATA_DIR, SIGNING_KEY_FILE

    assert DATA_DIR.resolve() not in SIGNING_KEY_FILE.resolve().parents
    path = tmp_path / "conf" / "signing.key"
    key = signing_key(key_file=path, secrets_file=tmp_path / "absent.toml")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and len(key) == 32
    assert signing_key(key_file=path, secrets_file=tmp_path / "absent.toml") == key
    assert [p.name for p in path.parent.iterdir()] == ["signing.key"]  # no temporary file left


def test_a_key_file_others_can_read_is_refused(tmp_path):
    path = tmp_path / "signing.key"
    path.write_bytes(os.urandom(32))
    path.chmod(0o644)
    with pytest.raises(ArtifactError, match="can be read by other users .*chmod 600"):
        signing_key(key_file=path, secrets_file=tmp_path / "absent.toml")


def test_secrets_toml_key_wins_and_a_bad_one_is_named(tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[model_signing]\nkey = "0123456789abcdef0123456789abcdef"\n')
    assert signing_key(key_file=tmp_path / "unused.key", secrets_file=secrets) == b"0123456789abcdef0123456789abcdef"
    assert not (tmp_path / "unused.key").exists()
    secrets.write_text('[model_signing]\nkey = "short"\n')
    with pytest.raises(ArtifactError, match=r"\[model_signing\] needs a 'key' of at least 16"):
        signing_key(key_file=tmp_path / "unused.key", secrets_file=secrets)


def test_verify_refuses_a_missing_file(saved):
    _, version = saved
    card = json.loads((version / CARD_FILE).read_text())
    (version / MODELS_FILE).unlink()
    with pytest.raises(ArtifactError, match="does not match its signature"):
        verify_signature(card, version, (MODELS_FILE,))


def test_unsigned_artifacts_trained_here_can_be_trusted_by_their_operator(saved):
    from core.pipeline.persistence import CHECKED_FILES
    from core.pipeline.signing import main

    folder, version = saved
    card = json.loads((version / CARD_FILE).read_text())
    (version / CARD_FILE).write_text(json.dumps({k: v for k, v in card.items() if k != SIGNATURE_FIELD}))
    with pytest.raises(ArtifactError, match="not signed"):
        load_artifacts(folder)
    assert main([str(folder)]) == 0
    assert len(load_artifacts(folder).customers) > 0
    verify_signature(json.loads((version / CARD_FILE).read_text()), version, CHECKED_FILES)


def test_trusting_a_tampered_folder_is_refused(saved, tmp_path, capsys):
    from core.pipeline.signing import main

    folder, version = saved
    marker = tmp_path / "ran"
    joblib.dump(Planted(marker), version / MODELS_FILE)  # the card's sha256 no longer matches
    assert main([str(folder)]) == 2
    assert "does not match its recorded sha256" in capsys.readouterr().err
    with pytest.raises(ArtifactError):
        load_artifacts(folder)
    assert not marker.exists()


def test_saved_card_records_each_files_sha256_and_hmac_from_one_read(saved):
    import hashlib
    import hmac

    _, version = saved
    card = json.loads((version / CARD_FILE).read_text())
    key = signing_key()
    for name in CHECKED:
        data = (version / name).read_bytes()
        assert card["files"][name] == hashlib.sha256(data).hexdigest()
        assert card[SIGNATURE_FIELD]["files"][name] == hmac.new(key, data, hashlib.sha256).hexdigest()


@pytest.mark.parametrize("name", ["customers.parquet", "transactions.parquet", "quality.json"])
def test_any_one_changed_file_is_refused_while_files_are_checked_side_by_side(saved, name):
    folder, version = saved
    verify_signature(json.loads((version / CARD_FILE).read_text()), version, CHECKED)  # intact: accepted
    with open(version / name, "ab") as fh:
        fh.write(b"\0")
    with pytest.raises(ArtifactError, match=f"'{name}' in .* does not match its signature"):
        verify_signature(json.loads((version / CARD_FILE).read_text()), version, CHECKED)
