"""Training: raw transactions to saved artifacts, stage by stage, and its command line.

    python -m core.train --input PATH --out DIR [--k 3] [--seed 0]

Prints each stage with its time. Bad input exits with status 2 and one `error:` line on stderr; the previous
artifacts in DIR stay active because the new ones are swapped in atomically only at the very end.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from core.config import DATASETS_DIR, DEFAULT_DATASET, DEFAULT_K, DEFAULT_SEED, MAX_K, MAX_SEED, MIN_K
from core.errors import ArtifactError, DataError
from core.pipeline.card import ModelCard, TrainingQuality
from core.pipeline.classify import FULL_FEATURES, PROSPECT_FEATURES, ClassifierParams, ClassifierResult, fit_classifier
from core.pipeline.clean import clean_transactions
from core.pipeline.evaluate import evaluate_segmentation
from core.pipeline.features import FEATURES, build_customer_features
from core.pipeline.link import link_transactions
from core.pipeline.load import load_transactions
from core.pipeline.models import Models, compute_base_stats
from core.pipeline.persistence import Artifacts, check_out_folder, clean_file_name, save_artifacts
from core.pipeline.persons import count_excluded_customers, split_persons
from core.pipeline.prospect import fit_prospect
from core.pipeline.quality import QualityReport
from core.pipeline.segment import (
    SEGMENT_FEATURES,
    WEIGHTS_REASON,
    check_enough_customers,
    fit_segmenter,
    segment_params,
)
from core.pipeline.support import data_warnings

# Called with (stage, None) when a stage starts and (stage, seconds) when it ends.
Progress = Callable[[str, float | None], None]
STAGES = ("load", "clean", "features", "segment", "quality", "classifiers", "save")
STAGE_LABELS = {
    "load": "Reading the file",
    "clean": "Cleaning transactions",
    "features": "Building customer features",
    "segment": "Finding budget segments",
    "quality": "Measuring segment quality",
    "classifiers": "Training the classifiers",
    "save": "Saving artifacts",
}
PROSPECT_CARD_KEYS = ("log_loss", "prior_log_loss", "auc", "top_decile_lift", "calibrated")
TRANSACTION_COLUMNS = ["customer_id", "date", "hour", "amount"]


def print_progress(stage: str, seconds: float | None) -> None:
    """Default progress: one line per finished stage with its time."""
    if seconds is not None:
        print(f"{STAGE_LABELS[stage]:<32} {seconds:6.2f} s", flush=True)


class StageTimer:
    """Times named stages and reports them to a progress callback."""

    def __init__(self, progress: Progress | None):
        self.progress = progress or (lambda stage, seconds: None)
        self.timings: dict[str, float] = {}

    def run(self, stage: str, func, *args, **kwargs):
        """Run one stage, recording and reporting its duration."""
        self.progress(stage, None)
        start = time.perf_counter()
        result = func(*args, **kwargs)
        self.timings[stage] = round(time.perf_counter() - start, 3)
        self.progress(stage, self.timings[stage])
        return result


def clean_by_person(raw: pd.DataFrame) -> tuple[pd.DataFrame, QualityReport]:
    """Clean with one customer per person (core.pipeline.persons), counting split IDs and excluded customers."""
    persons = QualityReport()
    raw = split_persons(raw, persons)
    clean, report = clean_transactions(raw)
    report.items[:0] = persons.items
    count_excluded_customers(raw, clean, report)
    return clean, report


def _segment_customers(customers: pd.DataFrame, k: int, seed: int, unavailable: tuple[str, ...] = ()):
    """Fit the segmenter on the money features the input has; return it with the customers labelled."""
    features = tuple(f for f in SEGMENT_FEATURES if f not in unavailable)
    model = fit_segmenter(customers, segment_params(k, seed, features))
    labelled = customers.assign(segment=model.assign(customers))
    return model, labelled


def _fit_both_classifiers(customers: pd.DataFrame, seed: int, unavailable: tuple[str, ...]):
    """The full-feature surrogate and the prospect model, each without features the input lacked."""
    params = ClassifierParams(seed=seed)
    full_features = tuple(f for f in FULL_FEATURES if f not in unavailable)
    prospect_features = tuple(f for f in PROSPECT_FEATURES if f not in unavailable)
    full = fit_classifier(customers, customers["segment"], full_features, params)
    prospect = fit_prospect(customers, customers["segment"], prospect_features, params)
    return full, prospect


def _find_unavailable(customers: pd.DataFrame) -> tuple[str, ...]:
    """Features with no value at all (their column was absent from the input): left out, not faked."""
    missing = []
    for name in FEATURES:
        col = customers[name]
        empty = (
            col.isna().all()
            or (name == "gender" and (col == "unknown").all())
            or (name == "location" and (col == "UNKNOWN").all())
        )
        if empty:
            missing.append(name)
    return tuple(missing)


@dataclass
class Fitted:
    """Everything fitted on one raw frame, before it is described: the input to build_card and build_quality."""

    clean: pd.DataFrame
    report: QualityReport
    customers: pd.DataFrame
    transactions: pd.DataFrame
    models: Models
    segmentation: dict
    full: ClassifierResult
    prospect: ClassifierResult
    warnings: tuple[str, ...] = ()


def fit_from_raw(raw: pd.DataFrame, k: int, seed: int, timer: StageTimer) -> Fitted:
    """Clean, build features, segment, evaluate and fit the classifiers on an already-loaded raw frame."""
    clean, report = timer.run("clean", clean_by_person, raw)
    customers = timer.run("features", build_customer_features, clean)
    check_enough_customers(len(customers), k)
    unavailable = _find_unavailable(customers)
    warnings = data_warnings(clean, customers, unavailable)
    for warning in warnings:
        report.add("(whole file)", warning, "note", len(customers))
    if "balance" in unavailable:
        report.add(
            "CustAccountBalance",
            "no balances in the file: segments use transaction amounts only",
            "note",
            len(customers),
        )
    segmenter, customers = timer.run("segment", _segment_customers, customers, k, seed, unavailable)
    ranks = customers["segment"].cat.codes.to_numpy()
    seg_quality = timer.run("quality", evaluate_segmentation, segmenter, customers, ranks, seed)
    full, prospect = timer.run("classifiers", _fit_both_classifiers, customers, seed, unavailable)
    models = Models(
        segment=segmenter,
        full=full.pipeline,
        full_features=full.features,
        prospect=prospect.pipeline,
        prospect_features=prospect.features,
        base_stats=compute_base_stats(customers),
        locations=tuple(customers["location"].value_counts().index[:500]),
        unavailable=unavailable,
    )
    # Saved with each transaction's customer row, so the app joins filtered views without re-matching ids.
    transactions = link_transactions(customers, clean[TRANSACTION_COLUMNS].reset_index(drop=True))
    return Fitted(clean, report, customers, transactions, models, seg_quality, full, prospect, tuple(warnings))


def build_quality(fitted: Fitted) -> TrainingQuality:
    """quality.json: the data-quality report and the measured quality of segments and classifiers."""
    return TrainingQuality(fitted.report, fitted.segmentation, fitted.full.metrics, fitted.prospect.metrics)


def build_card(fitted: Fitted, k: int, seed: int, source: str, input_sha256: str, timings: dict) -> ModelCard:
    """model_card.json (before saving adds the writer, library versions, checksums and the signature)."""
    segmenter, seg_quality = fitted.models.segment, fitted.segmentation
    full, prospect, clean, report = fitted.full, fitted.prospect, fitted.clean, fitted.report
    card = {
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "source": source,
        "input_sha256": input_sha256,
        "params": {
            "k": k,
            "seed": seed,
            "segment_features": list(segmenter.features),
            "segment_names": list(segmenter.names),
            "segment_weights": dict(zip(segmenter.features, segmenter.params.weights, strict=True)),
            "segment_weights_reason": WEIGHTS_REASON,
            "kmeans": segmenter.fit_info,
            "classifier": vars(ClassifierParams(seed=seed)),
        },
        "rows": {
            "input": int(report.rows_in),
            "transactions": int(len(clean)),
            "customers": int(len(fitted.customers)),
        },
        "date_range": [str(clean["date"].min().date()), str(clean["date"].max().date())],
        "unavailable_features": list(fitted.models.unavailable),
        "metrics": {
            "silhouette_mean": seg_quality["silhouette"]["mean"],
            "silhouette_std": seg_quality["silhouette"]["std"],
            "silhouette_sample_size": seg_quality["silhouette"]["sample_size"],
            "silhouette_method": seg_quality["silhouette"]["method"],
            "davies_bouldin": seg_quality["davies_bouldin"],
            "calinski_harabasz": seg_quality["calinski_harabasz"],
            "reference_silhouette": seg_quality["reference_silhouette"]["mean"],
            "silhouette_gap": seg_quality["silhouette_gap"],
            "agreement_with_bands": seg_quality["agreement"],
            "borderline_share": seg_quality["borderline_share"],
            "start_dependent_share": seg_quality["start_dependent_share"],
            "full_agreement": full.metrics["accuracy"],
            "prospect_accuracy": prospect.metrics["accuracy"],
            "prospect_macro_f1": prospect.metrics["macro_f1"],
            "baseline_accuracy": prospect.metrics["baseline_accuracy"],
            "prospect": {key: prospect.metrics[key] for key in PROSPECT_CARD_KEYS},
        },
        "warnings": list(fitted.warnings),
        "timings": timings,
    }
    return ModelCard.from_dict(card)


def train_from_raw(
    raw: pd.DataFrame,
    k: int = DEFAULT_K,
    seed: int = DEFAULT_SEED,
    progress: Progress | None = None,
    source: str = "",
    input_sha256: str = "",
    timer: StageTimer | None = None,
) -> Artifacts:
    """Fit everything on an already-loaded raw frame, then describe it in the model card and quality.json."""
    timer = timer or StageTimer(progress)
    fitted = fit_from_raw(raw, k, seed, timer)
    card = build_card(fitted, k, seed, source, input_sha256, timer.timings)
    return Artifacts(fitted.customers, fitted.transactions, fitted.models, card, build_quality(fitted))


def _sha256_of(source) -> str:
    """sha256 of a path's bytes or of in-memory bytes."""
    data = source if isinstance(source, bytes | bytearray) else Path(source).read_bytes()
    return hashlib.sha256(data).hexdigest()


def run_training(
    source,
    out: Path,
    k: int = DEFAULT_K,
    seed: int = DEFAULT_SEED,
    progress: Progress | None = None,
    mapping: dict | None = None,
    name: str | None = None,
) -> Artifacts:
    """Load a file (path or bytes), train, and save atomically into `out`; returns the saved artifacts."""
    inputs = (Path(source),) if isinstance(source, str | Path) else ()
    check_out_folder(Path(out), inputs)  # before any work: a refused --out must not cost a training run
    timer = StageTimer(progress)
    raw = timer.run("load", load_transactions, source, name=name, mapping=mapping)
    label = clean_file_name(name or (Path(source).name if isinstance(source, str | Path) else "upload"))
    artifacts = train_from_raw(raw, k, seed, source=label, input_sha256=_sha256_of(source), timer=timer)
    saved = timer.run("save", save_artifacts, artifacts, Path(out))
    # the card on disk was written before "save" finished timing; the returned one has every stage
    return replace(saved, card=replace(saved.card, timings=dict(timer.timings)))


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(prog="python -m core.train", description=__doc__.splitlines()[0])
    parser.add_argument("--input", required=True, help="CSV, .csv.gz or Parquet file of transactions")
    parser.add_argument("--out", default=str(DATASETS_DIR / DEFAULT_DATASET), help="artifact folder")
    parser.add_argument("--k", type=int, default=DEFAULT_K, help="number of segments (2-8)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
    return parser.parse_args(argv)


def _check_arguments(k: int, seed: int) -> None:
    """Refuse out-of-range options before reading anything."""
    if not MIN_K <= k <= MAX_K:
        raise DataError(f"--k {k} is out of range: choose {MIN_K} to {MAX_K} segments")
    if not 0 <= seed <= MAX_SEED:
        raise DataError(f"--seed {seed} is out of range: use a whole number from 0 to {MAX_SEED:,}")


def main(argv: list[str] | None = None) -> int:
    """CLI entry point: 0 on success, 2 with one `error:` line on bad input."""
    args = parse_args(argv)
    path = Path(args.input)
    try:
        _check_arguments(args.k, args.seed)
        if not path.is_file():
            raise DataError(f"input file '{path}' does not exist")
        start = time.perf_counter()
        artifacts = run_training(path, Path(args.out), args.k, args.seed, print_progress)
    except (DataError, ArtifactError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except MemoryError:
        print("error: the file is too large for this machine's memory", file=sys.stderr)
        return 2
    sizes = artifacts.quality.segmentation["sizes"]
    total = time.perf_counter() - start
    print(f"{'Total':<32} {total:6.2f} s")
    print(
        f"{artifacts.card.rows.customers:,} customers in {len(sizes)} segments: "
        + ", ".join(f"{n} {v:,}" for n, v in sizes.items())
    )
    m = artifacts.card.metrics
    print(
        f"Saved to {Path(args.out)} (silhouette {m.silhouette_mean:.3f}, {m.extra['silhouette_method']} on "
        f"{m.silhouette_sample_size:,} customers; structureless reference {m.extra['reference_silhouette']:.3f})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
