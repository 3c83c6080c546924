"""The bring-your-own-data workflow: inspect an upload, check it, train it into a new named dataset.

Uploads are processed in memory (the bytes of the upload), never written into the data folder; the only
thing written is the finished dataset, atomically, under a name that does not exist yet, so an upload can
never overwrite or damage another dataset.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from core.config import DATASETS_DIR, DEFAULT_K, DEFAULT_SEED, OPTIONAL_COLUMNS, PREVIEW_ROWS, REQUIRED_COLUMNS
from core.errors import DataError
from core.pipeline.clean import clean_transactions
from core.pipeline.load import load_transactions, read_table, suggest_column_mapping
from core.pipeline.persistence import Artifacts, check_name, slugify_name
from core.pipeline.quality import QualityReport
from core.pipeline.train import Progress, run_training


@dataclass(frozen=True)
class UploadPreview:
    """First rows, column names and suggested mapping of an uploaded file."""

    head: pd.DataFrame
    columns: tuple[str, ...]
    n_rows: int
    suggestions: dict[str, str | None]

    @property
    def matches_schema(self) -> bool:
        """True when every required column was found by name."""
        return all(self.suggestions.get(c) for c in REQUIRED_COLUMNS)


def inspect_upload(data: bytes, filename: str) -> UploadPreview:
    """Read an upload enough to preview it and suggest which of its columns is which."""
    table = read_table(data, name=filename)
    columns = tuple(str(c) for c in table.columns)
    return UploadPreview(table.head(PREVIEW_ROWS), columns, len(table), suggest_column_mapping(columns))


def check_upload(data: bytes, filename: str, mapping: dict[str, str | None]) -> tuple[pd.DataFrame, QualityReport]:
    """Load with the chosen mapping and clean: the clean transactions and the data-quality report."""
    return clean_transactions(load_transactions(data, name=filename, mapping=mapping))


def left_out_features(mapping: dict[str, str | None]) -> list[str]:
    """Plain-English notes on what is left out because an optional column was not mapped."""
    effects = {
        "CustomerDOB": "age",
        "CustGender": "gender",
        "CustLocation": "location",
        "CustAccountBalance": "account balance (segments then use transaction amounts only)",
        "TransactionTime": "time-of-day features (typical hour, night share)",
        "TransactionID": "duplicate-transaction checks",
    }
    return [f"No {c} column: {effects[c]} left out." for c in OPTIONAL_COLUMNS if not mapping.get(c)]


def new_dataset_name(text: str, root: Path = DATASETS_DIR) -> str:
    """A valid, unused dataset name from what the user typed."""
    name = check_name(slugify_name(text))
    if (root / name).exists():
        raise DataError(f"a dataset named '{name}' already exists; choose another name or delete it first")
    return name


def train_upload(
    data: bytes,
    filename: str,
    mapping: dict[str, str | None],
    dataset: str,
    k: int = DEFAULT_K,
    seed: int = DEFAULT_SEED,
    progress: Progress | None = None,
    root: Path = DATASETS_DIR,
) -> Artifacts:
    """Train a new named dataset from an upload; nothing is written unless every stage succeeds."""
    name = new_dataset_name(dataset, root)
    return run_training(data, root / name, k=k, seed=seed, progress=progress, mapping=mapping, name=filename)
