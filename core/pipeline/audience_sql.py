"""Saved audiences in one shared SQL database (PostgreSQL, or a SQLite file), through SQLAlchemy Core.

For a team running several app servers: `SEGMENTATION_AUDIENCE_DB=postgresql://user:password@host:5432/db`. The
audiences of every dataset live in one table, `segment_studio_audiences`, keyed by (dataset, name_key): the
dataset's name and the case-folded audience name (core.pipeline.audience_store.name_key, computed here rather than
by the server, so 'ÉTÉ' and 'été' are one name whatever the database's locale). The primary key makes one of two
concurrent saves of a name win, on any number of servers; the other gets the same message as with SQLite. Each
call is one short transaction on a pooled connection (one engine per URL and process); a bad URL or a server that
can't be reached raises AudienceDatabaseError, one sentence without the password, and nothing is changed.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    delete,
    insert,
    inspect,
    select,
)
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, NoSuchModuleError, SQLAlchemyError

from core.config import AUDIENCE_DB_TIMEOUT_S
from core.pipeline.audience_store import (
    Audience,
    AudienceDatabaseError,
    AudienceError,
    name_key,
    new_audience,
    sorted_audiences,
    taken_message,
)

TABLE_NAME = "segment_studio_audiences"
BACKENDS = ("postgresql", "sqlite")  # the databases this store is tested against
_METADATA = MetaData()
AUDIENCES = Table(
    TABLE_NAME,
    _METADATA,
    Column("dataset", String(200), primary_key=True),
    Column("name_key", String(400), primary_key=True),
    Column("name", Text, nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("rule", Text, nullable=False),
    Column("created_by", Text, nullable=False),
    Column("created_at", String(40), nullable=False),
)
_FIELDS = (AUDIENCES.c.name, AUDIENCES.c.description, AUDIENCES.c.rule, AUDIENCES.c.created_by, AUDIENCES.c.created_at)
_READY: set[str] = set()  # URLs whose table exists (checked once per process)
_READY_LOCK = threading.Lock()


def database_url(text: str) -> URL:
    """The configured URL, parsed: `postgresql://` means psycopg 3; AudienceDatabaseError for anything unusable."""
    try:
        url = make_url(str(text).strip())
    except ArgumentError:
        raise AudienceDatabaseError(
            "SEGMENTATION_AUDIENCE_DB is not a database URL; write it as "
            "postgresql://user:password@host:5432/database (audiences are not saved until it is fixed)"
        ) from None
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    if url.get_backend_name() not in BACKENDS:
        raise AudienceDatabaseError(
            f"SEGMENTATION_AUDIENCE_DB points at {url.get_backend_name()!r}; audiences can be kept in PostgreSQL "
            "(postgresql://...) or SQLite (sqlite:///path/audiences.db) only"
        )
    return url


def shown_url(url: URL) -> str:
    """The URL as it may be shown to a user: the password hidden."""
    return url.render_as_string(hide_password=True)


@cache
def _engine(text: str) -> Engine:
    """One pooled engine per URL and process (pre-pinged, so a restarted server is reconnected)."""
    url = database_url(text)
    if url.get_backend_name() == "postgresql":
        args: dict[str, object] = {"connect_timeout": AUDIENCE_DB_TIMEOUT_S}
    else:
        args = {"timeout": 15}
    try:
        return create_engine(url, connect_args=args, pool_pre_ping=True, pool_size=2, max_overflow=3)
    except (ArgumentError, NoSuchModuleError, ImportError, TypeError) as exc:
        raise AudienceDatabaseError(f"the audience database {shown_url(url)} can't be used: {exc}") from None


def _reason(exc: BaseException) -> str:
    """The first line of a driver's error, short: 'connection refused', 'password authentication failed', ..."""
    original = getattr(exc, "orig", None) or exc
    lines = [line.strip() for line in str(original).splitlines() if line.strip()]
    return (lines[0] if lines else type(original).__name__)[:300]


class SqlAudienceStore:
    """One dataset's audiences in the shared table of a SQLAlchemy database (created on first use)."""

    def __init__(self, url: str, dataset: str, engine: Engine | None = None) -> None:
        self.url = str(url)
        self.dataset = str(dataset)
        self._own_engine = engine  # tests pass a second engine to act as a second app server

    @property
    def engine(self) -> Engine:
        """The engine of this store's URL; AudienceDatabaseError for a URL that can't be used."""
        return self._own_engine or _engine(self.url)

    def _unusable(self, exc: BaseException) -> AudienceDatabaseError:
        return AudienceDatabaseError(
            f"the audience database {shown_url(self.engine.url)} can't be used right now ({_reason(exc)}); "
            "nothing was changed and audiences saved there are kept. The server's operator can check "
            "SEGMENTATION_AUDIENCE_DB and the database server"
        )

    @contextmanager
    def _transaction(self) -> Iterator[Connection]:
        """One transaction, committed at the end (rolled back on any error); server errors as one sentence."""
        engine = self.engine
        try:
            _ensure_table(engine, self.url)
            with engine.begin() as con:
                yield con
        except AudienceError:
            raise
        except IntegrityError:
            raise
        except (SQLAlchemyError, OSError) as exc:
            raise self._unusable(exc) from None

    def list(self) -> list[Audience]:
        """Every saved audience of this dataset, by name (case-insensitive order)."""
        with self._transaction() as con:
            rows = con.execute(select(*_FIELDS).where(AUDIENCES.c.dataset == self.dataset)).all()
        return sorted_audiences([Audience(*row) for row in rows])

    def get(self, name: str) -> Audience | None:
        """One audience by name (any case), or None."""
        query = select(*_FIELDS).where(AUDIENCES.c.dataset == self.dataset, AUDIENCES.c.name_key == name_key(name))
        with self._transaction() as con:
            row = con.execute(query).first()
        return Audience(*row) if row else None

    def save(self, name: str, description: str, rule: str, created_by: str) -> Audience:
        """Save a new audience; AudienceError for a bad name, an empty rule or a name already taken (any case)."""
        audience = new_audience(name, description, rule, created_by)
        row = {"dataset": self.dataset, "name_key": name_key(audience.name), **audience.__dict__}
        try:
            with self._transaction() as con:
                con.execute(insert(AUDIENCES).values(**row))
        except IntegrityError:
            raise AudienceError(taken_message(audience.name)) from None
        return audience

    def delete(self, name: str) -> bool:
        """Delete one audience by name (any case); False when there was none."""
        query = delete(AUDIENCES).where(AUDIENCES.c.dataset == self.dataset, AUDIENCES.c.name_key == name_key(name))
        with self._transaction() as con:
            return con.execute(query).rowcount > 0

    def delete_all(self) -> int:
        """Delete every audience of this dataset (when the dataset itself is deleted); how many there were."""
        with self._transaction() as con:
            return int(con.execute(delete(AUDIENCES).where(AUDIENCES.c.dataset == self.dataset)).rowcount)


def _ensure_table(engine: Engine, key: str) -> None:
    """Create the table once per process; two servers creating it at once is fine (the loser finds it there)."""
    if key in _READY:
        return
    with _READY_LOCK:
        if key in _READY:
            return
        try:
            _METADATA.create_all(engine, checkfirst=True)
        except SQLAlchemyError:
            if not inspect(engine).has_table(TABLE_NAME):
                raise
        _READY.add(key)
