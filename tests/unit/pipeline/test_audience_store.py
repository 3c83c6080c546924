"""The SQLite audience store: save, list, get, delete; bad input refused; hostile text stored as text."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from core.pipeline.audience_store import AUDIENCE_FILE, AudienceError, SqliteAudienceStore, audience_file


@pytest.fixture
def store(tmp_path) -> SqliteAudienceStore:
    return SqliteAudienceStore(tmp_path / "ds" / AUDIENCE_FILE)


def test_empty_store_reads_without_creating_a_file(store):
    assert store.list() == []
    assert store.get("x") is None
    assert store.delete("x") is False
    assert not store.path.exists()


def test_save_list_get_delete(store):
    saved = store.save("  High   spenders ", "For the card campaign", "segment = 'High'", "asha")
    assert saved.name == "High spenders"
    assert saved.created_by == "asha" and saved.created_at.endswith("+00:00")
    store.save("Alpha", "", "age > 30", "")
    assert [a.name for a in store.list()] == ["Alpha", "High spenders"]
    assert store.get("high SPENDERS") == saved
    assert store.list()[0].created_by == "unknown"
    assert store.delete("HIGH spenders") is True
    assert [a.name for a in store.list()] == ["Alpha"]


def test_survives_a_new_store_object(store):
    store.save("Keep", "d", "age > 30", "me")
    assert SqliteAudienceStore(store.path).get("Keep").rule == "age > 30"


def test_duplicate_names_are_refused_regardless_of_case(store):
    store.save("Young", "", "age < 30", "me")
    with pytest.raises(AudienceError, match="an audience called 'YOUNG' already exists"):
        store.save("YOUNG", "", "age < 25", "me")
    assert store.get("young").rule == "age < 30"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "give the audience a name"),
        ("   ", "give the audience a name"),
        ("x" * 81, "at most 80"),
        ("a\x00b", "control characters"),
    ],
)
def test_bad_names_are_refused(store, name, message):
    with pytest.raises(AudienceError, match=message):
        store.save(name, "", "age > 1", "me")
    assert store.list() == []


def test_bad_rules_and_long_descriptions_are_refused(store):
    with pytest.raises(AudienceError, match="no rule"):
        store.save("A", "", "  ", "me")
    with pytest.raises(AudienceError, match="at most 500"):
        store.save("A", "x" * 501, "age > 1", "me")
    assert store.list() == []


def test_hostile_text_is_stored_as_written(store):
    name = "x'); DROP TABLE audiences; --"
    store.save(name, "Robert'); DROP TABLE audiences;--", "location = 'a'' or ''1''=''1'", "=cmd|' /C calc'!A0")
    assert store.get(name).description == "Robert'); DROP TABLE audiences;--"
    assert store.get(name).created_by == "=cmd|' /C calc'!A0"
    with sqlite3.connect(store.path) as con:
        assert con.execute("SELECT count(*) FROM audiences").fetchone() == (1,)


def test_concurrent_saves_all_land(store):
    errors = []

    def save(i: int) -> None:
        try:
            SqliteAudienceStore(store.path).save(f"A{i}", "", "age > 1", "me")
        except Exception as exc:  # noqa: BLE001 - the test collects any failure
            errors.append(exc)

    threads = [threading.Thread(target=save, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(store.list()) == 8


def test_file_sits_beside_the_version_folders(tmp_path):
    version = tmp_path / ".versions" / "default" / "20261201T120000-abcdef12"
    assert audience_file(version) == tmp_path / ".versions" / "default" / AUDIENCE_FILE
