"""Saving and loading artifacts atomically, with checksums, version checks and named datasets.

Layout: `<root>/<name>` is a symlink to a complete version folder `<root>/.versions/<name>/<stamp>`. A save
writes a new version folder, then swaps the symlink with one atomic `os.replace`, so a run that fails or is
killed midway leaves the previous artifacts active and loadable. Loading resolves the link once, so a swap
during a load never mixes files of two versions.

joblib is pickle: `load_artifacts` only unpickles `models.joblib` after the card's HMAC signature, made with a
key kept outside the data folder (`core.pipeline.signing`), matches the card and every file; then the card must
say this app wrote it, with the same library versions. Uploaded model files are never loaded.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import sys
import time
import unicodedata
import uuid
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import sklearn

from core.config import AUDIENCE_DB_URL, DATASETS_DIR, PARQUET_COMPRESSION, PARQUET_ROW_GROUP_ROWS
from core.errors import ArtifactError, DataError
from core.pipeline.audiences import delete_dataset_audiences
from core.pipeline.card import ModelCard, TrainingQuality
from core.pipeline.features import typed_customers, typed_transactions
from core.pipeline.files import (
    CARD_FILE,
    CHECKED_FILES,
    CUSTOMERS_FILE,
    MODELS_FILE,
    QUALITY_FILE,
    TRANSACTIONS_FILE,
)
from core.pipeline.link import with_segments
from core.pipeline.models import Models, load_models
from core.pipeline.rfm import with_rfm
from core.pipeline.signing import digest_folder, sign_card, verify_signature

WRITER = "bank-segmentation-dashboard"
FORMAT_VERSION = 1
NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
VERSION_PATTERN = re.compile(r"^\d{8}T\d{6}-[0-9a-f]{8}$")  # the only folders this app ever deletes
LINKED_MARKER = ".was-current"  # written once a version has been made current
LOAD_ATTEMPTS = 5  # reads restarted because a save replaced the version being read
STALE_SECONDS = 3600  # unfinished version folders older than this are left-overs of killed runs


@dataclass
class Artifacts:
    """Everything one training run produced."""

    customers: pd.DataFrame
    transactions: pd.DataFrame
    models: Models
    card: ModelCard
    quality: TrainingQuality
    folder: Path | None = None  # the resolved version folder, when loaded from disk
    # At bank scale the engine writes the two Parquet tables itself (customers and transactions then hold
    # only the fitting sample and nothing); called with the version folder before the checksums are taken.
    write_tables: Callable[[Path], None] | None = None


def _library_versions() -> dict[str, str]:
    """Versions that must match for a saved model to load reliably."""
    return {
        "python": sys.version.split()[0],
        "scikit-learn": sklearn.__version__,
        "pandas": pd.__version__,
        "numpy": np.__version__,
        "joblib": joblib.__version__,
    }


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def slugify_name(text: str) -> str:
    """A dataset name safe for a folder: lower-case letters, digits, '-' and '_' (at most 40 characters)."""
    slug = re.sub(r"[^a-z0-9_-]+", "-", text.strip().lower()).strip("-_")[:40]
    return slug or "dataset"


def clean_file_name(name: str) -> str:
    """A source file name safe to store and show: letters (any script, with their marks), digits, spaces and
    . _ - ( ) only, so markup such as '[x](https://...)', '<img>' or a path becomes underscores; at most 120
    characters."""
    kept = "".join(ch if unicodedata.category(ch)[0] in "LMN" or ch in " .-()" else "_" for ch in str(name))
    kept = re.sub(r"_{2,}", "_", re.sub(r"\s+", " ", kept)).strip(" ._")
    return kept[:120] or "upload"


def check_name(name: str) -> str:
    """Refuse dataset names that are not plain folder names (no paths, no dots)."""
    if not NAME_PATTERN.match(name):
        raise DataError(f"'{name}' is not a valid dataset name: use lower-case letters, digits, '-' or '_'")
    return name


def save_artifacts(artifacts: Artifacts, folder: Path) -> Artifacts:
    """Write artifacts to a new version folder, then atomically point `folder` at it.

    Returns a copy of the artifacts with the final card and the version folder; the input is not changed.
    """
    folder = check_out_folder(Path(folder))
    root, name = folder.parent, folder.name
    versions = root / ".versions" / name
    versions.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    version = versions / f"{stamp}-{uuid.uuid4().hex[:8]}"
    version.mkdir()
    try:
        return _write_version(artifacts, folder, versions, version)
    except BaseException as exc:
        # A failed write (disk full, an exception) must not leave a partial version filling the disk;
        # a version that did become current is never removed.
        if os.path.realpath(folder) != os.path.realpath(version):
            shutil.rmtree(version, ignore_errors=True)
        if isinstance(exc, OSError):
            raise ArtifactError(
                f"cannot save the models in '{folder}': {exc.strerror or exc} (is the disk full?); the partial "
                "copy was removed and the previous model stays active"
            ) from exc
        raise


def _write_version(artifacts: Artifacts, folder: Path, versions: Path, version: Path) -> Artifacts:
    """Write every file of one version, then make it current under the dataset lock."""
    if artifacts.write_tables is not None:
        artifacts.write_tables(version)
    else:
        # Customers are sorted by CustomerID: in row groups of PARQUET_ROW_GROUP_ROWS a lookup by ID reads the
        # groups whose min/max statistics can hold it, not the whole file (pyarrow's default is one group).
        # With their RFM scores (quintiles of the whole base), so the app never ranks every customer at start.
        parquet = {"index": False, "row_group_size": PARQUET_ROW_GROUP_ROWS, "compression": PARQUET_COMPRESSION}
        with_rfm(artifacts.customers).to_parquet(version / CUSTOMERS_FILE, **parquet)
        with_segments(artifacts.transactions, artifacts.customers).to_parquet(version / TRANSACTIONS_FILE, **parquet)
    joblib.dump(artifacts.models, version / MODELS_FILE, compress=3)
    (version / QUALITY_FILE).write_text(json.dumps(artifacts.quality.to_dict(), indent=1, default=str))
    digests = digest_folder(version, CHECKED_FILES)  # one read of each file for both (gigabytes at bank scale)
    card = replace(
        artifacts.card,
        writer=WRITER,
        format_version=FORMAT_VERSION,
        versions=_library_versions(),
        files={name: sha for name, (sha, _mac) in digests.items()},
        model_size_mb=round((version / MODELS_FILE).stat().st_size / 1e6, 2),
    )
    # the JSON form is what is signed and written
    signed = sign_card(card.to_dict(), version, CHECKED_FILES, macs={n: mac for n, (_sha, mac) in digests.items()})
    card = ModelCard.from_dict(signed)
    # The card is written last: a version folder without one is unfinished and is never loaded.
    (version / CARD_FILE).write_text(json.dumps(signed, indent=1, default=str))
    # Two sessions may save the same dataset at once: linking and clean-up happen one at a time.
    with file_lock(versions / ".lock"):
        _point_link(folder, version)
        (version / LINKED_MARKER).touch()
        _remove_old_versions(versions, keep=version)
    return replace(artifacts, card=card, folder=version)


def _is_artifact_link(folder: Path) -> bool:
    """True when `folder` is a symlink this app made: it points at one of its own version folders."""
    if not folder.is_symlink():
        return False
    target = Path(os.path.realpath(folder))
    versions = Path(os.path.realpath(folder.parent)) / ".versions" / folder.name
    return target.parent == versions and bool(VERSION_PATTERN.match(target.name))


def check_out_folder(out: Path, inputs: tuple[Path, ...] = ()) -> Path:
    """Refuse an output folder whose use could overwrite or delete anything this app did not write.

    Allowed: a path that does not exist yet, or an existing dataset link of this app. Refused: any other
    existing file or folder (a user's folder, a datasets root, '.'), a folder that is or contains an input
    file, and names that are not plain dataset names.
    """
    out = Path(out)
    resolved = Path(os.path.realpath(out))
    for path in inputs:
        source = Path(os.path.realpath(path))
        if source == resolved or resolved in source.parents or _is_inside_versions(source, out):
            raise DataError(f"--out '{out}' is or contains the input file '{path}'; choose a new folder")
    if not NAME_PATTERN.match(out.name):
        raise DataError(
            f"--out '{out}': the last part of the path must be a dataset name "
            "(lower-case letters, digits, '-' or '_', at most 40 characters)"
        )
    if out.is_symlink():
        if _is_artifact_link(out):
            return out
        raise DataError(f"--out '{out}' is a link this app did not make; refusing to replace it")
    if out.exists():
        kind = "a file" if out.is_file() else "a folder this app did not write (it is not a dataset)"
        raise DataError(f"--out '{out}' already exists and is {kind}; choose a new folder, nothing was changed")
    return out


def _is_inside_versions(source: Path, out: Path) -> bool:
    """True when a file lies inside the version store of `out`, which saving may clean up."""
    versions = Path(os.path.realpath(out.parent)) / ".versions" / out.name
    return versions in source.parents


def _point_link(folder: Path, version: Path) -> None:
    """Atomically make `folder` a symlink to `version`; anything else in its place is refused, never moved."""
    check_out_folder(folder)
    tmp = folder.parent / f".{folder.name}.link-{uuid.uuid4().hex[:8]}"
    os.symlink(os.path.relpath(version, folder.parent), tmp)
    try:
        os.replace(tmp, folder)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@contextmanager
def file_lock(path: Path):
    """An exclusive lock held through a lock file (released when the process dies, so never left stale)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _remove_old_versions(versions: Path, keep: Path) -> None:
    """Delete superseded versions (ever linked, no longer current) and stale left-overs of killed runs.

    A version another session has written but not linked yet is never linked-before, so it is kept.
    """
    now = time.time()
    for path in versions.iterdir():
        # Only version folders named the way this app names them are ever candidates for deletion.
        if path == keep or path.is_symlink() or not path.is_dir() or not VERSION_PATTERN.match(path.name):
            continue
        superseded = (path / LINKED_MARKER).exists()
        if superseded or now - path.stat().st_mtime > STALE_SECONDS:
            shutil.rmtree(path, ignore_errors=True)


def _resolve_version(folder: Path) -> Path:
    """The complete version folder behind a dataset folder, or an ArtifactError saying what is missing."""
    folder = Path(folder)
    if not folder.exists():
        raise ArtifactError(f"no trained model in '{folder}': run `make train` or train from the Data page")
    return folder.resolve()


def _read_card(folder: Path) -> ModelCard:
    """The model card of a dataset, refusing folders this app did not write."""
    return ModelCard.from_dict(_read_card_json(folder))


def _read_card_json(folder: Path) -> dict:
    """model_card.json as written (the form the signature covers), refusing folders this app did not write."""
    path = _resolve_version(folder) / CARD_FILE
    try:
        card = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise ArtifactError(f"'{path}' is missing or unreadable; the artifacts are incomplete: retrain") from exc
    if card.get("writer") != WRITER or card.get("format_version") != FORMAT_VERSION:
        raise ArtifactError(f"'{folder}' was not written by this app; refusing to load it")
    return card


def _verify_versions(card: ModelCard) -> None:
    """Refuse models saved with another scikit-learn or joblib: unpickling across versions is unreliable."""
    current = _library_versions()
    for lib in ("scikit-learn", "joblib"):
        saved = card.versions.get(lib)
        if saved != current[lib]:
            raise ArtifactError(
                f"the model was trained with {lib} {saved}, this is {current[lib]}: retrain with `make train`"
            )


def load_artifacts(folder: Path, tables: bool = True) -> Artifacts:
    """Load a dataset's artifacts after checking writer, library versions and checksums.

    A save by another session may swap the link and delete the version being read; the read then starts
    again from the new version, so a reader always gets one whole version. With `tables=False` the customers and
    transactions are not read into memory (empty frames stand for them): the app asks the engine for them instead
    (core.analysis.sql over the same, checked, Parquet files).
    """
    for _ in range(LOAD_ATTEMPTS):
        version = _resolve_version(folder)
        try:
            return _load_version(version, tables)
        except (OSError, ArtifactError):
            if _resolve_version(folder) == version:
                raise  # nothing changed underneath: the problem is real
    raise ArtifactError(f"'{folder}' was replaced {LOAD_ATTEMPTS} times while it was being read; try again")


def _load_version(version: Path, tables: bool = True) -> Artifacts:
    """Load one version folder (checked: writer, library versions, checksums)."""
    raw_card = _read_card_json(version)
    # Before anything is unpickled. The HMAC of each file proves its bytes are the ones saved, so the sha256 the
    # card also records is not computed again: a second read of every file cost 2 s at 10M customers.
    verify_signature(raw_card, version, CHECKED_FILES)
    card = ModelCard.from_dict(raw_card)
    _verify_versions(card)
    models = load_models(version / MODELS_FILE)
    if not isinstance(models, Models):
        raise ArtifactError(f"'{version / MODELS_FILE}' does not hold this app's models; refusing it")
    # Tables written by the engine at scale (text segments, dates as timestamps) read back in the same dtypes.
    customers, transactions = pd.DataFrame(), pd.DataFrame()
    if tables:
        customers = typed_customers(pd.read_parquet(version / CUSTOMERS_FILE), card.params.segment_names)
        transactions = typed_transactions(pd.read_parquet(version / TRANSACTIONS_FILE))
    try:
        quality = TrainingQuality.from_dict(json.loads((version / QUALITY_FILE).read_text()))
    except ValueError as exc:
        raise ArtifactError(f"'{version / QUALITY_FILE}' is unreadable ({exc}): retrain") from exc
    return Artifacts(customers, transactions, models, card, quality, version)


def read_card(folder: Path) -> ModelCard:
    """A dataset's model card as written, for listing only (load_artifacts checks the signature before any use)."""
    return _read_card(folder)


def list_datasets(root: Path = DATASETS_DIR) -> list[dict]:
    """Every trained dataset under root with its card summary, default first then by name."""
    if not root.exists():
        return []
    found = []
    for path in sorted(root.iterdir()):
        if path.name.startswith(".") or not path.is_dir():
            continue
        try:
            card = _read_card(path)
        except ArtifactError:
            continue
        found.append(
            {
                "name": path.name,
                "created": card.created,
                "customers": card.rows.customers,
                "source": card.source,
                "version": path.resolve().name,
            }
        )
    return sorted(found, key=lambda d: (d["name"] != "default", d["name"]))


def delete_dataset(name: str, root: Path = DATASETS_DIR, audience_db: str | None = AUDIENCE_DB_URL) -> None:
    """Remove a named dataset, all its versions and its saved audiences (its SQLite file and journals, or its rows
    in the shared audience database: when that can't be used, DataError and nothing is deleted)."""
    check_name(name)
    link = root / name
    if not link.exists() and not link.is_symlink():
        raise DataError(f"there is no dataset named '{name}'")
    if not _is_artifact_link(link):
        raise DataError(f"'{link}' was not written by this app; nothing was deleted")
    versions = root / ".versions" / name
    delete_dataset_audiences(name, versions, audience_db)  # first: a database that is down stops it here
    link.unlink()
    for path in versions.iterdir():
        if path.is_dir() and not path.is_symlink() and VERSION_PATTERN.match(path.name):
            shutil.rmtree(path, ignore_errors=True)
    (versions / ".lock").unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        versions.rmdir()  # only when empty: anything else someone put there stays
