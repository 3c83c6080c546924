"""Transactions files on the server that the Data page may train on: only inside the operator's folders.

A browser upload is capped (core.config.MAX_UPLOAD_MB); a bank's bigger files are copied by the operator into a
folder listed in `core.config.SERVER_INPUT_DIRS` (default `data/inbox/`). The page lists what is there and the
user picks one by its name: no path is ever typed in the browser, and a name is accepted only when it resolves
to a file inside one of those folders (no `..`, no symbolic link pointing elsewhere).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from core.config import SERVER_INPUT_DIRS
from core.errors import DataError

SUFFIXES = (".csv", ".csv.gz", ".parquet")
MAX_LISTED = 500  # files offered at once; an inbox with more is listed by most recent first


@dataclass(frozen=True)
class ServerInput:
    """One file a user may train on: its name as shown (folder/file), where it is, and how big."""

    name: str
    path: Path
    size_bytes: int
    modified: datetime


def _accepted(path: Path) -> bool:
    """A regular file with a transactions suffix (hidden and partial files are left out)."""
    name = path.name.lower()
    return not name.startswith(".") and name.endswith(SUFFIXES) and path.is_file()


def _inside(path: Path, root: Path) -> bool:
    """True when the fully resolved path (links followed) is inside the resolved root."""
    try:
        return path.resolve(strict=True).is_relative_to(root.resolve(strict=True))
    except (OSError, RuntimeError):  # missing, dangling link, link loop
        return False


def list_server_inputs(roots: tuple[Path, ...] = SERVER_INPUT_DIRS) -> list[ServerInput]:
    """The transactions files directly inside the server folders, newest first (at most MAX_LISTED)."""
    found: list[ServerInput] = []
    for root in roots:
        if not root.is_dir():
            continue
        for path in root.iterdir():
            if _accepted(path) and _inside(path, root):
                stat = path.stat()
                found.append(
                    ServerInput(
                        name=f"{root.name}/{path.name}",
                        path=path.resolve(),
                        size_bytes=stat.st_size,
                        modified=datetime.fromtimestamp(stat.st_mtime, UTC),
                    )
                )
    found.sort(key=lambda f: (-f.modified.timestamp(), f.name))
    return found[:MAX_LISTED]


def resolve_server_input(name: str, roots: tuple[Path, ...] = SERVER_INPUT_DIRS) -> ServerInput:
    """The listed file with this name, checked again (it may have changed since the page listed it)."""
    for item in list_server_inputs(roots):
        if item.name == name:
            return item
    raise DataError(f"'{name}' is not a transactions file in the server folders any more: refresh the page")
