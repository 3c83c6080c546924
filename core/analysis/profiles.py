"""Segment profiles as numbers: per-segment summaries, comparisons with the whole base, mixes, timing, centres.

All functions take a customers frame with an ordered Categorical `segment` column. Output frames keep
`segment` as a Categorical with the *full* list of segment names, so charts colour a filtered view the
same way as the whole base. Segments with no customers in the input are left out of the output rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.analysis.explore import GENDER_ORDER, age_bands
from core.analysis.joins import transaction_positions
from core.analysis.segments import segment_codes, segment_column
from core.config import TOP_LOCATIONS_PER_SEGMENT
from core.errors import DataError
from core.pipeline.features import NUMERIC_FEATURES
from core.pipeline.segment import log_money

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)  # box whiskers at the 5th/95th percentiles, not min/max


# ---- formatting -------------------------------------------------------------------------------------------


# ---- segment plumbing -------------------------------------------------------------------------------------


# ---- profiles ---------------------------------------------------------------------------------------------

_STATS = {  # output column -> (input column, statistic)
    "median_balance": ("balance", "median"),
    "median_mean_amount": ("mean_amount", "median"),
    "median_total_amount": ("total_amount", "median"),
    "median_max_amount": ("max_amount", "median"),
    "mean_n_transactions": ("n_transactions", "mean"),
    "share_repeat": ("repeat", "mean"),
    "median_age": ("age", "median"),
    "median_recency_days": ("recency_days", "median"),
    "mean_active_span_days": ("active_span_days", "mean"),  # a median would be 0: most buy once
    "mean_hour": ("mean_hour", "mean"),
    "mean_night_share": ("night_share", "mean"),
    "mean_weekend_share": ("weekend_share", "mean"),
    "share_female": ("female", "mean"),
    "share_male": ("male", "mean"),
    "share_unknown_age": ("age_unknown", "mean"),
}


def _derived(customers: pd.DataFrame, name: str) -> np.ndarray:
    """A profile input as float64: a customer column, or one of the 0/1 indicators the profile averages."""
    if name == "repeat":
        return (customers["n_transactions"].to_numpy() > 1).astype("float64")
    if name in ("female", "male"):
        if "gender" not in customers:
            return np.full(len(customers), np.nan)
        return (customers["gender"] == ("F" if name == "female" else "M")).to_numpy(dtype="float64")
    if name == "age_unknown":
        return customers["age"].isna().to_numpy(dtype="float64")
    return customers[name].to_numpy(dtype="float64") if name in customers else np.full(len(customers), np.nan)


def _profile_table(customers: pd.DataFrame, codes: np.ndarray) -> pd.DataFrame:
    """One row of profile statistics per group code present (index = code)."""
    keep = codes >= 0
    everyone = bool(keep.all())  # the usual case: skip copying every column through the mask
    sources = sorted({src for src, _ in _STATS.values()})
    work = pd.DataFrame(
        {src: _derived(customers, src) if everyone else _derived(customers, src)[keep] for src in sources}
    )
    g = work.groupby(codes if everyone else codes[keep], sort=True)  # one grouping for the median and mean passes
    medians = g[sorted({src for src, stat in _STATS.values() if stat == "median"})].median()
    means = g[sorted({src for src, stat in _STATS.values() if stat == "mean"})].mean()
    sizes = g.size()
    out = pd.DataFrame({"customers": sizes.astype("int64"), "share": sizes / max(int(keep.sum()), 1)})
    for name, (src, stat) in _STATS.items():
        out[name] = (medians if stat == "median" else means)[src]
    return out


def profile_segments(customers: pd.DataFrame) -> pd.DataFrame:
    """Per segment: customers, share, median balance / transaction / total spend, frequency, age, recency, mix.

    Columns: segment, customers, share, median_balance, median_mean_amount (median of each customer's
    average transaction), median_total_amount, median_max_amount, mean_n_transactions, share_repeat
    (more than one transaction), median_age, median_recency_days, mean_active_span_days, mean_hour,
    mean_night_share, mean_weekend_share, share_female, share_male, share_unknown_age.
    """
    codes, names = segment_codes(customers)
    table = _profile_table(customers, codes)
    table.insert(0, "segment", segment_column(table.index.to_numpy(), names))
    return table.reset_index(drop=True)


def compare_to_base(
    customers: pd.DataFrame, base: pd.DataFrame | None = None, features: Sequence[str] | None = None
) -> pd.DataFrame:
    """Standardised segment means: (segment mean - base mean) / base std, money on log scale.

    `base` is the yardstick, by default the customers themselves; pass the whole customer base so that, on a
    filtered view, "+1.2" still means 1.2 standard deviations above the bank's average customer (against
    itself, a view filtered to one segment would be all zeros). Returns a wide frame: index = feature names
    (named "feature"), columns = segment names present, values in standard deviations. Unknown values are
    left out of the means.
    """
    base = customers if base is None else base
    codes, names = segment_codes(customers)
    features = [f for f in (features or NUMERIC_FEATURES) if f in customers and f in base]
    reference = log_money(base, features)
    base_mean, base_std = reference.mean(), reference.std(ddof=0)
    keep = codes >= 0
    seg_mean = log_money(customers, features)[keep].groupby(codes[keep], sort=True).mean()
    z = (seg_mean - base_mean) / base_std.where(base_std > 0)
    out = z.T
    out.columns = pd.CategoricalIndex([names[c] for c in z.index], categories=names, ordered=True, name="segment")
    out.index.name = "feature"
    return out


@dataclass(frozen=True)
class DemographicMix:
    """Who is in each segment: gender and age-band shares, and the top locations."""

    gender: pd.DataFrame  # segment, gender, customers, share (within the segment)
    age_band: pd.DataFrame  # segment, age_band, customers, share
    locations: pd.DataFrame  # segment, rank, location, customers, share


def _mix(codes: np.ndarray, names: list[str], other: pd.Categorical, column: str) -> pd.DataFrame:
    """Counts and within-segment shares of each category of `other` per segment (one bincount)."""
    k, m = len(names), len(other.categories)
    ok = (codes >= 0) & (other.codes >= 0)
    counts = np.bincount(codes[ok] * m + other.codes[ok], minlength=k * m).reshape(k, m)
    present = np.flatnonzero(np.bincount(codes[codes >= 0], minlength=k))
    counts = counts[present]
    totals = counts.sum(axis=1, keepdims=True)
    shares = np.divide(counts, totals, out=np.zeros(counts.shape), where=totals > 0)
    return pd.DataFrame(
        {
            "segment": segment_column(np.repeat(present, m), names),
            column: np.tile(np.asarray(other.categories, dtype=object), len(present)),
            "customers": counts.ravel().astype("int64"),
            "share": shares.ravel(),
        }
    )


def _top_locations(codes: np.ndarray, names: list[str], location: pd.Series, n: int) -> pd.DataFrame:
    """The n biggest locations of each segment present (ties by name)."""
    cats = pd.Categorical(location)  # missing locations get code -1 and are not counted
    mix = _mix(codes, names, cats, "location")
    mix = mix[mix["customers"] > 0].sort_values(
        ["segment", "customers", "location"], ascending=[True, False, True], kind="stable"
    )
    top = mix.groupby("segment", observed=True, sort=False).head(n).copy()
    top.insert(1, "rank", top.groupby("segment", observed=True).cumcount() + 1)
    return top.reset_index(drop=True)


def demographic_mix(customers: pd.DataFrame, top_n: int = TOP_LOCATIONS_PER_SEGMENT) -> DemographicMix:
    """Gender shares, age-band shares (18-25 ... 60+, Unknown) and the top_n locations of each segment."""
    codes, names = segment_codes(customers)
    genders = customers["gender"]
    extra = sorted(set(map(str, genders.dropna().unique())) - set(GENDER_ORDER))
    gender = pd.Categorical(genders, categories=[*GENDER_ORDER, *extra])
    return DemographicMix(
        gender=_mix(codes, names, gender, "gender"),
        age_band=_mix(codes, names, age_bands(customers["age"]), "age_band"),
        locations=_top_locations(codes, names, customers["location"], top_n),
    )


def timing_by_segment(customers: pd.DataFrame, transactions: pd.DataFrame) -> pd.DataFrame:
    """Share of each segment's transactions by hour of day: segment, hour (0-23), transactions, share.

    Transactions are joined on transactions.customer_id == customers.CustomerID; transactions of customers
    not in `customers` (e.g. filtered out) and transactions without an hour are ignored.
    """
    codes, names = segment_codes(customers)
    pos = transaction_positions(customers, transactions)
    hour = transactions["hour"].to_numpy(dtype="float64")
    ok = (pos >= 0) & ~np.isnan(hour) & (hour >= 0) & (hour < 24)
    seg = codes[pos[ok]]
    keep = seg >= 0
    hours = pd.Categorical.from_codes(hour[ok][keep].astype(np.int64), categories=list(range(24)))
    out = _mix(seg[keep], names, hours, "hour")
    out["hour"] = out["hour"].astype("int64")
    return out.rename(columns={"customers": "transactions"})


def feature_summary(customers: pd.DataFrame, feature: str) -> pd.DataFrame:
    """Quantiles of one numeric feature per segment for a box plot (no raw points).

    Columns: segment, feature, n (known values), p05, q1, median, q3, p95, mean.
    """
    if feature not in customers:
        raise DataError(f"there is no feature '{feature}' in the customers; available: {', '.join(customers.columns)}")
    codes, names = segment_codes(customers)
    values = pd.Series(customers[feature].to_numpy(dtype="float64"))
    keep = (codes >= 0) & values.notna().to_numpy()
    g = values[keep].groupby(codes[keep], sort=True)
    q = g.quantile(list(QUANTILES)).unstack().reindex(columns=list(QUANTILES))  # reindex: empty input too
    q.columns = ["p05", "q1", "median", "q3", "p95"]
    out = pd.DataFrame({"n": g.size().astype("int64"), "mean": g.mean()}).join(q)
    out.insert(0, "feature", feature)
    out.insert(0, "segment", segment_column(out.index.to_numpy(), names))
    return out.reset_index(drop=True)[["segment", "feature", "n", "p05", "q1", "median", "q3", "p95", "mean"]]


def segment_centroids(customers: pd.DataFrame, features: Sequence[str]) -> pd.DataFrame:
    """Median of each feature per segment (medians, not means, so log and linear axes agree): segment, *features."""
    codes, names = segment_codes(customers)
    values = customers[list(features)].astype("float64")
    med = values[codes >= 0].groupby(codes[codes >= 0], sort=True).median()
    med.insert(0, "segment", segment_column(med.index.to_numpy(), names))
    return med.reset_index(drop=True)


# ---- words ------------------------------------------------------------------------------------------------
