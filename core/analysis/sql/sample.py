"""A stratified sample of the view drawn by the engine, for charts of individual customers (segment map, PCA).

Each segment gets the quota sampling.stratum_quotas gives it (proportional, with a floor so small segments show), and
within a segment the customers with the smallest hash of (seed, CustomerID) are taken: deterministic for a seed,
independent of file order, and a uniform random sample as far as the hash is. Only the sample leaves the engine.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.analysis.filters import Filters
from core.analysis.sampling import stratum_quotas
from core.analysis.sql.predicates import Predicate, filters_predicate
from core.analysis.sql.source import ROW_COLUMN, VersionSource

HASH_SPACE = 1 << 20


def _draw(
    source: VersionSource, where: Predicate, wanted: dict, sizes: pd.DataFrame, seed: int, oversample: float | None
) -> pd.DataFrame:
    """The `wanted` customers per segment with the smallest hashes. With `oversample`, a cheap hash pre-filter
    first keeps about oversample x quota rows of each segment, so the window sorts thousands of rows, not all."""
    keep = {s: 1.0 for s in wanted}
    if oversample is not None:
        counts = dict(zip(sizes["segment"], sizes["n"].astype("int64"), strict=True))
        keep = {s: min(1.0, oversample * q / max(counts[s], 1)) for s, q in wanted.items()}
    bounds = [int(np.ceil(f * HASH_SPACE)) for f in keep.values()]
    h = "hash(?::BIGINT, CustomerID)"
    return source.query(
        f"""WITH w AS (SELECT unnest(?::VARCHAR[]) AS s, unnest(?::BIGINT[]) AS q, unnest(?::BIGINT[]) AS b),
        v AS (SELECT c.*, {h} AS h FROM {where.table} c JOIN w ON c.segment = w.s
              WHERE ({where.sql}) AND {h} % {HASH_SPACE} < w.b),
        r AS (SELECT *, row_number() OVER (PARTITION BY segment ORDER BY h, CustomerID) AS pick FROM v)
        SELECT r.* EXCLUDE (pick, h) FROM r JOIN w ON r.segment = w.s WHERE r.pick <= w.q ORDER BY {ROW_COLUMN}""",
        (list(wanted), list(wanted.values()), bounds, int(seed), *where.params, int(seed)),
    )


def sample_view(source: VersionSource, filters: Filters, n: int, seed: int = 0) -> pd.DataFrame:
    """At most about n customers of the view, stratified by segment; index = row in customers.parquet.

    `attrs["sampled_from"]` is the number of customers in the view, as sampling.sample_customers sets it.
    """
    return sample_where(source, filters_predicate(filters), n, seed)


def sample_where(source: VersionSource, where: Predicate, n: int, seed: int = 0) -> pd.DataFrame:
    """sample_view of the customers a predicate selects (e.g. the view and a region drawn on the map)."""
    sizes = source.query(
        f"SELECT segment::VARCHAR AS segment, count(*) AS n FROM {where.table} WHERE {where.sql} GROUP BY segment",
        where.params,
    )
    order = {name: i for i, name in enumerate(source.segment_names)}
    sizes = sizes.sort_values("segment", key=lambda s: s.map(order)).reset_index(drop=True)  # segment order
    total = int(sizes["n"].sum())
    quota = stratum_quotas(sizes["n"].to_numpy(dtype="int64"), n) if total > n else sizes["n"].to_numpy(dtype="int64")
    wanted = dict(zip(sizes["segment"], quota.tolist(), strict=True))
    sample = _draw(source, where, wanted, sizes, seed, oversample=3.0)
    if len(sample) < sum(wanted.values()):  # the pre-filter kept too few of some segment (rare): draw exactly
        sample = _draw(source, where, wanted, sizes, seed, oversample=None)
    sample.index = pd.Index(sample.pop(ROW_COLUMN).to_numpy(dtype=np.int64))
    names = list(source.segment_names)
    sample["segment"] = pd.Categorical(sample["segment"], categories=names, ordered=True)
    sample.attrs["sampled_from"] = total
    return sample
