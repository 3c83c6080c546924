"""The audience store, the same tests on every backend: a SQLite file per dataset (the default), one shared table
through a SQLAlchemy URL on SQLite, and the same on a real PostgreSQL server (tests.postgres; skipped with the
reason when none can be started). Save, list, get, delete; names unique regardless of case; bad input refused;
hostile text stored as text; concurrent saves; two app servers saving one name at once: one wins.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from core.pipeline.audience_sql import SqlAudienceStore, database_url
from core.pipeline.audience_store import AUDIENCE_FILE, AudienceError, SqliteAudienceStore, audience_file

BACKENDS = ("sqlite-file", "sqlite-url", "postgresql")


@dataclass
class Backend:
    """Stores of one backend: `open(dataset)` as one app server sees it, `second(dataset)` as another server."""

    kind: str
    open: Callable[[str], object]
    second: Callable[[str], object]


def _sqlite_file_backend(tmp_path: Path) -> Backend:
    def open_(dataset: str) -> SqliteAudienceStore:
        return SqliteAudienceStore(tmp_path / ".versions" / dataset / AUDIENCE_FILE)

    return Backend("sqlite-file", open_, open_)


def _url_backend(kind: str, url: str) -> Backend:
    prefix = uuid.uuid4().hex[:8]  # the PostgreSQL table lives for the session: each test has its own datasets

    def second(dataset: str) -> SqlAudienceStore:
        engine = create_engine(database_url(url))  # its own pool: the connections of another app server
        return SqlAudienceStore(url, f"{prefix}-{dataset}", engine=engine)

    return Backend(kind, lambda dataset: SqlAudienceStore(url, f"{prefix}-{dataset}"), second)


@pytest.fixture(params=BACKENDS)
def backend(request, tmp_path) -> Backend:
    if request.param == "sqlite-file":
        return _sqlite_file_backend(tmp_path)
    if request.param == "sqlite-url":
        return _url_backend("sqlite-url", f"sqlite:///{tmp_path / 'shared.db'}")
    return _url_backend("postgresql", request.getfixturevalue("postgres_url"))


@pytest.fixture
def store(backend):
    """An empty store of one dataset with a name no other test uses (the PostgreSQL table is shared)."""
    return backend.open(f"ds-{uuid.uuid4().hex[:12]}")


def test_empty_store_reads_nothing(store):
    assert store.list() == []
    assert store.get("x") is None
    assert store.delete("x") is False


def test_save_list_get_delete(store):
    saved = store.save("  High   spenders ", "For the card campaign", "segment = 'High'", "asha")
    assert saved.name == "High spenders"
    assert saved.created_by == "asha" and saved.created_at.endswith("+00:00")
    store.save("alpha", "", "age > 30", "")
    store.save("Zeta", "", "age > 40", "bo")
    assert [a.name for a in store.list()] == ["alpha", "High spenders", "Zeta"]  # any case, by name
    assert store.get("high SPENDERS") == saved
    assert store.get("alpha").created_by == "unknown"
    assert store.delete("HIGH spenders") is True
    assert [a.name for a in store.list()] == ["alpha", "Zeta"]


def test_who_when_and_rule_text_come_back_as_saved(store):
    saved = store.save("Diwali push", "Cards for the festival", "segment = 'High' and (age < 30 or gender = 'F')", "r")
    again = store.get("diwali push")
    assert (again.description, again.rule, again.created_by) == (
        "Cards for the festival",
        "segment = 'High' and (age < 30 or gender = 'F')",
        "r",
    )
    assert again.created_at == saved.created_at
    assert store.list() == [saved]


def test_survives_a_new_store_object(backend):
    backend.open("keep").save("Keep", "d", "age > 30", "me")
    assert backend.second("keep").get("Keep").rule == "age > 30"


def test_duplicate_names_are_refused_regardless_of_case(store):
    store.save("Young", "", "age < 30", "me")
    with pytest.raises(AudienceError, match="an audience called 'YOUNG' already exists"):
        store.save("YOUNG", "", "age < 25", "me")
    assert store.get("young").rule == "age < 30"


def test_case_is_folded_beyond_ascii_on_every_backend(store):
    # PostgreSQL's lower() under the C locale would leave 'É' alone: the store folds case itself
    store.save("Été à Pune", "", "age < 30", "me")
    with pytest.raises(AudienceError, match="already exists"):
        store.save("ÉTÉ À PUNE", "", "age < 25", "me")
    assert store.get("été à pune").rule == "age < 30"
    assert store.delete("ÉTÉ à pune") is True
    assert store.list() == []


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
    store.save("Other", "", "age > 1", "me")
    assert store.get(name).description == "Robert'); DROP TABLE audiences;--"
    assert store.get(name).created_by == "=cmd|' /C calc'!A0"
    assert store.get(name).rule == "location = 'a'' or ''1''=''1'"
    assert [a.name for a in store.list()] == ["Other", name]


def test_datasets_keep_their_own_audiences(backend):
    first, second = backend.open("first"), backend.open("second")
    first.save("Shared name", "", "age > 1", "me")
    second.save("shared NAME", "", "age > 2", "me")  # the same name in another dataset is another audience
    assert first.get("shared name").rule == "age > 1"
    assert second.get("shared name").rule == "age > 2"
    assert first.delete("Shared name") is True
    assert [a.name for a in second.list()] == ["shared NAME"]


def _together(*calls: Callable[[], object]) -> list[object]:
    """Run the calls at the same moment in threads; each one's result or the exception it raised."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = calls[i]()
        except Exception as exc:  # noqa: BLE001 - the test looks at every outcome
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_concurrent_saves_all_land(backend):
    stores = [backend.second("busy") for _ in range(8)]
    results = _together(*(lambda s=s, i=i: s.save(f"A{i}", "", "age > 1", "me") for i, s in enumerate(stores)))
    assert [type(r).__name__ for r in results] == ["Audience"] * 8
    assert [a.name for a in backend.open("busy").list()] == [f"A{i}" for i in range(8)]


@pytest.mark.parametrize("attempt", range(3))
def test_two_servers_saving_one_name_at_once_one_wins(backend, attempt):
    one, two = backend.open(f"race-{attempt}"), backend.second(f"race-{attempt}")
    results = _together(
        lambda: one.save("Diwali", "", "age > 30", "asha"), lambda: two.save("DIWALI", "", "age > 40", "bo")
    )
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1
    assert isinstance(errors[0], AudienceError)
    assert "already exists; pick another name or delete it first" in str(errors[0])
    kept = one.list()
    assert len(kept) == 1
    assert kept == [r for r in results if not isinstance(r, Exception)]


def test_an_empty_sqlite_store_creates_no_file(tmp_path):
    store = SqliteAudienceStore(tmp_path / "ds" / AUDIENCE_FILE)
    assert store.list() == []
    assert store.delete("x") is False
    assert not store.path.exists()


def test_file_sits_beside_the_version_folders(tmp_path):
    version = tmp_path / ".versions" / "default" / "20261201T120000-abcdef12"
    assert audience_file(version) == tmp_path / ".versions" / "default" / AUDIENCE_FILE
