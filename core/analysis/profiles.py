"""Segment profiles: per-segment summaries, comparisons with the whole base, PCA views and plain-English insights.

All functions take a customers frame with an ordered Categorical `segment` column. Output frames keep
`segment` as a Categorical with the *full* list of segment names, so charts colour a filtered view the
same way as the whole base. Segments with no customers in the input are left out of the output rows.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.analysis.explore import GENDER_ORDER, age_bands, log_money, transaction_positions
from core.errors import DataError
from core.pipeline.features import NUMERIC_FEATURES

TOP_LOCATIONS_PER_SEGMENT = 5
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)  # box whiskers at the 5th/95th percentiles, not min/max
WEALTHY_RATIO = 5.0  # a median balance 5x the typical customer's reads "Wealthy" rather than "Affluent"
SIMILAR_RATIO = 1.1  # segments closer than 10% are described as similar rather than "1.0× higher"
DAYPARTS = ((5, "morning"), (12, "afternoon"), (17, "evening"), (22, "night"))  # start hour of each part


# ---- formatting -------------------------------------------------------------------------------------------


def _missing(value: object) -> bool:
    """True for None, NaN and pandas' NA."""
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def format_inr(value: float | None, decimals: int = 0) -> str:
    """Rupees with thousands separators, e.g. '₹1,234,567' (and '-₹50'); '–' for a missing value."""
    if _missing(value) or not math.isfinite(float(value)):
        return "–"
    sign = "-" if value < 0 else ""
    return f"{sign}₹{abs(float(value)):,.{decimals}f}"


def format_inr_short(value: float | None) -> str:
    """Large rupee amounts in the Indian units a bank's team reads: '₹8,834 Cr', '₹12.5 lakh'; small ones in full."""
    if _missing(value) or not math.isfinite(float(value)):
        return "–"
    amount = abs(float(value))
    sign = "-" if value < 0 else ""
    if amount >= 1e7:
        return f"{sign}₹{amount / 1e7:,.0f} Cr" if amount >= 1e9 else f"{sign}₹{amount / 1e7:,.1f} Cr"
    if amount >= 1e5:
        return f"{sign}₹{amount / 1e5:,.1f} lakh"
    return format_inr(value)


def format_count(value: float | None) -> str:
    """A whole number with thousands separators, e.g. '884,000'; '–' when missing."""
    return "–" if _missing(value) else f"{float(value):,.0f}"


def format_share(value: float | None, decimals: int = 0) -> str:
    """A 0-1 share as a percentage, e.g. '78%'; '–' when missing."""
    return "–" if _missing(value) else f"{float(value):.{decimals}%}"


def format_ratio(value: float) -> str:
    """A multiple such as '9.2×' (whole numbers from 10× up, so '14×' rather than '14.3×')."""
    return f"{value:.0f}×" if value >= 10 else f"{value:.1f}×"


# ---- segment plumbing -------------------------------------------------------------------------------------


def segment_names(frame: pd.DataFrame) -> list[str]:
    """All segment names in order: the Categorical's categories (kept after filtering), else sorted values."""
    if "segment" not in frame:
        raise DataError("the customers have no 'segment' column yet: train the segmentation first")
    seg = frame["segment"]
    if isinstance(seg.dtype, pd.CategoricalDtype):
        return [str(c) for c in seg.cat.categories]
    return sorted(map(str, seg.dropna().unique()))


def segment_codes(frame: pd.DataFrame) -> tuple[np.ndarray, list[str]]:
    """Integer codes of each row's segment (-1 when missing) and the full ordered list of names."""
    names = segment_names(frame)
    seg = frame["segment"]
    if isinstance(seg.dtype, pd.CategoricalDtype):
        return seg.cat.codes.to_numpy().astype(np.int64), names
    return pd.Categorical(seg.astype(str).where(seg.notna()), categories=names).codes.astype(np.int64), names


def _segment_column(codes: np.ndarray, names: list[str]) -> pd.Categorical:
    """Segment codes as an ordered Categorical over the full list of names."""
    return pd.Categorical.from_codes(np.asarray(codes, dtype=np.int64), categories=names, ordered=True)


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
    table.insert(0, "segment", _segment_column(table.index.to_numpy(), names))
    return table.reset_index(drop=True)


def _base_profile(customers: pd.DataFrame) -> pd.Series:
    """The few whole-base statistics personas compare with: median balance and transaction, mean frequency."""
    return pd.Series(
        {
            "median_balance": customers["balance"].median(),
            "median_mean_amount": customers["mean_amount"].median(),
            "mean_n_transactions": customers["n_transactions"].mean(),
        }
    )


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
            "segment": _segment_column(np.repeat(present, m), names),
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
    out.insert(0, "segment", _segment_column(out.index.to_numpy(), names))
    return out.reset_index(drop=True)[["segment", "feature", "n", "p05", "q1", "median", "q3", "p95", "mean"]]


def segment_centroids(customers: pd.DataFrame, features: Sequence[str]) -> pd.DataFrame:
    """Median of each feature per segment (medians, not means, so log and linear axes agree): segment, *features."""
    codes, names = segment_codes(customers)
    values = customers[list(features)].astype("float64")
    med = values[codes >= 0].groupby(codes[codes >= 0], sort=True).median()
    med.insert(0, "segment", _segment_column(med.index.to_numpy(), names))
    return med.reset_index(drop=True)


def pca_projection(
    customers_sample: pd.DataFrame, features: Sequence[str] | None = None, n_components: int = 2
) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """Project a customer sample onto its first principal components (log money, median-imputed, standardised).

    Returns (frame with CustomerID, segment, PC1..PCn; centroids with segment, PC1..PCn as segment means;
    explained variance ratio per component). Pass a sample (e.g. sample_customers(view, 20_000)), not 884k rows.
    Uses numpy's SVD rather than scikit-learn so pages do not pay scikit-learn's import time.
    """
    features = [f for f in (features or NUMERIC_FEATURES) if f in customers_sample]
    columns = [f"PC{i + 1}" for i in range(max(1, min(n_components, len(features))))]
    if len(customers_sample) < 2:  # nothing to decompose: empty coordinates, no variance explained
        frame = customers_sample[["CustomerID", "segment"]].reset_index(drop=True).assign(**dict.fromkeys(columns, 0.0))
        return frame, _segment_means(frame, columns), np.full(len(columns), np.nan)
    values = log_money(customers_sample, features)
    values = values.fillna(values.median()).fillna(0.0)
    x = values.to_numpy()
    std = x.std(axis=0)
    x = (x - x.mean(axis=0)) / np.where(std > 0, std, 1.0)
    u, s, vt = np.linalg.svd(x, full_matrices=False)
    # Fix each component's sign (largest loading positive) so the picture is the same on every run.
    signs = np.sign(vt[np.arange(len(vt)), np.abs(vt).argmax(axis=1)])
    scores = np.zeros((len(x), len(columns)))
    m = min(len(columns), len(s))
    scores[:, :m] = (u * s * signs)[:, :m]
    ratio = np.zeros(len(columns))
    ratio[:m] = (s**2 / max((s**2).sum(), 1e-12))[:m]
    frame = pd.DataFrame(scores, columns=columns)
    frame.insert(0, "segment", customers_sample["segment"].array)  # .array keeps the Categorical's full order
    frame.insert(0, "CustomerID", customers_sample["CustomerID"].to_numpy())
    centroids = _segment_means(frame, columns)
    return frame, centroids, ratio


def _segment_means(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Mean of the given columns per segment (used for PCA coordinates, where means are natural)."""
    codes, names = segment_codes(frame)
    mean = frame[list(columns)][codes >= 0].groupby(codes[codes >= 0], sort=True).mean()
    mean.insert(0, "segment", _segment_column(mean.index.to_numpy(), names))
    return mean.reset_index(drop=True)


# ---- words ------------------------------------------------------------------------------------------------


def _extremes(profile: pd.DataFrame, column: str) -> tuple[pd.Series, pd.Series] | None:
    """The profile rows with the highest and lowest value of a column, or None if fewer than two are known."""
    known = profile[profile[column].notna()]
    if len(known) < 2:
        return None
    return known.loc[known[column].idxmax()], known.loc[known[column].idxmin()]


def _most(profile: pd.DataFrame, superlative: str, comparative: str) -> str:
    """'most' wording for three or more segments, 'more' wording for two."""
    return superlative if len(profile) > 2 else comparative


def _insight_size(p: pd.DataFrame) -> str | None:
    """Largest and smallest segment by customers."""
    top, low = p.loc[p["customers"].idxmax()], p.loc[p["customers"].idxmin()]
    if top["segment"] == low["segment"]:
        return None
    return (
        f"{top['segment']} is the largest segment with {format_count(top['customers'])} customers "
        f"({format_share(top['share'])}); {low['segment']} is the smallest with "
        f"{format_count(low['customers'])} ({format_share(low['share'])})."
    )


def _insight_money(p: pd.DataFrame, column: str, what: str) -> str | None:
    """'X's median <what> (₹a) is n× Y's (₹b).' for the highest and lowest segment (or that they are similar)."""
    pair = _extremes(p, column)
    if pair is None:
        return None
    hi, lo = pair
    if lo[column] <= 0:
        return (
            f"{hi['segment']}'s median {what} is {format_inr(hi[column])} against "
            f"{format_inr(lo[column])} for {lo['segment']}."
        )
    if hi[column] / lo[column] < SIMILAR_RATIO:
        return f"The median {what} is similar across segments ({format_inr(lo[column])}–{format_inr(hi[column])})."
    return (
        f"{hi['segment']}'s median {what} ({format_inr(hi[column])}) is {format_ratio(hi[column] / lo[column])} "
        f"{lo['segment']}'s ({format_inr(lo[column])})."
    )


def _insight_frequency(p: pd.DataFrame) -> str | None:
    """Which segment transacts most often."""
    pair = _extremes(p, "mean_n_transactions")
    if pair is None or round(pair[0]["mean_n_transactions"], 2) == round(pair[1]["mean_n_transactions"], 2):
        return None
    hi, lo = pair
    return (
        f"{hi['segment']} transacts {_most(p, 'most', 'more')} often: {hi['mean_n_transactions']:.2f} "
        f"transactions per customer vs {lo['mean_n_transactions']:.2f} for {lo['segment']}."
    )


def _insight_age(p: pd.DataFrame) -> str | None:
    """Oldest vs youngest segment by median age (or that ages are similar)."""
    pair = _extremes(p, "median_age")
    if pair is None:
        return None
    hi, lo = pair
    if hi["median_age"] - lo["median_age"] < 2:
        span = (
            f"{lo['median_age']:.0f}–{hi['median_age']:.0f}"
            if hi["median_age"] - lo["median_age"] >= 1
            else (f"about {hi['median_age']:.0f}")
        )
        return f"Median age is similar across segments ({span} years)."
    return (
        f"{hi['segment']} customers are {_most(p, 'the oldest', 'older')}: median age {hi['median_age']:.0f} "
        f"vs {lo['median_age']:.0f} for {lo['segment']}."
    )


def _insight_gender(p: pd.DataFrame) -> str | None:
    """Where women are most and least represented (or that the mix is similar)."""
    pair = _extremes(p, "share_female")
    if pair is None:
        return None
    hi, lo = pair
    if hi["share_female"] - lo["share_female"] < 0.03:
        return f"The gender mix is similar across segments (about {format_share(p['share_female'].mean())} women)."
    return (
        f"Women are {_most(p, 'most', 'more')} represented in {hi['segment']} ({format_share(hi['share_female'])}) "
        f"and {_most(p, 'least', 'less')} in {lo['segment']} ({format_share(lo['share_female'])})."
    )


def _insight_recency(p: pd.DataFrame) -> str | None:
    """Which segment was active most recently."""
    pair = _extremes(p, "median_recency_days")
    if pair is None or pair[0]["median_recency_days"] - pair[1]["median_recency_days"] < 2:
        return None  # a day's difference is noise, not an insight
    stale, fresh = pair
    return (
        f"{fresh['segment']} was active {_most(p, 'most', 'more')} recently: median "
        f"{fresh['median_recency_days']:.0f} days since the last transaction vs "
        f"{stale['median_recency_days']:.0f} for {stale['segment']}."
    )


def _insight_single(row: pd.Series) -> str:
    """The one-segment case: describe it on its own."""
    return (
        f"Only {row['segment']} is in this selection: {format_count(row['customers'])} customers, median "
        f"transaction {format_inr(row['median_mean_amount'])}, median balance {format_inr(row['median_balance'])}."
    )


def segment_insights(customers: pd.DataFrame, profile: pd.DataFrame | None = None) -> list[str]:
    """Data-driven sentences comparing segments, each with its numbers (empty list for no customers).

    Pass `profile` (profile_segments of the same customers) when the page already has it, to skip recomputing.
    """
    profile = profile_segments(customers) if profile is None else profile
    if profile.empty:
        return []
    if len(profile) == 1:
        return [_insight_single(profile.iloc[0])]
    candidates = (
        _insight_size(profile),
        _insight_money(profile, "median_mean_amount", "transaction"),
        _insight_money(profile, "median_balance", "balance"),
        _insight_frequency(profile),
        _insight_recency(profile),
        _insight_age(profile),
        _insight_gender(profile),
    )
    return [c for c in candidates if c]


def _level(ratio: float) -> str:
    """'high', 'low' or 'mid' for a ratio to the base (at least 1.5× away counts as different)."""
    if _missing(ratio):
        return "mid"
    return "high" if ratio >= 1.5 else "low" if ratio <= 1 / 1.5 else "mid"


_HEADLINES = {  # (balance level, transaction-size level) -> persona name
    ("high", "high"): "Affluent big spenders",
    ("high", "mid"): "Comfortable savers",
    ("high", "low"): "Affluent savers",
    ("mid", "high"): "Big-ticket spenders",
    ("mid", "mid"): "Mainstream customers",
    ("mid", "low"): "Small-ticket spenders",
    ("low", "high"): "Stretch spenders",
    ("low", "mid"): "Everyday customers on modest balances",
    ("low", "low"): "Budget customers",
}


def _ratio(value: float, base: float) -> float:
    """value / base, NaN when either is missing or the base is not positive."""
    return value / base if not (_missing(value) or _missing(base)) and base > 0 else float("nan")


def _balance_phrase(ratio: float, median: float) -> str | None:
    """'median balance 6.0× the typical customer's (₹102,000)' (or 'close to', or 'n% of')."""
    if _missing(ratio):
        return None
    if 1 / SIMILAR_RATIO < ratio < SIMILAR_RATIO:
        rel = "close to"
    else:
        rel = format_ratio(ratio) if ratio >= 1 else f"{format_share(ratio)} of"
    return f"median balance {rel} the typical customer's ({format_inr(median)})"


def _transaction_phrase(size_ratio: float, freq_ratio: float, median: float) -> str | None:
    """'large occasional transactions (median ₹2,300)'."""
    if _missing(size_ratio):
        return None
    size = {"high": "large", "low": "small", "mid": "typical-size"}[_level(size_ratio)]
    freq = ""
    if not _missing(freq_ratio) and abs(freq_ratio - 1) >= 0.1:  # within 10% of the base is just "transactions"
        freq = "frequent " if freq_ratio > 1 else "occasional "
    return f"{size} {freq}transactions (median {format_inr(median)})"


def _daypart(hour: float) -> str | None:
    """'mostly in the afternoon' from a typical hour of day."""
    if _missing(hour):
        return None
    part = "night"
    for start, name in DAYPARTS:
        if hour >= start:
            part = name
    return f"mostly in the {part}" if part != "night" else "mostly at night"


def _gender_phrase(row: pd.Series) -> str | None:
    """'78% male' (whichever of male/female is larger)."""
    if _missing(row["share_male"]) or _missing(row["share_female"]):
        return None
    male = row["share_male"] >= row["share_female"]
    return f"{format_share(row['share_male'] if male else row['share_female'])} {'male' if male else 'female'}"


def _persona(row: pd.Series, base: pd.Series) -> str:
    """One persona sentence for a profile row relative to the base profile."""
    bal = _ratio(row["median_balance"], base["median_balance"])
    size = _ratio(row["median_mean_amount"], base["median_mean_amount"])
    freq = _ratio(row["mean_n_transactions"], base["mean_n_transactions"])
    parts = [
        _balance_phrase(bal, row["median_balance"]),
        _transaction_phrase(size, freq, row["median_mean_amount"]),
        _daypart(row["mean_hour"]),
        _gender_phrase(row),
        None if _missing(row["median_age"]) else f"typically {row['median_age']:.0f} years old",
    ]
    headline = _HEADLINES[(_level(bal), _level(size))]
    if not _missing(bal) and bal >= WEALTHY_RATIO:
        headline = headline.replace("Affluent", "Wealthy").replace("Comfortable", "Wealthy")
    return f"{headline}: " + ", ".join(p for p in parts if p) + "."


def describe_personas(
    customers: pd.DataFrame, base: pd.DataFrame | None = None, profile: pd.DataFrame | None = None
) -> dict[str, str]:
    """A short data-driven persona per segment present, relative to `base` (default: the same customers).

    Pass the whole customer base as `base` when `customers` is a filtered view, so "typical customer"
    keeps meaning the typical customer of the bank; pass `profile` to reuse profile_segments(customers).
    """
    profile = profile_segments(customers) if profile is None else profile
    reference = _base_profile(customers if base is None else base)
    return {str(row["segment"]): _persona(row, reference) for _, row in profile.iterrows()}
