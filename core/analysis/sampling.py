"""Deterministic stratified samples of customers, so every segment shows in a chart."""

from __future__ import annotations

import numpy as np
import pandas as pd


def _group_codes(customers: pd.DataFrame, by: str | None) -> np.ndarray:
    """Integer group codes for stratification (-1 for a missing group; 0 everywhere when by is None)."""
    if by is None or by not in customers:
        return np.zeros(len(customers), dtype=np.int64)
    return pd.factorize(customers[by], use_na_sentinel=True)[0].astype(np.int64)


def stratum_quotas(sizes: np.ndarray, n: int) -> np.ndarray:
    """Per-group sample sizes summing to n: proportional, but every group gets at least a small floor."""
    floor = np.minimum(sizes, max(1, n // (10 * len(sizes))))  # keeps small segments visible in a scatter
    quota = floor.copy()
    room = sizes - floor
    rest = n - int(floor.sum())
    if rest > 0 and room.sum() > 0:
        ideal = rest * room / room.sum()
        quota += np.minimum(room, np.floor(ideal).astype(np.int64))
        # Hand out what flooring left over, largest remainder first (k <= 8, so this loop is tiny).
        for i in np.argsort(-(ideal - np.floor(ideal)), kind="stable"):
            if quota.sum() >= n:
                break
            if quota[i] < sizes[i]:
                quota[i] += 1
    return quota


def sample_customers(customers: pd.DataFrame, n: int, seed: int = 0, by: str | None = "segment") -> pd.DataFrame:
    """A deterministic sample of n customers, stratified by `by` so every group present keeps rows.

    Groups get rows in proportion to their size, but each gets a floor (n/10k rows, or all it has), so a
    tiny segment still shows in a scatter; only when n is below the number of groups is the sample larger
    than n (one row per group). Rows keep their original order. `sample.attrs["sampled_from"]` holds the
    number of rows sampled from, so a page can say "showing 20,000 of 884,000 customers".
    """
    if len(customers) <= n:
        out = customers
    else:
        codes = _group_codes(customers, by)
        groups, inverse = np.unique(codes, return_inverse=True)
        sizes = np.bincount(inverse)
        quota = stratum_quotas(sizes, n)
        rng = np.random.default_rng(seed)
        order = np.argsort(inverse, kind="stable")  # positions grouped by group, original order within
        starts = np.concatenate([[0], np.cumsum(sizes)])
        picks = [rng.choice(order[starts[g] : starts[g + 1]], quota[g], replace=False) for g in range(len(groups))]
        out = customers.iloc[np.sort(np.concatenate(picks))]
    out = out.copy(deep=False) if out is customers else out  # own attrs, no data copied
    out.attrs["sampled_from"] = len(customers)
    return out
