"""The bad-input corpus through the training CLI: exit 2, one `error:` line naming the problem, and the
previous artifacts left exactly as they were."""

from __future__ import annotations

import gzip

import pytest

from core.config import RAW_COLUMNS
from core.pipeline.persistence import load_artifacts, save_artifacts, sha256_file
from core.pipeline.train import main

HEADER = ",".join(f'"{c}"' if "," in c else c for c in RAW_COLUMNS)


def rows(n: int, customers: int | None = None, amount: str = "250", date: str = "2/8/16") -> str:
    """n valid raw rows over `customers` distinct customers."""
    customers = customers or n
    return "".join(f"T{i},C{i % customers:07d},1/1/90,M,MUMBAI,1000.5,{date},101010,{amount}\n" for i in range(n))


CORPUS = {
    "empty": (b"", "empty"),
    "header only": ((HEADER + "\n").encode(), "header but no rows"),
    "binary png": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "not a CSV"),
    "gzip of nothing": (gzip.compress(b""), "empty"),
    "missing required column": (b"CustomerID,TransactionDate\nC1,2/8/16\n", "TransactionAmount"),
    "amounts not numbers": ((HEADER + "\n" + rows(60, amount="abc")).encode(), "not numbers"),
    "negative amounts only": ((HEADER + "\n" + rows(60, amount="-20")).encode(), "amount"),
    "no parseable dates": ((HEADER + "\n" + rows(60, date="someday")).encode(), "TransactionDate"),
    "dates in the future": ((HEADER + "\n" + rows(60, date="2/8/2099")).encode(), "after today"),
    "single customer": ((HEADER + "\n" + rows(40, customers=1)).encode(), "only 1 customer"),
    "fewer customers than segments": ((HEADER + "\n" + rows(40, customers=2)).encode(), "only 2 customers"),
}


@pytest.fixture(scope="module")
def existing(trained, tmp_path_factory):
    """A trained dataset that every bad run must leave untouched."""
    folder = tmp_path_factory.mktemp("keep") / "default"
    saved = save_artifacts(trained, folder)
    return folder, saved.folder, {p.name: sha256_file(p) for p in saved.folder.iterdir()}


@pytest.mark.parametrize("case", list(CORPUS))
def test_bad_input_exits_2_and_leaves_artifacts_intact(case, existing, tmp_path, capsys):
    content, expected = CORPUS[case]
    path = tmp_path / "input.csv"
    path.write_bytes(content)
    folder, version, checksums = existing
    assert main(["--input", str(path), "--out", str(folder)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: "), err
    assert expected.lower() in err[0].lower(), err[0]
    assert "Traceback" not in err[0]
    assert folder.resolve() == version
    assert {p.name: sha256_file(p) for p in version.iterdir()} == checksums
    assert len(load_artifacts(folder).customers) > 0
