"""Segment movement's drift, answered by the engine: PSI of each feature between two populations
(core.analysis.sql.movement's relations), on the deciles of A and bin counts of A and B, equal to
core.analysis.drift's pandas results (tests compare them).

A's deciles come from its order statistics with numpy's own interpolation. Above quantiles.EXACT_QUANTILE_ROWS
customers in A they are those of the fixed sample the medians use (quantiles.sample_condition: every k-th customer
by a hash of its row), since exact ones hold every value in memory; the bins still count every customer of A and B.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from core.analysis.drift import (
    TOP_CATEGORIES,
    category_labels,
    decile_positions,
    drift_frame,
    edges_from_positions,
    numeric_labels,
    psi_from_shares,
    segment_count_psi,
    shares_frame,
)
from core.analysis.sql.movement import Population, relation_columns
from core.analysis.sql.quantiles import sample_condition
from core.analysis.sql.source import VersionSource
from core.pipeline.features import CATEGORICAL_FEATURES
from core.present.formats import feature_kind


def _value(name: str) -> str:
    """A numeric feature as DOUBLE (numpy's float64 view of it)."""
    return f'CAST("{name}" AS DOUBLE)'


def _binned_counts(source: VersionSource, relation: str, edges: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Customers per bin of each feature's `edges` (numeric_bins: (e_i-1, e_i], then the missing bin), in one scan."""
    items, params = [], []
    for n, (name, cut) in enumerate(edges.items()):
        v = _value(name)
        cases = " ".join(f"WHEN {v} <= ?::DOUBLE THEN {i}" for i in range(len(cut)))
        binned = f"CASE WHEN {v} IS NULL OR NOT isfinite({v}) THEN {len(cut) + 1} {cases} ELSE {len(cut)} END"
        items.append(f"histogram({binned}) AS h{n}")
        params.extend(float(e) for e in cut)
    found = source.query(f"SELECT {', '.join(items)} FROM {relation} x", params).iloc[0]
    out = {}
    for n, (name, cut) in enumerate(edges.items()):
        counts = np.zeros(len(cut) + 2, dtype="int64")
        for bin_, count in (found[f"h{n}"] or {}).items():
            counts[int(bin_)] = int(count)
        out[name] = counts
    return out


def disc_fraction(position: int, n: int) -> float:
    """The fraction at which DuckDB's quantile_disc returns the value at `position` (0-based) of `n` sorted values.

    quantile_disc(x, q) picks index max(1, n − floor(n − n·q)) − 1, i.e. ceil(n·q) − 1: halfway into the wanted
    rank, (position + ½) / n, is half a rank away from either neighbour, far beyond any rounding of n·q.
    """
    return (position + 0.5) / n


def _reference_sample(source: VersionSource, a: Population) -> str | None:
    """The condition choosing the customers of A whose deciles bin the drift (None: every one of them)."""
    return sample_condition(source.scalar(f"SELECT count(*) FROM {a.ready(source)} x"), a.row, source.rows)


def drift_edges_method(source: VersionSource, a: Population, b: Population) -> str:
    """'exact' or 'sampled': whether drift_table(a, b)'s deciles are those of every customer of A or of its fixed
    sample (for the page's caption; B is binned whole either way, so only A's size matters)."""
    return "exact" if _reference_sample(source, a) is None else "sampled"


def reference_edges(source: VersionSource, a: Population, names: Sequence[str]) -> dict[str, np.ndarray]:
    """drift.decile_edges of each feature of A: of every customer up to quantiles.EXACT_QUANTILE_ROWS, above it
    of the fixed sample the medians use (every k-th customer by a hash of its row in customers.parquet)."""
    relation, flag = a.ready(source), _reference_sample(source, a)
    return _decile_edges(source, f"(SELECT * FROM {relation} x WHERE {flag})" if flag else relation, names)


def _decile_edges(source: VersionSource, relation: str, names: Sequence[str]) -> dict[str, np.ndarray]:
    """drift.decile_edges of each feature of a population: the order statistics the deciles interpolate between
    (quantile_disc at their exact ranks, no sort of the whole column), then numpy's interpolation of them."""
    # NULL unless finite: aggregates skip NULLs, and quantile_disc with a FILTER clause ran three times slower
    known = {name: f"CASE WHEN isfinite({_value(name)}) THEN {_value(name)} END" for name in names}
    counted = ", ".join(f"count({known[name]}) AS n{i}" for i, name in enumerate(names))
    found = source.query(f"SELECT {counted} FROM {relation} x").iloc[0] if names else {}
    sizes = {name: int(found[f"n{i}"]) for i, name in enumerate(names)}
    positions = {name: [int(p) for p in decile_positions(sizes[name])] if sizes[name] else [] for name in names}
    wanted = [name for name in names if sizes[name]]
    items = [f"quantile_disc({known[n]}, ?::DOUBLE[]) AS q{i}" for i, n in enumerate(wanted)]
    params = [[disc_fraction(p, sizes[name]) for p in positions[name]] for name in wanted]
    values = source.query(f"SELECT {', '.join(items)} FROM {relation} x", params).iloc[0] if wanted else {}
    edges = {}
    for name in names:
        picked = values[f"q{wanted.index(name)}"] if name in wanted else []
        edges[name] = edges_from_positions(sizes[name], dict(zip(positions[name], map(float, picked), strict=True)))
    return edges


def _category_psi(source: VersionSource, ra: str, rb: str, name: str) -> float:
    """feature_psi of a category: A's TOP_CATEGORIES most common values (ties: the first met in A's order)."""
    value = f'CAST("{name}" AS VARCHAR)'
    ref = source.query(
        f"SELECT {value} AS v, count(*) AS n, min(ord) AS first FROM {ra} x GROUP BY 1 ORDER BY n DESC, first"
    )
    cur = source.query(f"SELECT {value} AS v, count(*) AS n FROM {rb} y GROUP BY 1")
    top = ref.loc[ref["v"].notna(), "v"].head(TOP_CATEGORIES).astype(str).tolist()

    def counts(frame: pd.DataFrame) -> np.ndarray:
        known = frame[frame["v"].notna()]
        by_value = dict(zip(known["v"].astype(str), known["n"].astype("int64"), strict=True))
        kept = [int(by_value.get(c, 0)) for c in top]
        return np.array([*kept, int(known["n"].sum()) - sum(kept), int(frame.loc[frame["v"].isna(), "n"].sum())])

    shares = shares_frame(category_labels(top), counts(ref), counts(cur))
    return psi_from_shares(shares["reference"], shares["current"])


def drift_table(source: VersionSource, a: Population, b: Population, features: Sequence[str]) -> pd.DataFrame:
    """drift.drift_table of two populations: each feature's PSI on A's deciles (or top values), biggest first."""
    ra, rb = a.ready(source), b.ready(source)
    both = set(relation_columns(source, ra)) & set(relation_columns(source, rb))
    wanted = [f for f in features if f in both]
    numeric = [f for f in wanted if f not in CATEGORICAL_FEATURES and feature_kind(f) != "category"]
    edges = reference_edges(source, a, numeric)
    ref, cur = _binned_counts(source, ra, edges), _binned_counts(source, rb, edges)
    psi = {}
    for name in wanted:  # in the order asked (drift_frame's sort is stable)
        if name in edges:
            shares = shares_frame(numeric_labels(edges[name]), ref[name], cur[name])
            psi[name] = psi_from_shares(shares["reference"], shares["current"])
        else:
            psi[name] = _category_psi(source, ra, rb, name)
    return drift_frame(psi)


def segment_share_psi(source: VersionSource, a: Population, b: Population, names: Sequence[str]) -> float:
    """drift.segment_share_psi of two populations' segments."""

    def counts(relation: str) -> pd.Series:
        found = source.query(
            f"SELECT segment_rank, count(*) AS n FROM {relation} x WHERE segment_rank IS NOT NULL GROUP BY 1"
        )
        return pd.Series(
            found["n"].to_numpy(dtype="int64"), index=[str(names[int(r)]) for r in found["segment_rank"]], dtype="int64"
        )

    return segment_count_psi(counts(a.ready(source)), counts(b.ready(source)), names)
