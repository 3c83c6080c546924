"""Benchmark: generate the full-size default (1,048,567 rows) and train on it, with stage times and peak memory.

    python -m bench.train_bench [--rows N]

Writes only under bench/output/, never into data/. Goals on 2 cores (the engine issue): whole training <= 10 s,
peak <= 1.5 GB.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time

from core.config import DEFAULT_SEED, PUBLIC_DATASET_ROWS, ROOT
from core.pipeline.train import print_progress, run_training

OUT = ROOT / "bench" / "output"


def time_one_prediction(artifacts, row, repeats: int = 50) -> float:
    """Median milliseconds for the full classifier's probabilities of one customer."""
    X = row[list(artifacts.models.full_features)]
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        artifacts.models.full.predict_proba(X)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print a small report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=PUBLIC_DATASET_ROWS)
    args = parser.parse_args(argv)
    raw = OUT / f"transactions_{args.rows}.csv.gz"
    start = time.perf_counter()
    # A separate process, so the peak memory below is the training's alone.
    subprocess.run(
        [sys.executable, "-m", "core.synth", "--rows", str(args.rows), "--seed", str(DEFAULT_SEED), "--out", str(raw)],
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    print(f"{'Generating ' + format(args.rows, ',') + ' rows':<32} {time.perf_counter() - start:6.2f} s")
    start = time.perf_counter()
    artifacts = run_training(raw, OUT / "datasets" / "default", progress=print_progress)
    total = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    size = artifacts.card.model_size_mb
    print(f"{'Whole training':<32} {total:6.2f} s   (goal <= 10 s)")
    print(f"{'Peak memory':<32} {peak_mb:6.0f} MB  (goal <= 1,536 MB)")
    print(f"{'Saved model size':<32} {size:6.2f} MB  (goal <= 50 MB)")
    one = artifacts.customers.iloc[[len(artifacts.customers) // 2]]
    print(f"{'One prediction (median of 50)':<32} {time_one_prediction(artifacts, one):6.1f} ms  (goal <= 20 ms)")
    print(
        f"Customers {artifacts.card.rows.customers:,}; segments "
        + ", ".join(f"{k} {v:,}" for k, v in artifacts.quality.segmentation["sizes"].items())
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
