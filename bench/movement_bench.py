"""Benchmark: the core calls of Segment movement's first visit (two periods, no filter), uncached, on one source.

    SEGMENTATION_DATA_DIR=/work/big/app nice -n 10 python -m bench.movement_bench

Opens the active default version as the page does (load_artifacts without tables, open_version), then times each
call the page makes on its first visit in the order it makes them: the filter options, the two halves re-scored
(period_population), the from -> to matrix, the listed cell, the drift table and the segment shares' PSI.
Times are in seconds; "every call" is their sum (the source's open included), "first visit" the calls made before
any tab but the first is opened (the page runs only its open tab). serve.py's warm-up makes the same default
periods and matrix at server start, so a visit after it finds them cached.
"""

from __future__ import annotations

import json
import time

from core.config import DATASETS_DIR, DEFAULT_DATASET, MOVEMENT_LIST_ROWS


def _timed(out: dict, label: str, func, *args, **kwargs):
    start = time.perf_counter()
    result = func(*args, **kwargs)
    out[label] = round(time.perf_counter() - start, 3)
    return result


def main() -> dict:
    """Time each core call of the page's first visit; print and return the times."""
    from core.analysis.filters import Filters
    from core.analysis.movement import largest_move
    from core.analysis.sql import movement, movement_drift
    from core.analysis.sql.options import filter_options
    from core.analysis.sql.source import open_version
    from core.pipeline.features import CATEGORICAL_FEATURES, NUMERIC_FEATURES
    from core.pipeline.persistence import load_artifacts
    from core.scoring.periods import default_periods

    out: dict = {}
    folder = (DATASETS_DIR / DEFAULT_DATASET).resolve()
    artifacts = load_artifacts(folder, tables=False)
    names = tuple(artifacts.models.segment_names)
    features = tuple(f for f in (*NUMERIC_FEATURES, *CATEGORICAL_FEATURES) if f not in artifacts.models.unavailable)
    source = _timed(out, "open", lambda: open_version(folder, artifacts.card.params.segment_names))
    _timed(out, "connect", source.connection)
    options = _timed(out, "filter options", filter_options, source)
    (sa, ea), (sb, eb) = default_periods(options.date_min, options.date_max)
    model, everyone = artifacts.models.segment, Filters()
    a = _timed(out, "period A", lambda: movement.period_population(source, everyone, sa, ea, model).ready(source))
    b = _timed(out, "period B", lambda: movement.period_population(source, everyone, sb, eb, model).ready(source))
    pa, pb = (movement.period_population(source, everyone, s, e, model) for s, e in ((sa, ea), (sb, eb)))
    matrix = _timed(out, "matrix", movement.transition_matrix, source, pa, pb, names)
    src, dst = largest_move(matrix, names)
    cell = ("n_transactions", "mean_amount", "total_amount", "balance")
    _timed(out, "cell", movement.cell_members, source, pa, pb, names, src, dst, cell, limit=MOVEMENT_LIST_ROWS)
    _timed(out, "drift table", movement_drift.drift_table, source, pa, pb, features)
    _timed(out, "segment share PSI", movement_drift.segment_share_psi, source, pa, pb, names)
    out["every call"] = round(sum(v for v in out.values() if isinstance(v, float)), 3)
    # the page runs only its open tab: the first visit stops at the matrix (the cell and drift tabs wait)
    first = ("open", "connect", "filter options", "period A", "period B", "matrix")
    out["first visit (From → to tab)"] = round(sum(out[k] for k in first), 3)
    out["customers"] = source.rows
    out["period rows"] = [source.scalar(f"SELECT count(*) FROM {t}") for t in (a, b)]
    print(json.dumps(out, indent=1))
    return out


if __name__ == "__main__":
    main()
