"""The typed contracts of model_card.json and quality.json: what is saved reads back the same, damage is named."""

from __future__ import annotations

import json

import pytest

from core.errors import ArtifactError
from core.pipeline.card import ModelCard, TrainingQuality
from core.pipeline.persistence import CARD_FILE, QUALITY_FILE, save_artifacts


def test_saved_card_and_quality_read_back_as_the_same_objects(trained, tmp_path):
    saved = save_artifacts(trained, tmp_path / "d")
    on_disk = json.loads((saved.folder / CARD_FILE).read_text())
    assert ModelCard.from_dict(on_disk) == saved.card
    assert on_disk["rows"]["customers"] == len(trained.customers)  # the JSON keeps its documented shape
    assert on_disk["params"]["k"] == 3 and on_disk["writer"] == saved.card.writer
    quality = json.loads((saved.folder / QUALITY_FILE).read_text())
    assert TrainingQuality.from_dict(quality) == trained.quality
    assert quality["data"]["rows_in"] == trained.quality.data.rows_in


def test_card_attributes_hold_the_training_facts(trained):
    card = trained.card
    assert card.rows.customers == len(trained.customers)
    assert card.params.segment_names == tuple(trained.models.segment_names)
    assert card.metrics.silhouette_mean == trained.quality.segmentation["silhouette"]["mean"]
    assert card.date_range == (
        str(trained.transactions["date"].min().date()),
        str(trained.transactions["date"].max().date()),
    )


@pytest.mark.parametrize("missing", ["created", "params", "rows", "metrics"])
def test_a_card_missing_a_part_is_refused_by_name(trained, missing):
    data = trained.card.to_dict()
    del data[missing]
    with pytest.raises(ArtifactError, match=missing):
        ModelCard.from_dict(data)


def test_quality_without_the_segmentation_is_refused(trained):
    data = trained.quality.to_dict()
    del data["segmentation"]
    with pytest.raises(ArtifactError, match="segmentation"):
        TrainingQuality.from_dict(data)
