"""A throw-away PostgreSQL server for the tests: Debian's binaries, a temporary cluster on a free port.

Debian's `postgresql` package (installed by .ci/run) puts initdb and pg_ctl in /usr/lib/postgresql/<N>/bin. The
cluster lives in a temporary folder, listens on 127.0.0.1 and a Unix socket in that folder only, trusts local
connections (nothing else can reach it) and is stopped and removed at the end of the session. PostgreSQL refuses
to run as root, so as root the server runs as `nobody`, who owns the folder. Without the binaries, or when the
server does not start, `start_postgres` says why and the tests that need it are skipped with that reason.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tests.browser import free_port

SERVER_USER = "nobody"  # runs the server when the tests run as root


@dataclass(frozen=True)
class Postgres:
    """A running throw-away server: its SQLAlchemy URL, and how to stop it."""

    url: str
    folder: Path
    bin_dir: Path
    user: str | None

    def stop(self) -> None:
        """Stop the server (fast shutdown) and remove its folder."""
        subprocess.run(
            _as_user(
                [str(self.bin_dir / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "fast", "-w", "stop"], self.user
            ),
            capture_output=True,
            timeout=60,
            check=False,
        )
        shutil.rmtree(self.folder, ignore_errors=True)


def _as_user(command: list[str], user: str | None) -> list[str]:
    return ["runuser", "-u", user, "--", *command] if user else command


def postgres_bin_dir() -> Path | None:
    """The newest Debian PostgreSQL binaries folder with initdb and pg_ctl, or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    return Path(found[-1]).parent if found else None


def start_postgres() -> Postgres | str:
    """Start a throw-away server; the reason it could not be started, as text, otherwise."""
    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        return "no PostgreSQL server binaries (/usr/lib/postgresql/*/bin/initdb): apt-get install postgresql"
    user = SERVER_USER if os.geteuid() == 0 else None
    if user and not shutil.which("runuser"):
        return "running as root without runuser: PostgreSQL can't be started as another user"
    folder = Path(tempfile.mkdtemp(prefix="segment-studio-pg-"))
    if user:
        record = pwd.getpwnam(user)
        os.chown(folder, record.pw_uid, record.pw_gid)
    port = free_port()
    data = folder / "data"
    steps = [
        [
            str(bin_dir / "initdb"),
            "-D",
            str(data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        ],
        [
            str(bin_dir / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(folder / "server.log"),
            "-w",
            "-t",
            "60",
            "-o",
            f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off",
            "start",
        ],
    ]
    for step in steps:
        try:
            done = subprocess.run(_as_user(step, user), capture_output=True, text=True, timeout=120, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            shutil.rmtree(folder, ignore_errors=True)
            return f"PostgreSQL could not be started: {exc}"
        if done.returncode != 0:
            log = (folder / "server.log").read_text(errors="replace") if (folder / "server.log").exists() else ""
            shutil.rmtree(folder, ignore_errors=True)
            return f"PostgreSQL could not be started ({Path(step[0]).name}): {(done.stderr or log).strip()[-500:]}"
    return Postgres(f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres", folder, bin_dir, user)
