"""Fault test (issue 13): the disk fills up during a save. A real small filesystem (tmpfs, mounted as root) is
filled while the CLI saves: one `error:` line, the previous model and every file stay byte-identical, no partial
version or temporary link is left, and the space is given back so the next small training succeeds."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from core.config import RAW_COLUMNS
from core.pipeline.persistence import load_artifacts
from core.pipeline.train import main
from tests.unit.pipeline.test_out_folder import snapshot

HEADER = ",".join(f'"{c}"' if "," in c else c for c in RAW_COLUMNS) + "\n"
DISK_BYTES = 8 * 1024 * 1024


def small_file(path: Path, customers: int = 120, seed: int = 0) -> Path:
    """Two transactions per customer with heavy-tailed, seeded money (varied enough for three segments)."""
    rng = np.random.default_rng(seed)
    lines = [
        f"T{i},C{i % customers:04d},1/1/{50 + i % customers % 40},{'MF'[i % customers % 2]},PUNE,"
        f"{rng.lognormal(9, 2):.2f},"
        f"{1 + i % 28}/{1 + i % 12}/16,{rng.integers(0, 235_959)},{rng.lognormal(6, 1.5):.2f}\n"
        for i in range(customers * 2)
    ]
    path.write_text(HEADER + "".join(lines))
    return path


@pytest.fixture
def small_disk(tmp_path):
    """An 8 MB tmpfs, or a skip saying why the machine does not allow one."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small filesystem needs root and mount(8)")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={DISK_BYTES}", "tmpfs", str(mount)], capture_output=True, text=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip() or done.returncode}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def free_bytes(path: Path) -> int:
    stats = os.statvfs(path)
    return stats.f_bavail * stats.f_frsize


def test_disk_full_during_save_keeps_the_previous_model_and_gives_the_space_back(
    small_disk, small_csv, tmp_path, capsys
):
    out = small_disk / "datasets" / "default"
    assert main(["--input", str(small_file(tmp_path / "first.csv")), "--out", str(out)]) == 0
    previous = out.resolve()
    # Leave less room than the next (larger) model needs: the save fails part-way through its files.
    filler = small_disk / "filler.bin"
    with open(filler, "wb") as fh:
        fh.write(b"\0" * (free_bytes(small_disk) - 96 * 1024))
    before = snapshot(small_disk)
    free_before = free_bytes(small_disk)
    capsys.readouterr()

    assert main(["--input", str(small_csv), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: "), err
    assert "No space left on device" in err[0] and "previous model stays active" in err[0]
    assert snapshot(small_disk) == before  # no partial version, no temporary link, nothing else changed
    assert free_bytes(small_disk) == free_before
    assert out.resolve() == previous and len(load_artifacts(out).customers) == 120

    # The next small training fits in the space that was given back.
    assert main(["--input", str(small_file(tmp_path / "second.csv", customers=110)), "--out", str(out)]) == 0
    assert len(load_artifacts(out).customers) == 110
