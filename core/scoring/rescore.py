"""Scoring new transactions with an existing model, without refitting, and its command line.

    python -m core.score --model DATASET --input PATH --out DIR

The new file is read, cleaned and turned into customer features exactly as training does (one customer per
person, the same cleaning rules), then the model's saved segmenter assigns each customer a segment: the same
features, the same centres and the same names, so this month's Low means what last month's Low meant. Nothing is
refitted. The result is saved like any trained dataset (core.pipeline.persistence: a new signed version folder,
swapped in atomically), so the app opens it like any other; its model card records the model it was scored with
(`scored_with`: dataset, version folder, the model file's sha256) and a drift report (core.analysis.drift) against
the customers the model was trained on. quality.json keeps the model's measured quality (it is the same model)
with the new file's data-quality report.

A file lacking a column the model's features need is refused with one `error:` line, exit status 2; `--out`
obeys the rules of core.train (check_out_folder: never overwrite or delete anything this app did not write), and
may not be the model's own dataset.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from core.analysis.drift import drift_report
from core.config import DATASETS_DIR
from core.errors import ArtifactError, DataError
from core.pipeline.card import RowCounts
from core.pipeline.features import CATEGORICAL_FEATURES, FEATURES, NUMERIC_FEATURES, build_customer_features
from core.pipeline.files import MODELS_FILE
from core.pipeline.lineage import DRIFT, SCORED_WITH, model_identity, scored_with
from core.pipeline.link import link_transactions
from core.pipeline.load import load_transactions
from core.pipeline.models import Models
from core.pipeline.persistence import Artifacts, check_out_folder, clean_file_name, load_artifacts, save_artifacts
from core.pipeline.quality import QualityReport
from core.pipeline.support import data_warnings
from core.pipeline.train import TRANSACTION_COLUMNS, clean_by_person

# The raw column each feature needs beyond the required ones (customer, date, amount).
FEATURE_COLUMNS: dict[str, str] = {
    "age": "CustomerDOB",
    "gender": "CustGender",
    "location": "CustLocation",
    "balance": "CustAccountBalance",
    "mean_hour": "TransactionTime",
    "night_share": "TransactionTime",
}


def model_features(models: Models) -> tuple[str, ...]:
    """Every feature the model reads: the segmenter's and both classifiers', in catalogue order."""
    used = {*models.segment.features, *models.full_features, *models.prospect_features}
    return tuple(f for f in FEATURES if f in used)


def _empty_features(customers: pd.DataFrame, features: tuple[str, ...]) -> list[str]:
    """Features with no value for any customer (their column was there but empty)."""
    empty = []
    for name in features:
        col = customers[name]
        if (
            col.isna().all()
            or (name == "gender" and (col == "unknown").all())
            or (name == "location" and (col == "UNKNOWN").all())
        ):
            empty.append(name)
    return empty


def check_model_columns(models: Models, raw: pd.DataFrame, source: str) -> None:
    """Refuse a file that lacks a column the model's features need, naming the columns and the features."""
    needed: dict[str, list[str]] = {}
    for name in model_features(models):
        column = FEATURE_COLUMNS.get(name)
        if column is not None and column not in raw:
            needed.setdefault(column, []).append(FEATURES[name].label.lower())
    if needed:
        listed = "; ".join(f"'{c}' (for {', '.join(f)})" for c, f in needed.items())
        raise DataError(
            f"{source} lacks what the model needs: {listed}; the model was trained with these features and scores "
            "only files that have them (train a new model on this file instead)"
        )


def score_raw(
    model: Artifacts, raw: pd.DataFrame, source: str = "the file"
) -> tuple[pd.DataFrame, pd.DataFrame, QualityReport]:
    """Clean and describe raw transactions as training does, then segment them with the fixed model.

    Returns the clean transactions, the customers (features + segment) and the cleaning's quality report.
    """
    models = model.models
    check_model_columns(models, raw, source)
    clean, report = clean_by_person(raw)
    customers = build_customer_features(clean)
    empty = _empty_features(customers, model_features(models))
    if empty:
        labels = ", ".join(FEATURES[f].label.lower() for f in empty)
        raise DataError(f"{source} has no value at all for {labels}, which the model needs; nothing was scored")
    customers = customers.assign(segment=models.segment.assign(customers))
    return clean, customers, report


def drift_features(models: Models) -> tuple[str, ...]:
    """The features drift is measured on: every feature the training data had."""
    return tuple(f for f in (*NUMERIC_FEATURES, *CATEGORICAL_FEATURES) if f not in models.unavailable)


def rescore(model: Artifacts, raw: pd.DataFrame, model_name: str, source: str, input_sha256: str) -> Artifacts:
    """The scored dataset's artifacts: customers, linked transactions, the same models, a card linked to the model."""
    started = time.perf_counter()
    clean, customers, report = score_raw(model, raw, source)
    transactions = link_transactions(customers, clean[TRANSACTION_COLUMNS].reset_index(drop=True))
    names = model.models.segment_names
    drift = drift_report(model.customers, customers, drift_features(model.models), names)
    origin = scored_with(model.card)  # scoring with a scored dataset means scoring with its model
    link = origin or {
        "dataset": model_name,
        "version": model.folder.name if model.folder else "",
        "models_sha256": model_identity(model.card),
        "model_created": model.card.created,
    }
    warnings = data_warnings(clean, customers, model.models.unavailable)
    card = replace(
        model.card,
        created=datetime.now(UTC).isoformat(timespec="seconds"),
        source=source,
        input_sha256=input_sha256,
        rows=RowCounts(int(report.rows_in), int(len(clean)), int(len(customers))),
        date_range=(str(clean["date"].min().date()), str(clean["date"].max().date())),
        timings={"score": round(time.perf_counter() - started, 3)},
        extra={**model.card.extra, "warnings": list(warnings), SCORED_WITH: link, DRIFT: drift},
    )
    quality = replace(model.quality, data=report)
    return Artifacts(customers, transactions, model.models, card, quality)


def resolve_model(model: str, root: Path = DATASETS_DIR) -> Path:
    """A dataset folder from `--model`: a dataset name under the datasets folder, or a path to one."""
    path = Path(model)
    if os.sep in model or path.exists():
        return path
    return root / model


def run_scoring(model: str, source: Path, out: Path) -> Artifacts:
    """Load the model, score the file with it and save the scored dataset into `out`; returns the saved artifacts."""
    folder = resolve_model(model)
    check_out_folder(Path(out), (Path(source),))
    if Path(out).exists() and os.path.realpath(out) == os.path.realpath(folder):
        raise DataError(f"--out '{out}' is the model's own dataset; choose a new name for the scored data")
    artifacts = load_artifacts(folder)
    raw = load_transactions(source)
    label = clean_file_name(Path(source).name)
    digest = hashlib.sha256(Path(source).read_bytes()).hexdigest()
    scored = rescore(artifacts, raw, folder.name, label, digest)
    return save_artifacts(scored, Path(out))


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(prog="python -m core.score", description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True, help="the dataset whose model scores the file (name or folder)")
    parser.add_argument("--input", required=True, help="CSV, .csv.gz or Parquet file of new transactions")
    parser.add_argument("--out", required=True, help="the scored dataset's folder, e.g. data/datasets/october")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """CLI entry point: 0 on success, 2 with one `error:` line on bad input."""
    args = parse_args(argv)
    path = Path(args.input)
    try:
        if not path.is_file():
            raise DataError(f"input file '{path}' does not exist")
        start = time.perf_counter()
        saved = run_scoring(args.model, path, Path(args.out))
    except (DataError, ArtifactError) as exc:
        print(f"error: {' '.join(str(exc).split())}", file=sys.stderr)
        return 2
    except MemoryError:
        print("error: the file is too large for this machine's memory", file=sys.stderr)
        return 2
    sizes = saved.customers["segment"].value_counts().reindex(saved.models.segment_names, fill_value=0)
    link = saved.card.extra[SCORED_WITH]
    print(
        f"Scored {saved.card.rows.customers:,} customers in {time.perf_counter() - start:.2f} s with the model of "
        f"'{link['dataset']}' (version {link['version']}), not refitted: "
        + ", ".join(f"{name} {count:,}" for name, count in sizes.items())
    )
    print("Drift against the model's training data (population stability index):")
    for line in saved.card.extra[DRIFT]["summary"]:
        print(f"  {line}")
    print(f"Saved to {Path(args.out)} ({MODELS_FILE} is the model's, unchanged)")
    return 0
