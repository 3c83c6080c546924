"""Which model a dataset's segments come from: trained on it, or scored with another dataset's fixed model.

A scored dataset (core.scoring.rescore) records in its model card, under `scored_with`, the dataset and version
folder of the model it was scored with and that model file's sha256 (`models_sha256`). A trained dataset's model
is identified by the sha256 of its own models.joblib, so two datasets share a model when their identities match,
whatever they are called now.
"""

from __future__ import annotations

from pathlib import Path

from core.config import DATASETS_DIR
from core.errors import ArtifactError
from core.pipeline.card import ModelCard
from core.pipeline.files import MODELS_FILE
from core.pipeline.persistence import list_datasets, read_card

SCORED_WITH = "scored_with"  # the card entry of a scored dataset
DRIFT = "drift"  # its drift report against the model's training data


def scored_with(card: ModelCard) -> dict | None:
    """What a scored dataset was scored with ({dataset, version, models_sha256, model_created}); None if trained."""
    record = card.extra.get(SCORED_WITH)
    return dict(record) if isinstance(record, dict) else None


def model_identity(card: ModelCard) -> str:
    """The sha256 of the model file whose segments a dataset holds ('' when the card records none)."""
    record = scored_with(card)
    if record is not None:
        return str(record.get("models_sha256") or "")
    return str(card.files.get(MODELS_FILE) or "")


def datasets_of_model(identity: str, root: Path = DATASETS_DIR) -> list[str]:
    """The names of every dataset whose segments come from the model with this identity (default first)."""
    if not identity:
        return []
    names = []
    for entry in list_datasets(root):
        try:
            card = read_card(root / entry["name"])
        except ArtifactError:
            continue
        if model_identity(card) == identity:
            names.append(entry["name"])
    return names
