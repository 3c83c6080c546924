"""Overlap of saved audiences: a matrix of shared customers and the exclusive intersections (an UpSet table)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

MIN_SETS, MAX_SETS = 2, 5


def _stack(masks: Mapping[str, np.ndarray]) -> tuple[list[str], np.ndarray]:
    names = list(masks)
    if not MIN_SETS <= len(names) <= MAX_SETS:
        raise ValueError(f"pick {MIN_SETS} to {MAX_SETS} audiences to compare (got {len(names)})")
    return names, np.vstack([np.asarray(masks[n], dtype=bool) for n in names])


def overlap_matrix(masks: Mapping[str, np.ndarray]) -> pd.DataFrame:
    """Customers in both audiences of each pair (the diagonal is each audience's size)."""
    names, stacked = _stack(masks)
    return overlap_from_counts(names, _combination_counts(stacked))


def _combination_counts(stacked: np.ndarray) -> np.ndarray:
    """Customers per combination key (bit i set: in audience i), 2**n entries."""
    weights = (1 << np.arange(len(stacked), dtype="int64"))[:, None]
    keys = (stacked.astype("int64") * weights).sum(axis=0)
    return np.bincount(keys, minlength=1 << len(stacked))


def overlap_from_counts(names: list[str], counts: np.ndarray) -> pd.DataFrame:
    """overlap_matrix from the customers per combination key (e.g. counted by the engine)."""
    keys = np.arange(len(counts))
    shared = np.array(
        [
            [int(counts[(keys >> i & 1) & (keys >> j & 1) == 1].sum()) for j in range(len(names))]
            for i in range(len(names))
        ],
        dtype="int64",
    )
    return pd.DataFrame(shared, index=pd.Index(names, name="Audience"), columns=names)


def intersections(masks: Mapping[str, np.ndarray]) -> pd.DataFrame:
    """Customers in exactly each combination of the audiences (and no other), biggest first; empty ones left out.

    Columns: one boolean per audience (member of the combination), `customers`, `share` (of everyone in at least
    one audience). The counts add up to the size of the union.
    """
    names, stacked = _stack(masks)
    return intersections_from_counts(names, _combination_counts(stacked))


def intersections_from_counts(names: list[str], counts: np.ndarray) -> pd.DataFrame:
    """intersections from the customers per combination key (bit i set: in audience i)."""
    rows = [
        {**{n: bool(key >> i & 1) for i, n in enumerate(names)}, "customers": int(counts[key])}
        for key in range(1, 1 << len(names))
        if counts[key]
    ]
    table = pd.DataFrame(rows, columns=[*names, "customers"])
    union = int(table["customers"].sum()) if len(table) else 0
    table["share"] = table["customers"] / union if union else 0.0
    degree = table[names].sum(axis=1) if len(table) else pd.Series(dtype="int64")
    order = np.lexsort((degree.to_numpy(), -table["customers"].to_numpy())) if len(table) else []
    return table.iloc[order].reset_index(drop=True)


def combination_label(row: Mapping, names: list[str]) -> str:
    """'A only', 'A and B', 'A, B and C' for one row of `intersections`."""
    members = [n for n in names if row[n]]
    if len(members) == 1:
        return f"{members[0]} only"
    return ", ".join(members[:-1]) + " and " + members[-1]
