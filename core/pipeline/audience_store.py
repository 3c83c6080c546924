"""Saved audiences behind one small interface: a SQLite file per dataset by default, or one shared SQL database.

By default the file is `<datasets>/.versions/<dataset>/audiences.sqlite`: beside the dataset's version folders, so
a retrain (a new version folder) keeps the audiences, and every user and app process sees the same ones. With
`SEGMENTATION_AUDIENCE_DB` set to a SQLAlchemy URL (core.config.AUDIENCE_DB_URL), the audiences of every dataset
live in one table of that database, keyed by the dataset's name (core.pipeline.audience_sql), so several app
servers share them. Both backends behave alike: every statement uses bound parameters (no name, description or
rule text is ever part of the SQL), each call opens its own short connection or transaction (Streamlit runs
sessions in threads), a name is unique regardless of case (`name_key`: Unicode case folding, the same in both),
and of two concurrent saves of one name exactly one wins; the other gets an AudienceError that says so.
"""

from __future__ import annotations

import sqlite3
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from core.pipeline.files import AUDIENCE_FILE

MAX_NAME_LENGTH = 80
MAX_DESCRIPTION_LENGTH = 500
MAX_AUTHOR_LENGTH = 120
_SCHEMA = """
CREATE TABLE IF NOT EXISTS audiences (
    name TEXT PRIMARY KEY COLLATE NOCASE,
    description TEXT NOT NULL DEFAULT '',
    rule TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
)
"""
_COLUMNS = "name, description, rule, created_by, created_at"
_BY_NAME = "FROM audiences WHERE name_key(name) = ?"  # name_key: a Python function registered on each connection


class AudienceError(ValueError):
    """A save or delete that cannot be done; the message says why."""


class AudienceDatabaseError(AudienceError):
    """The configured audience database cannot be used (bad URL, server down); nothing was changed."""


@dataclass(frozen=True)
class Audience:
    """A saved audience: its name, what it is for, its rule, and who created it when (UTC, ISO 8601)."""

    name: str
    description: str
    rule: str
    created_by: str
    created_at: str


class AudienceStore(Protocol):
    """What the app needs from an audience store."""

    def list(self) -> list[Audience]: ...

    def get(self, name: str) -> Audience | None: ...

    def save(self, name: str, description: str, rule: str, created_by: str) -> Audience: ...

    def delete(self, name: str) -> bool: ...


def clean_name(name: str) -> str:
    """The name trimmed, with inner whitespace collapsed; AudienceError when empty, too long or unprintable."""
    text = " ".join(str(name or "").split())
    if not text:
        raise AudienceError("give the audience a name")
    if len(text) > MAX_NAME_LENGTH:
        raise AudienceError(f"the name is {len(text)} characters long; at most {MAX_NAME_LENGTH} are allowed")
    if not text.isprintable():
        raise AudienceError("the name contains control characters; use letters, digits and punctuation")
    return text


def name_key(name: str) -> str:
    """What makes two names the same audience: whitespace collapsed, NFC, Unicode case folding ('ÉTÉ' = 'été')."""
    return unicodedata.normalize("NFC", " ".join(str(name or "").split())).casefold()


def new_audience(name: str, description: str, rule: str, created_by: str) -> Audience:
    """A checked audience stamped now (UTC); AudienceError for a bad name, an empty rule or a long description.

    The rule is stored as written: check it with core.analysis.audience_rules.parse_rule first (the pipeline
    layer does not import the analysis layer).
    """
    name = clean_name(name)
    description = str(description or "").strip()
    if len(description) > MAX_DESCRIPTION_LENGTH:
        raise AudienceError(
            f"the description is {len(description)} characters long; at most {MAX_DESCRIPTION_LENGTH} are allowed"
        )
    rule = str(rule or "").strip()
    if not rule:
        raise AudienceError("the audience has no rule")
    author = " ".join(str(created_by or "").split())[:MAX_AUTHOR_LENGTH] or "unknown"
    return Audience(name, description, rule, author, datetime.now(UTC).isoformat(timespec="seconds"))


def taken_message(name: str) -> str:
    """The one message both backends give when a name (in any case) is already saved."""
    return f"an audience called {name!r} already exists; pick another name or delete it first"


def sorted_audiences(audiences: list[Audience]) -> list[Audience]:
    """Audiences by name, case-insensitively (the same order whatever the database's collation)."""
    return sorted(audiences, key=lambda a: (name_key(a.name), a.name))


def audience_file(version_folder: Path) -> Path:
    """The audience database of the dataset whose (resolved) version folder this is."""
    return Path(version_folder).parent / AUDIENCE_FILE


def dataset_of(version_folder: Path) -> str:
    """The dataset's name, from its resolved version folder (`.versions/<dataset>/<version>`)."""
    return Path(version_folder).parent.name


class SqliteAudienceStore:
    """Audiences in one SQLite file (created on first save)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    @contextmanager
    def _connect(self, write: bool) -> Iterator[sqlite3.Connection | None]:
        if not write and not self.path.exists():
            yield None
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(self.path, timeout=15, isolation_level=None)
        try:
            con.execute("PRAGMA busy_timeout = 15000")
            con.create_function("name_key", 1, name_key, deterministic=True)
            con.execute(_SCHEMA)
            yield con
        finally:
            con.close()

    def list(self) -> list[Audience]:
        """Every saved audience, by name (case-insensitive order)."""
        with self._connect(write=False) as con:
            if con is None:
                return []
            rows = con.execute(f"SELECT {_COLUMNS} FROM audiences").fetchall()
        return sorted_audiences([Audience(*row) for row in rows])

    def get(self, name: str) -> Audience | None:
        """One audience by name (any case), or None."""
        with self._connect(write=False) as con:
            if con is None:
                return None
            row = con.execute(f"SELECT {_COLUMNS} {_BY_NAME}", (name_key(name),)).fetchone()
        return Audience(*row) if row else None

    def save(self, name: str, description: str, rule: str, created_by: str) -> Audience:
        """Save a new audience; AudienceError for a bad name, an empty rule or a name already taken (any case)."""
        audience = new_audience(name, description, rule, created_by)
        with self._connect(write=True) as con:
            con.execute("BEGIN IMMEDIATE")  # the check and the insert under one write lock: one of two saves wins
            try:
                if con.execute(f"SELECT 1 {_BY_NAME}", (name_key(audience.name),)).fetchone():
                    raise AudienceError(taken_message(audience.name))
                con.execute(
                    f"INSERT INTO audiences ({_COLUMNS}) VALUES (?, ?, ?, ?, ?)",
                    (audience.name, audience.description, audience.rule, audience.created_by, audience.created_at),
                )
            except sqlite3.IntegrityError:
                con.execute("ROLLBACK")
                raise AudienceError(taken_message(audience.name)) from None
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")
        return audience

    def delete(self, name: str) -> bool:
        """Delete one audience by name (any case); False when there was none."""
        with self._connect(write=False) as con:
            if con is None:
                return False
            return con.execute(f"DELETE {_BY_NAME}", (name_key(name),)).rowcount > 0
