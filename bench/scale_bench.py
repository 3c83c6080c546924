"""Benchmark: train on 1M, 10M (and 100M) transactions with the default engine; stage times, peak memory, curve.

    python -m bench.scale_bench [--rows 1000000 10000000 100000000] [--memory-limit 5GB]

Inputs are written under bench/output/scale/ in blocks of 1,048,567 generated rows (seed = block number),
so memory stays bounded while generating; customer and transaction IDs get a per-block prefix, so blocks
add customers instead of repeating them (about 0.84 customers per transaction, like the default). Each
training runs in its own process (``python -m core.train``) and its peak resident memory is measured by
``/usr/bin/time``-style ``ru_maxrss`` of that child. Writes docs/scaling.png and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

from core.config import PUBLIC_DATASET_ROWS, ROOT

OUT = ROOT / "bench" / "output" / "scale"
PNG = ROOT / "docs" / "scaling.png"


def write_blocks(rows: int) -> Path:
    """A folder of CSV.gz parts with ``rows`` transactions in total (kept between runs)."""
    from core.pipeline.synth import generate_transactions, write_transactions

    folder = OUT / f"tx_{rows}"
    done = folder / "COMPLETE"
    if done.exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    block, written = 0, 0
    while written < rows:
        n = min(PUBLIC_DATASET_ROWS, rows - written)
        frame = generate_transactions(n, seed=block)
        frame["CustomerID"] = f"B{block}-" + frame["CustomerID"].astype("str")
        frame["TransactionID"] = f"B{block}-" + frame["TransactionID"].astype("str")
        write_transactions(frame, folder / f"part-{block:04d}.csv.gz")
        written += n
        block += 1
    done.write_text(str(rows))
    return folder


def train(folder: Path, memory_limit: str | None) -> dict:
    """Run one training in a child process; its stage times, wall time and peak memory."""
    out = OUT / "datasets" / folder.name
    cmd = [sys.executable, "-m", "core.train", "--input", str(folder), "--out", str(out), "--engine", "duckdb"]
    if memory_limit:
        cmd += ["--memory-limit", memory_limit]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if done.returncode:
        raise SystemExit(f"training on {folder} failed: {done.stderr.strip()}")
    stages = {}
    for line in done.stdout.splitlines():
        parts = line.rsplit(None, 2)
        if len(parts) == 3 and parts[2] == "s":
            stages[parts[0].strip()] = float(parts[1])
    card = json.loads((out / "model_card.json").read_text())
    # ru_maxrss of children is the largest child so far: runs go from small to large, so it is this run's.
    return {
        "rows": card["rows"]["input"],
        "customers": card["rows"]["customers"],
        "wall": wall,
        "peak_mb": max(peak, before) / 1024,
        "stages": stages,
    }


def draw(results: list[dict]) -> None:
    """Time and peak memory against rows, on log-log axes, into docs/scaling.png."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [r["rows"] for r in results]
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.6))
    left.loglog(rows, [r["wall"] for r in results], "o-", label="measured")
    left.loglog(rows, [results[0]["wall"] * n / rows[0] for n in rows], ":", color="grey", label="linear in rows")
    left.set(xlabel="transactions", ylabel="whole training (s)", title="Time")
    left.legend()
    right.loglog(rows, [r["peak_mb"] / 1024 for r in results], "o-", color="tab:orange")
    right.set(xlabel="transactions", ylabel="peak resident memory (GB)", title="Memory")
    fig.suptitle("Training with the DuckDB engine on 2 cores")
    fig.tight_layout()
    fig.savefig(PNG, dpi=110)


def main(argv: list[str] | None = None) -> int:
    """Generate, train each size, print a table, draw the curve."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[PUBLIC_DATASET_ROWS, 10_000_000, 100_000_000])
    parser.add_argument("--memory-limit", default="5GB")
    args = parser.parse_args(argv)
    results = []
    for rows in sorted(args.rows):
        start = time.perf_counter()
        folder = write_blocks(rows)
        print(f"generated {rows:,} rows in {time.perf_counter() - start:.0f} s", flush=True)
        results.append(train(folder, args.memory_limit))
        r = results[-1]
        print(
            f"{r['rows']:,} rows, {r['customers']:,} customers: {r['wall']:.1f} s, {r['peak_mb']:,.0f} MB peak",
            flush=True,
        )
        print("  " + ", ".join(f"{k} {v:.1f} s" for k, v in r["stages"].items()), flush=True)
    draw(results)
    print("\n| transactions | customers | whole training | peak memory |\n|---|---|---|---|")
    for r in results:
        print(f"| {r['rows']:,} | {r['customers']:,} | {r['wall']:.1f} s | {r['peak_mb'] / 1024:.2f} GB |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
