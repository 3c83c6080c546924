"""Command line of the generator: ``python -m core.synth --rows N --seed S --out PATH [--workers W]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from core.config import DEFAULT_RAW_PATH, DEFAULT_ROWS, DEFAULT_SEED
from core.errors import DataError
from core.pipeline.synth.output import generated_blocks, write_csv_blocks, write_parquet_parts


def is_csv_path(path: Path) -> bool:
    """True for a single-file output (name ending in .csv or .csv.gz); anything else is a folder of parts."""
    return path.name.lower().endswith((".csv", ".csv.gz"))


def main(argv: list[str] | None = None) -> Path:
    """Generate the transactions and write them; print where and how many."""
    parser = argparse.ArgumentParser(
        prog="python -m core.synth",
        description="Generate realistic bank transactions in the raw schema of the public dataset.",
    )
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS, help="rows to generate (default %(default)s)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (default %(default)s)")
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_RAW_PATH,
        help="a .csv or .csv.gz file, or a folder that receives Parquet parts (default %(default)s)",
    )
    parser.add_argument("--workers", type=int, default=2, help="processes making Parquet parts (default 2)")
    args = parser.parse_args(argv)
    if args.rows < 1:
        parser.error(f"--rows must be at least 1; got {args.rows}")
    if args.workers < 1:
        parser.error(f"--workers must be at least 1; got {args.workers}")
    try:
        if is_csv_path(args.out):
            path = write_csv_blocks(generated_blocks(args.rows, args.seed), args.out)
        else:
            path = write_parquet_parts(args.rows, args.seed, args.out, workers=args.workers)
    except (DataError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(2) from exc
    print(f"wrote {args.rows:,} transactions to {path}")
    return path
