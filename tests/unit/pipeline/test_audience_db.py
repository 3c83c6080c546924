"""Choosing the audience store from config, and a shared database that can't be used: one clear sentence (no
password, no traceback), nothing changed, nothing lost; deleting a dataset deletes its rows in the shared table."""

from __future__ import annotations

import uuid

import pytest

from core.errors import DataError
from core.pipeline.audience_sql import TABLE_NAME, SqlAudienceStore, database_url
from core.pipeline.audience_store import AUDIENCE_FILE, AudienceDatabaseError, SqliteAudienceStore
from core.pipeline.audiences import open_audience_store
from core.pipeline.persistence import delete_dataset, save_artifacts
from tests.browser import free_port

VERSION = "20261201T120000-abcdef12"


def test_no_url_means_the_datasets_sqlite_file(tmp_path):
    store = open_audience_store(tmp_path / ".versions" / "campaign" / VERSION, None)
    assert isinstance(store, SqliteAudienceStore)
    assert store.path == tmp_path / ".versions" / "campaign" / AUDIENCE_FILE


def test_a_url_means_the_shared_table_keyed_by_dataset(tmp_path):
    store = open_audience_store(tmp_path / ".versions" / "campaign" / VERSION, "postgresql://app@db.example/segments")
    assert isinstance(store, SqlAudienceStore)
    assert (store.url, store.dataset) == ("postgresql://app@db.example/segments", "campaign")


def test_plain_postgresql_urls_use_psycopg_3():
    assert database_url("postgresql://app:pw@db:5432/segments").drivername == "postgresql+psycopg"
    assert database_url("postgres://app@db/segments").drivername == "postgresql+psycopg"
    assert database_url("postgresql+psycopg://app@db/segments").drivername == "postgresql+psycopg"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("not a url", "SEGMENTATION_AUDIENCE_DB is not a database URL; write it as postgresql://"),
        ("mysql://app@db/segments", "points at 'mysql'; audiences can be kept in PostgreSQL"),
        ("postgresql+nosuchdriver://app@db/segments", "can't be used"),
    ],
)
def test_bad_urls_give_one_message(url, message):
    store = SqlAudienceStore(url, "campaign")
    for call in (store.list, lambda: store.get("x"), lambda: store.save("A", "", "age > 1", "me")):
        with pytest.raises(AudienceDatabaseError, match=message):
            call()


def test_an_unreachable_server_gives_one_message_without_the_password():
    store = SqlAudienceStore(f"postgresql://app:s3cret-pw@127.0.0.1:{free_port()}/segments", "campaign")
    with pytest.raises(AudienceDatabaseError) as caught:
        store.save("Diwali", "", "age > 30", "asha")
    message = str(caught.value)
    assert "s3cret-pw" not in message
    assert message.startswith("the audience database postgresql+psycopg://app:***@127.0.0.1:")
    assert "can't be used right now (" in message
    assert "nothing was changed and audiences saved there are kept" in message
    assert "\n" not in message


def test_a_server_that_is_down_loses_nothing(postgres_url):
    dataset = f"ds-{uuid.uuid4().hex[:12]}"
    SqlAudienceStore(postgres_url, dataset).save("Kept", "", "age > 30", "asha")
    down = SqlAudienceStore(f"postgresql://postgres@127.0.0.1:{free_port()}/postgres", dataset)
    for call in (down.list, lambda: down.delete("Kept"), lambda: down.save("New", "", "age > 1", "me")):
        with pytest.raises(AudienceDatabaseError, match="can't be used right now"):
            call()
    assert [a.name for a in SqlAudienceStore(postgres_url, dataset).list()] == ["Kept"]


def test_the_table_holds_every_dataset(postgres_url):
    from sqlalchemy import create_engine, text

    a, b = f"a-{uuid.uuid4().hex[:8]}", f"b-{uuid.uuid4().hex[:8]}"
    SqlAudienceStore(postgres_url, a).save("One", "", "age > 1", "me")
    SqlAudienceStore(postgres_url, b).save("Two", "", "age > 2", "me")
    engine = create_engine(postgres_url)
    with engine.connect() as con:
        rows = con.execute(
            text(f"SELECT dataset, name FROM {TABLE_NAME} WHERE dataset IN (:a, :b) ORDER BY dataset"), {"a": a, "b": b}
        ).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [(a, "One"), (b, "Two")]


def test_deleting_a_dataset_deletes_its_rows_in_the_shared_table(trained, tmp_path, postgres_url):
    other = SqlAudienceStore(postgres_url, "other-data")
    other.save(f"Stays {uuid.uuid4().hex[:6]}", "", "age > 1", "me")
    saved = save_artifacts(trained, tmp_path / "campaign")
    store = open_audience_store(saved.folder, postgres_url)
    store.save("Diwali push", "", "segment = 'High'", "tester")
    delete_dataset("campaign", tmp_path, audience_db=postgres_url)
    assert not (tmp_path / "campaign").exists()
    again = save_artifacts(trained, tmp_path / "campaign")
    assert open_audience_store(again.folder, postgres_url).list() == []  # a new dataset of that name starts empty
    assert len(other.list()) >= 1  # other datasets' audiences stay
    other.delete_all()


def test_a_dataset_is_not_deleted_while_its_audience_database_is_down(trained, tmp_path):
    down = f"postgresql://postgres@127.0.0.1:{free_port()}/postgres"
    save_artifacts(trained, tmp_path / "campaign")
    with pytest.raises(DataError, match="the dataset 'campaign' was not deleted: the audience database"):
        delete_dataset("campaign", tmp_path, audience_db=down)
    assert (tmp_path / "campaign" / "model_card.json").is_file()
