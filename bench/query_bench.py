"""Benchmark: the engine queries that answer Home and Explore data, next to the pandas functions they replace.

    python -m bench.query_bench

Needs a trained default dataset (`make train`; set SEGMENTATION_DATA_DIR to measure another data folder).
Prints each question's time with the engine (DuckDB over the version's Parquet files, uncached) and in memory
(pandas on the loaded frames, uncached), for no filter, a segment and gender, and an age range; then the peak
resident memory of each path. Each path runs in its own process, so the memory figures do not mix.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from dataclasses import replace

from core.config import DATASETS_DIR, DEFAULT_DATASET

VIEWS = {"all": {}, "High women": {"segments": ("High",), "genders": ("F",)}, "aged 25-40": {"age_range": (25, 40)}}


def _time(func, *args, **kwargs) -> float:
    start = time.perf_counter()
    func(*args, **kwargs)
    return round(time.perf_counter() - start, 3)


def run_engine() -> dict:
    """Time the engine's answers (a fresh source: the RFM ranks are computed on open)."""
    from core.analysis.filters import Filters
    from core.analysis.sql import aggregates, distributions
    from core.analysis.sql.lookup import find_customers
    from core.analysis.sql.source import open_version
    from core.pipeline.card import ModelCard

    folder = (DATASETS_DIR / DEFAULT_DATASET).resolve()  # the active version (the app verifies it first)
    names = ModelCard.from_dict(json.loads((folder / "model_card.json").read_text())).params.segment_names
    start = time.perf_counter()
    source = open_version(folder, names)
    source.connection()
    out = {"open": round(time.perf_counter() - start, 3)}
    ids = source.query("SELECT CustomerID FROM customers USING SAMPLE reservoir(10 ROWS) REPEATABLE (0)")[
        "CustomerID"
    ].tolist()
    for label, args in VIEWS.items():
        f = Filters(**args)
        out[label] = {
            "KPIs": _time(aggregates.summarise_view, source, f),
            "profiles": _time(aggregates.profile_segments, source, f),
            "histogram": _time(distributions.segment_histogram, source, f, "balance", True),
            "activity": _time(distributions.transaction_activity, source, f),
            "locations": _time(aggregates.top_locations, source, f),
        }
    out["lookup 10 IDs"] = _time(find_customers, source, ids)
    return out


def run_memory() -> dict:
    """Time the pandas answers on the loaded frames (as the app held them before)."""
    from core.analysis import explore, profiles
    from core.analysis.activity import transaction_activity
    from core.analysis.filters import Filters, apply_filters
    from core.pipeline.persistence import load_artifacts
    from core.pipeline.rfm import with_rfm
    from core.present.charts import feature_histogram

    start = time.perf_counter()
    a = load_artifacts(DATASETS_DIR / DEFAULT_DATASET)
    a = replace(a, customers=with_rfm(a.customers))
    out = {"open": round(time.perf_counter() - start, 3)}
    for label, args in VIEWS.items():
        f = Filters(**args)
        view = apply_filters(a.customers, f, a.transactions)
        out[label] = {
            "KPIs": _time(explore.summarise_view, view, a.transactions),
            "profiles": _time(profiles.profile_segments, view),
            "histogram": _time(feature_histogram, view, "balance", True),
            "activity": _time(transaction_activity, view, a.transactions),
            "locations": _time(explore.top_locations, view),
        }
    return out


def main() -> None:
    if len(sys.argv) > 1:  # the child: one path, then its peak memory
        result = run_engine() if sys.argv[1] == "engine" else run_memory()
        result["peak MB"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        print(json.dumps(result))
        return
    for path in ("engine", "memory"):
        done = subprocess.run([sys.executable, "-m", "bench.query_bench", path], capture_output=True, text=True)
        if done.returncode:
            sys.exit(done.stderr)
        print(path, json.dumps(json.loads(done.stdout.splitlines()[-1]), indent=1))


if __name__ == "__main__":
    main()
