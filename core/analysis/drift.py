"""Population stability index (PSI): how far a population has moved from a reference, per feature and in segment shares.

PSI = Σ over bins of (share_new − share_ref) · ln(share_new / share_ref).

Binning. A numeric feature is cut at the deciles of the *reference* (the 10th, 20th, ..., 90th percentiles of
its known values); repeated edges are merged, so a feature with many ties (most customers have one transaction)
gets fewer bins instead of empty ones, and a value equal to an edge falls in the bin below it (bins are
(edge_i, edge_i+1]). Missing values form a bin of their own. A category keeps the reference's nine most common
values and groups the rest as 'other'. A bin that is empty in either population counts as a share of EPSILON
(0.0001), because ln(0) is infinite; shares are not renormalised afterwards.

The usual reading: below 0.10 stable, 0.10 to 0.25 a moderate shift worth watching, above 0.25 a significant
shift to act on (check the data, consider retraining).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from core.pipeline.features import FEATURES, feature_label

EPSILON = 1e-4  # the share given to a bin that is empty in one population
DECILES = np.linspace(0.1, 0.9, 9)
TOP_CATEGORIES = 9
BINNING_NOTE = (
    "Population stability index = Σ (share in B − share in A) × ln(share in B / share in A) over bins: the deciles "
    "of A for numbers (repeated deciles merged, missing values a bin of their own), A's nine most common values "
    "plus 'other' for categories; a bin empty on one side counts as a 0.0001 share. Below 0.10 stable, 0.10–0.25 a "
    "moderate shift, above 0.25 a significant shift to act on."
)
STABLE_BELOW = 0.10
ACT_ABOVE = 0.25
MISSING_BIN = "missing"
OTHER_BIN = "other"


def psi_from_shares(reference: Sequence[float], current: Sequence[float], epsilon: float = EPSILON) -> float:
    """PSI of two share vectors over the same bins (empty bins count as `epsilon`)."""
    ref = np.maximum(np.asarray(reference, dtype="float64"), epsilon)
    cur = np.maximum(np.asarray(current, dtype="float64"), epsilon)
    if ref.shape != cur.shape:
        raise ValueError(f"the two share vectors have {ref.size} and {cur.size} bins")
    return float(np.sum((cur - ref) * np.log(cur / ref)))


def decile_edges(reference: np.ndarray) -> np.ndarray:
    """The distinct deciles of the reference's known values (empty when it has none)."""
    values = np.asarray(reference, dtype="float64")
    values = values[np.isfinite(values)]
    if not len(values):
        return np.empty(0)
    return np.unique(np.quantile(values, DECILES))


def decile_positions(n: int) -> np.ndarray:
    """The positions (0-based, in sorted order) of the values the deciles of `n` known values interpolate between:
    what an engine must fetch to compute decile_edges without sending every value."""
    lower = np.floor((n - 1) * DECILES).astype("int64")
    return np.unique(np.r_[lower, np.minimum(lower + 1, n - 1)])


def edges_from_positions(n: int, value_at: dict[int, float]) -> np.ndarray:
    """decile_edges from the values at decile_positions(n) of the sorted known values (empty when n is 0).

    numpy's linear rule (h = (n − 1)·q, then its own interpolation between the values at floor(h) and the next),
    applied through np.quantile on each pair, so the edges equal decile_edges' to the last bit.
    """
    if n <= 0:
        return np.empty(0)
    virtual = (n - 1) * DECILES
    lower = np.floor(virtual)
    gamma = virtual - lower
    edges = [
        np.quantile(np.array([value_at[int(lo)], value_at[min(int(lo) + 1, n - 1)]], dtype="float64"), g)
        for lo, g in zip(lower, gamma, strict=True)
    ]
    return np.unique(np.asarray(edges, dtype="float64"))


def numeric_bins(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Bin of each value: 0..len(edges) for (−inf, e0], (e0, e1], ..., (e_last, inf); len(edges) + 1 when missing."""
    values = np.asarray(values, dtype="float64")
    bins = np.searchsorted(edges, values, side="left")
    return np.where(np.isfinite(values), bins, len(edges) + 1)


def bin_shares(reference: pd.Series, current: pd.Series) -> pd.DataFrame:
    """Each bin's share in the reference and the current population (the binning of this module's docstring)."""
    if pd.api.types.is_numeric_dtype(reference) and not isinstance(reference.dtype, pd.CategoricalDtype):
        edges = decile_edges(reference.to_numpy(dtype="float64"))
        labels = numeric_labels(edges)
        ref = np.bincount(numeric_bins(reference.to_numpy(dtype="float64"), edges), minlength=len(labels))
        cur = np.bincount(numeric_bins(current.to_numpy(dtype="float64"), edges), minlength=len(labels))
    else:
        ref_text, cur_text = reference.astype("string"), current.astype("string")
        top = list(ref_text.value_counts().index[:TOP_CATEGORIES])
        labels = category_labels(top)
        ref, cur = _category_counts(ref_text, top), _category_counts(cur_text, top)
    return shares_frame(labels, ref, cur)


def numeric_labels(edges: np.ndarray) -> list[str]:
    """The bin labels of a numeric feature cut at `edges`: the bins, then the missing bin."""
    return [*_edge_labels(edges), MISSING_BIN]


def category_labels(top: Sequence[str]) -> list[str]:
    """The bin labels of a category with these top values: them, 'other', then the missing bin."""
    return [*map(str, top), OTHER_BIN, MISSING_BIN]


def shares_frame(labels: Sequence[str], reference: np.ndarray, current: np.ndarray) -> pd.DataFrame:
    """Bin counts of both populations as shares (the missing bin left out when it is empty on both sides)."""
    out = pd.DataFrame({"bin": list(labels), "reference": _shares(reference), "current": _shares(current)})
    return out[(out["reference"] > 0) | (out["current"] > 0) | (out["bin"] != MISSING_BIN)].reset_index(drop=True)


def _edge_labels(edges: np.ndarray) -> list[str]:
    """'≤ e0', 'e0 – e1', ..., '> e_last' (a single '' bin when there are no edges)."""
    if not len(edges):
        return ["all values"]
    text = [f"{e:,.4g}" for e in edges]
    return [f"≤ {text[0]}", *(f"{a} – {b}" for a, b in zip(text, text[1:], strict=False)), f"> {text[-1]}"]


def _category_counts(values: pd.Series, top: list[str]) -> np.ndarray:
    """Counts of the top categories, then 'other', then missing."""
    known = values.dropna()
    counts = known.value_counts()
    kept = [int(counts.get(c, 0)) for c in top]
    return np.array([*kept, len(known) - sum(kept), int(values.isna().sum())])


def _shares(counts: np.ndarray) -> np.ndarray:
    """Counts as shares of their total (zeros when there are none)."""
    total = counts.sum()
    return counts / total if total else np.zeros(len(counts))


def feature_psi(reference: pd.Series, current: pd.Series) -> float:
    """PSI of one feature between two populations (NaN when either has no customer)."""
    if reference.empty or current.empty:
        return float("nan")
    shares = bin_shares(reference, current)
    return psi_from_shares(shares["reference"], shares["current"])


def psi_reading(psi: float) -> str:
    """The usual reading of a PSI in words."""
    if not np.isfinite(psi):
        return "not measurable"
    if psi < STABLE_BELOW:
        return "stable"
    if psi <= ACT_ABOVE:
        return "moderate shift"
    return "significant shift: act"


def segment_share_psi(reference: pd.Series, current: pd.Series, names: Sequence[str]) -> float:
    """PSI of the segment shares (one bin per segment name) between two populations."""
    ref = reference.astype("string").value_counts()
    cur = current.astype("string").value_counts()
    return segment_count_psi(ref, cur, names)


def segment_count_psi(reference: pd.Series, current: pd.Series, names: Sequence[str]) -> float:
    """segment_share_psi from each population's customers per segment name (a Series indexed by name)."""
    if not reference.sum() or not current.sum():
        return float("nan")
    ref = (reference / reference.sum()).reindex(list(names), fill_value=0)
    cur = (current / current.sum()).reindex(list(names), fill_value=0)
    return psi_from_shares(ref.to_numpy(), cur.to_numpy())


def drift_table(reference: pd.DataFrame, current: pd.DataFrame, features: Sequence[str]) -> pd.DataFrame:
    """PSI and its reading for each feature both frames have, biggest shift first."""
    return drift_frame(
        {
            name: feature_psi(reference[name], current[name])
            for name in features
            if name in reference and name in current
        }
    )


def drift_frame(psi: dict[str, float]) -> pd.DataFrame:
    """The drift table of each feature's PSI (in the given order before sorting): biggest shift first."""
    rows = [{"feature": n, "Feature": feature_label(n), "PSI": v, "Reading": psi_reading(v)} for n, v in psi.items()]
    table = pd.DataFrame(rows, columns=["feature", "Feature", "PSI", "Reading"])
    return table.sort_values("PSI", ascending=False, kind="stable", na_position="last").reset_index(drop=True)


def drift_summary(table: pd.DataFrame, segment_psi: float) -> list[str]:
    """Sentences on a drift table: the segment shares' PSI, then the features that moved, in the usual reading."""
    lines = [f"Segment shares: PSI {segment_psi:.3f}, {psi_reading(segment_psi)}."]
    moved = table[table["PSI"] >= STABLE_BELOW]
    if moved.empty:
        lines.append(f"Every feature is stable (PSI below {STABLE_BELOW:.2f}).")
    for row in moved.itertuples():
        lines.append(f"{row.Feature}: PSI {row.PSI:.3f}, {row.Reading}.")
    return lines


def drift_report(reference: pd.DataFrame, current: pd.DataFrame, features: Sequence[str], names: Sequence[str]) -> dict:
    """The drift of `current` against `reference` as plain JSON: per-feature PSI and reading, segment-share PSI."""
    table = drift_table(reference, current, [f for f in features if f in FEATURES])
    seg = segment_share_psi(reference["segment"], current["segment"], names) if "segment" in current else float("nan")
    return {
        "binning": "deciles of the reference, missing values as their own bin, empty bins as 0.0001",
        "segments": {"psi": _rounded(seg), "reading": psi_reading(seg)},
        "features": {
            row.feature: {"psi": _rounded(row.PSI), "reading": row.Reading} for row in table.itertuples(index=False)
        },
        "summary": drift_summary(table, seg),
    }


def _rounded(value: float) -> float | None:
    """A PSI for JSON: 4 decimals, None when not measurable."""
    return round(float(value), 4) if np.isfinite(value) else None
