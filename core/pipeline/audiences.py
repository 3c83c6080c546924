"""Which audience store a dataset uses: the shared SQL database when SEGMENTATION_AUDIENCE_DB is set, else its file.

core.pipeline.audience_store holds the interface, the rules both backends share and the SQLite backend;
core.pipeline.audience_sql the SQLAlchemy one (imported only when a URL is configured).
"""

from __future__ import annotations

from pathlib import Path

from core.config import AUDIENCE_DB_URL
from core.errors import DataError
from core.pipeline.audience_store import (
    AudienceDatabaseError,
    AudienceStore,
    SqliteAudienceStore,
    audience_file,
    dataset_of,
)
from core.pipeline.files import AUDIENCE_FILES


def open_audience_store(version_folder: Path, url: str | None = AUDIENCE_DB_URL) -> AudienceStore:
    """The saved audiences of the dataset whose resolved version folder this is: the shared database when a URL is
    configured, else the dataset's SQLite file. Nothing is connected yet: a bad URL or a server that is down
    raises AudienceDatabaseError from the first call that needs the database."""
    if url is None:
        return SqliteAudienceStore(audience_file(version_folder))
    from core.pipeline.audience_sql import SqlAudienceStore  # SQLAlchemy only when a URL is configured

    return SqlAudienceStore(url, dataset_of(version_folder))


def delete_dataset_audiences(dataset: str, versions: Path, url: str | None = AUDIENCE_DB_URL) -> int:
    """Delete every saved audience of a dataset (`versions`: its `.versions/<dataset>` folder): its rows in the
    shared database when a URL is configured (first), and its SQLite file and journals (any left from before a URL
    was set too). Returns how many rows were deleted from the shared database; DataError, with nothing deleted,
    when that database can't be used."""
    deleted = 0
    if url is not None:
        from core.pipeline.audience_sql import SqlAudienceStore  # SQLAlchemy only when a URL is configured

        try:
            deleted = SqlAudienceStore(url, dataset).delete_all()
        except AudienceDatabaseError as exc:
            raise DataError(f"the dataset '{dataset}' was not deleted: {exc}") from None
    for leftover in AUDIENCE_FILES:
        (Path(versions) / leftover).unlink(missing_ok=True)
    return deleted
