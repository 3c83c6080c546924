"""The typed contracts of two artifact files: `model_card.json` (ModelCard) and `quality.json` (TrainingQuality).

Both are written with `to_dict()` and read with `from_dict()`, like `QualityReport`; pages read attributes
(`card.rows.customers`, `quality.segmentation`), never nested string keys. The metrics inside `segmentation`
(core.pipeline.evaluate) and the two classifiers' metrics (core.pipeline.classify) stay plain dicts: they are
documented where they are computed.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

from core.errors import ArtifactError
from core.pipeline.quality import QualityReport


def _names(cls: type) -> set[str]:
    """The field names of a contract dataclass, without its catch-all `extra`."""
    return {f.name for f in fields(cls)} - {"extra"}


@dataclass(frozen=True)
class RowCounts:
    """Rows of the input file, transactions kept after cleaning, and customers."""

    input: int
    transactions: int
    customers: int


@dataclass(frozen=True)
class ModelParams:
    """The settings the models were trained with."""

    k: int
    seed: int
    segment_features: tuple[str, ...]
    segment_names: tuple[str, ...]
    kmeans: dict[str, Any]  # how K-Means was started and the inertias compared
    classifier: dict[str, Any]  # the Random Forests' parameters
    extra: dict[str, Any] = field(default_factory=dict)  # further settings (e.g. segment_weights), kept as saved


@dataclass(frozen=True)
class CardMetrics:
    """The headline numbers of a training run (the full detail is in quality.json)."""

    silhouette_mean: float
    silhouette_std: float
    silhouette_sample_size: int
    davies_bouldin: float
    calinski_harabasz: float
    full_agreement: float
    prospect_accuracy: float
    prospect_macro_f1: float
    baseline_accuracy: float
    extra: dict[str, Any] = field(default_factory=dict)  # further measures (reference silhouette, ...), as saved


@dataclass(frozen=True)
class ModelCard:
    """What was trained, on what, how, and how well: `model_card.json`.

    The last six fields are filled in when the artifacts are saved (core.pipeline.persistence, .signing).
    """

    created: str  # ISO time in UTC
    source: str  # the input file's name ('' for the generated default)
    input_sha256: str
    params: ModelParams
    rows: RowCounts
    date_range: tuple[str, str] | None
    unavailable_features: tuple[str, ...]
    metrics: CardMetrics
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage
    writer: str | None = None
    format_version: int | None = None
    versions: dict[str, str] = field(default_factory=dict)  # library versions the models need
    files: dict[str, str] = field(default_factory=dict)  # sha256 of each artifact file
    model_size_mb: float | None = None
    signature: dict[str, Any] = field(default_factory=dict)  # HMACs of the card and files (core.pipeline.signing)
    extra: dict[str, Any] = field(default_factory=dict)  # further top-level entries (e.g. warnings), kept as saved

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (lists for tuples)."""
        out = asdict(self)
        out["date_range"] = list(self.date_range) if self.date_range else None
        out["params"] = {**{k: v for k, v in out["params"].items() if k != "extra"}, **self.params.extra}
        out["metrics"] = {**{k: v for k, v in out["metrics"].items() if k != "extra"}, **self.metrics.extra}
        del out["extra"]
        out.update(self.extra)
        if not self.signature:
            del out["signature"]  # an unsigned card (before saving) has no signature field at all
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ModelCard:
        """Read the JSON form; an ArtifactError names what is missing or malformed."""
        try:
            params = dict(data["params"])
            return cls(
                created=str(data["created"]),
                source=str(data.get("source") or ""),
                input_sha256=str(data.get("input_sha256") or ""),
                params=ModelParams(
                    k=int(params["k"]),
                    seed=int(params["seed"]),
                    segment_features=tuple(params["segment_features"]),
                    segment_names=tuple(params["segment_names"]),
                    kmeans=dict(params.get("kmeans") or {}),
                    classifier=dict(params.get("classifier") or {}),
                    extra={k: v for k, v in params.items() if k not in _names(ModelParams)},
                ),
                rows=RowCounts(**{f.name: int(data["rows"][f.name]) for f in fields(RowCounts)}),
                date_range=tuple(data["date_range"]) if data.get("date_range") else None,
                unavailable_features=tuple(data.get("unavailable_features") or ()),
                metrics=CardMetrics(
                    **{name: data["metrics"][name] for name in _names(CardMetrics)},
                    extra={k: v for k, v in data["metrics"].items() if k not in _names(CardMetrics)},
                ),
                timings={str(k): float(v) for k, v in (data.get("timings") or {}).items()},
                writer=data.get("writer"),
                format_version=data.get("format_version"),
                versions=dict(data.get("versions") or {}),
                files=dict(data.get("files") or {}),
                model_size_mb=data.get("model_size_mb"),
                signature=dict(data.get("signature") or {}),
                extra={k: v for k, v in data.items() if k not in _names(ModelCard)},
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ArtifactError(f"the model card is incomplete or malformed ({exc!r}): retrain") from exc


@dataclass(frozen=True)
class TrainingQuality:
    """`quality.json`: the data-quality report and how good the segmentation and the two classifiers are."""

    data: QualityReport
    segmentation: dict[str, Any]  # core.pipeline.evaluate.evaluate_segmentation
    full_model: dict[str, Any]  # core.pipeline.classify metrics of the full-feature model
    prospect_model: dict[str, Any]  # ... of the prospect model

    def to_dict(self) -> dict[str, Any]:
        """The JSON form."""
        return {
            "data": self.data.to_dict(),
            "segmentation": self.segmentation,
            "full_model": self.full_model,
            "prospect_model": self.prospect_model,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrainingQuality:
        """Read the JSON form; an ArtifactError names what is missing."""
        try:
            return cls(
                data=QualityReport.from_dict(data["data"]),
                segmentation=dict(data["segmentation"]),
                full_model=dict(data["full_model"]),
                prospect_model=dict(data["prospect_model"]),
            )
        except (KeyError, TypeError) as exc:
            raise ArtifactError(f"quality.json is incomplete ({exc!r}): retrain") from exc
