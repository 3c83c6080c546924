"""Saved audiences: a small SQLite database beside a dataset's versions, behind one small interface.

The file is `<datasets>/.versions/<dataset>/audiences.sqlite`: beside the dataset's version folders, so a retrain
(a new version folder) keeps the audiences, and every user and app process sees the same ones. Every statement
uses bound parameters, so no name, description or rule text is ever part of the SQL. Each call opens its own
short connection (Streamlit runs sessions in threads); SQLite's locking makes concurrent saves safe, and a name
is unique regardless of case.
"""

from __future__ import annotations

import sqlite3
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


class AudienceError(ValueError):
    """A save or delete that cannot be done; the message says why."""


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


def audience_file(version_folder: Path) -> Path:
    """The audience database of the dataset whose (resolved) version folder this is."""
    return Path(version_folder).parent / AUDIENCE_FILE


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
            con.execute(_SCHEMA)
            yield con
        finally:
            con.close()

    def list(self) -> list[Audience]:
        """Every saved audience, by name (case-insensitive order)."""
        with self._connect(write=False) as con:
            if con is None:
                return []
            rows = con.execute(
                "SELECT name, description, rule, created_by, created_at FROM audiences ORDER BY name COLLATE NOCASE"
            ).fetchall()
        return [Audience(*row) for row in rows]

    def get(self, name: str) -> Audience | None:
        """One audience by name (any case), or None."""
        with self._connect(write=False) as con:
            if con is None:
                return None
            row = con.execute(
                "SELECT name, description, rule, created_by, created_at FROM audiences WHERE name = ?", (str(name),)
            ).fetchone()
        return Audience(*row) if row else None

    def save(self, name: str, description: str, rule: str, created_by: str) -> Audience:
        """Save a new audience; AudienceError for a bad name, an empty rule or a name already taken.

        The rule is stored as written: check it with core.analysis.audience_rules.parse_rule first (the
        pipeline layer does not import the analysis layer).
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
        audience = Audience(name, description, rule, author, datetime.now(UTC).isoformat(timespec="seconds"))
        with self._connect(write=True) as con:
            try:
                con.execute(
                    "INSERT INTO audiences (name, description, rule, created_by, created_at) VALUES (?, ?, ?, ?, ?)",
                    (audience.name, audience.description, audience.rule, audience.created_by, audience.created_at),
                )
            except sqlite3.IntegrityError:
                raise AudienceError(
                    f"an audience called {name!r} already exists; pick another name or delete it first"
                ) from None
        return audience

    def delete(self, name: str) -> bool:
        """Delete one audience by name; False when there was none."""
        with self._connect(write=False) as con:
            if con is None:
                return False
            return con.execute("DELETE FROM audiences WHERE name = ?", (str(name),)).rowcount > 0
