"""Training: raw transactions to saved artifacts, stage by stage, and its command line.

    python -m core.train --input PATH --out DIR [--k 3] [--seed 0] [--engine duckdb|spark] [--memory-limit 6GB]

A file up to IN_MEMORY_INPUT_MB goes through the file loader (every format and encoding check) and then the
DuckDB engine in memory; a bigger file, a folder or glob of parts, or ``--engine spark`` is read by the
engine itself (core.pipeline.scale).

Prints each stage with its time. Bad input exits with status 2 and one `error:` line on stderr; the previous
artifacts in DIR stay active because the new ones are swapped in atomically only at the very end.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from dataclasses import replace
from pathlib import Path

import pandas as pd

from core.config import (
    DATASETS_DIR,
    DEFAULT_DATASET,
    DEFAULT_K,
    DEFAULT_SEED,
    IN_MEMORY_INPUT_MB,
    MAX_K,
    MAX_SEED,
    MIN_K,
)
from core.errors import ArtifactError, DataError
from core.pipeline.clean import clean_by_person, clean_raw
from core.pipeline.engine.duck import DuckDBEngine
from core.pipeline.features import date_summary, describe_customers, linked_transactions
from core.pipeline.fitting import (
    STAGE_LABELS,
    STAGES,
    TRANSACTION_COLUMNS,
    Fitted,
    Progress,
    StageTimer,
    build_card,
    build_quality,
    fit_customers,
    print_progress,
)
from core.pipeline.load import load_transactions
from core.pipeline.persistence import Artifacts, check_out_folder, clean_file_name, save_artifacts

__all__ = [
    "STAGES",
    "STAGE_LABELS",
    "TRANSACTION_COLUMNS",
    "Progress",
    "StageTimer",
    "clean_by_person",
    "main",
    "run_training",
    "train_from_raw",
]


def describe_in_engine(engine, raw: pd.DataFrame, timer: StageTimer):
    """Clean (one customer per person) and build the features of a raw frame on an engine; also the
    slim transactions linked to their customer rows, and the first and last transaction dates."""
    report = timer.run("clean", clean_raw, engine, raw)
    customers = timer.run("features", describe_customers, engine)
    return report, customers, linked_transactions(engine), date_summary(engine)


def fit_from_raw(raw: pd.DataFrame, k: int, seed: int, timer: StageTimer) -> Fitted:
    """Clean and build features in the engine, then segment, evaluate and fit the classifiers in memory."""
    with DuckDBEngine() as engine:
        report, customers, transactions, dates = describe_in_engine(engine, raw, timer)
    fitted = fit_customers(customers, report, dates, k, seed, timer)
    # Saved with each transaction's customer row, so the app joins filtered views without re-matching ids.
    return replace(fitted, transactions=transactions)


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
    parser.add_argument(
        "--input", required=True, help="CSV, .csv.gz or Parquet file, a folder or glob of parts, or (Spark) a table"
    )
    parser.add_argument("--engine", choices=("duckdb", "spark"), default="duckdb", help="where the pipeline runs")
    parser.add_argument("--memory-limit", default=None, help="DuckDB memory limit, e.g. 6GB (spills beyond it)")
    parser.add_argument("--master", default=None, help="Spark master URL (default: the active or a local session)")
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
        start = time.perf_counter()
        if args.engine == "spark" or not path.is_file() or path.stat().st_size > IN_MEMORY_INPUT_MB * 2**20:
            from core.pipeline.scale import run_at_scale

            options = {"memory_limit": args.memory_limit, "master": args.master}
            artifacts = run_at_scale(
                args.input, Path(args.out), args.engine, args.k, args.seed, print_progress, **options
            )
        else:
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
