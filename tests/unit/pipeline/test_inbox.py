"""Server folders: only transactions files inside them are offered, and only a listed name can be trained."""

from __future__ import annotations

import os
import time

import pytest

from core.errors import DataError
from core.pipeline.inbox import list_server_inputs, resolve_server_input


@pytest.fixture
def inbox(tmp_path):
    root = tmp_path / "inbox"
    root.mkdir()
    (root / "old.csv").write_text("a\n")
    os.utime(root / "old.csv", (time.time() - 3600, time.time() - 3600))
    (root / "new.csv.gz").write_bytes(b"\x1f\x8b")
    os.utime(root / "new.csv.gz", (time.time() - 60, time.time() - 60))
    (root / "parts.parquet").write_bytes(b"PAR1")
    os.utime(root / "parts.parquet", (time.time() - 600, time.time() - 600))
    (root / ".hidden.csv").write_text("a\n")  # partial copies start with a dot
    (root / "notes.txt").write_text("not data")
    (root / "folder.csv").mkdir()  # a folder is not a file
    outside = tmp_path / "secret.csv"
    outside.write_text("id\n")
    (root / "link-out.csv").symlink_to(outside)  # points outside the inbox: never offered
    (root / "link-in.csv").symlink_to(root / "old.csv")  # stays inside: fine
    return root


def test_lists_the_transactions_files_inside_newest_first(inbox):
    names = [item.name for item in list_server_inputs((inbox,))]
    # link-in.csv has old.csv's time (the link is followed); equal times are listed by name
    assert names == ["inbox/new.csv.gz", "inbox/parts.parquet", "inbox/link-in.csv", "inbox/old.csv"]
    sizes = {item.name: item.size_bytes for item in list_server_inputs((inbox,))}
    assert sizes["inbox/parts.parquet"] == 4


@pytest.mark.parametrize(
    "name", ["inbox/link-out.csv", "inbox/../secret.csv", "/etc/passwd", "inbox/notes.txt", "inbox/.hidden.csv"]
)
def test_only_a_listed_name_resolves(inbox, name):
    with pytest.raises(DataError, match="not a transactions file in the server folders"):
        resolve_server_input(name, (inbox,))


def test_a_listed_name_resolves_to_its_file_inside(inbox):
    item = resolve_server_input("inbox/new.csv.gz", (inbox,))
    assert item.path == (inbox / "new.csv.gz").resolve()


def test_missing_folders_list_nothing(tmp_path):
    assert list_server_inputs((tmp_path / "absent",)) == []
