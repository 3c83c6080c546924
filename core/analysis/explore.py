"""Small tidy aggregations for the "Explore data" page (id joins: core.analysis.joins; samples: .sampling).

Every function takes frames that are already filtered and returns a small frame (tens of rows), so a page
can chart or tabulate the result directly. Nothing here keeps state between calls.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from core.analysis.joins import select_transactions
from core.config import CORRELATION_SAMPLE
from core.pipeline.features import NUMERIC_FEATURES

AGE_BAND_EDGES: tuple[float, ...] = (-np.inf, 25, 35, 45, 60, np.inf)  # right-closed: 46-60 includes 60
AGE_BAND_LABELS: tuple[str, ...] = ("18-25", "26-35", "36-45", "46-60", "60+")
UNKNOWN_AGE = "Unknown"
GENDER_ORDER: tuple[str, ...] = ("M", "F", "other", "unknown")
WEEKDAY_NAMES: tuple[str, ...] = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _share(counts: pd.Series | np.ndarray) -> np.ndarray:
    """Counts as shares of their total (0 everywhere when the total is 0, never NaN)."""
    counts = np.asarray(counts, dtype="float64")
    total = counts.sum()
    return counts / total if total > 0 else np.zeros_like(counts)


def summarise_dataset(customers: pd.DataFrame, transactions: pd.DataFrame) -> dict:
    """Headline numbers for KPI tiles: counts, money totals, date range and data-quality shares."""
    n = len(customers)
    dates = transactions["date"] if len(transactions) else pd.Series(dtype="datetime64[us]")
    date_min, date_max = dates.min(), dates.max()
    n_tx = customers["n_transactions"] if "n_transactions" in customers else pd.Series(dtype="int64")
    return {
        "n_customers": n,
        "n_transactions": len(transactions),
        "total_balance": float(customers["balance"].sum()) if n else 0.0,
        "median_balance": float(customers["balance"].median()) if n else float("nan"),
        "total_amount": float(transactions["amount"].sum()) if len(transactions) else 0.0,
        "median_amount": float(transactions["amount"].median()) if len(transactions) else float("nan"),
        "date_min": None if pd.isna(date_min) else date_min.date(),
        "date_max": None if pd.isna(date_max) else date_max.date(),
        "n_days": 0 if pd.isna(date_min) else int((date_max - date_min).days) + 1,
        "transactions_per_customer": float(n_tx.mean()) if n else float("nan"),
        "share_single_transaction": float((n_tx == 1).mean()) if n else float("nan"),
        "share_unknown_age": float(customers["age"].isna().mean()) if n else float("nan"),
        "share_unknown_balance": float(customers["balance"].isna().mean()) if n else float("nan"),
        "n_locations": int(customers.loc[customers["location"] != "UNKNOWN", "location"].nunique()),
    }


def summarise_view(customers: pd.DataFrame, transactions: pd.DataFrame) -> dict:
    """summarise_dataset for a (filtered) set of customers and their own transactions only."""
    return summarise_dataset(customers, select_transactions(transactions, customers))


def top_locations(customers: pd.DataFrame, n: int = 15) -> pd.DataFrame:
    """The n locations with most customers: location, customers, share (of all customers), biggest first."""
    counts = customers["location"].value_counts(sort=False)
    # Ties broken by name so the order is stable between runs.
    frame = pd.DataFrame({"location": counts.index.astype(str), "customers": counts.to_numpy(dtype="int64")})
    frame = frame.sort_values(["customers", "location"], ascending=[False, True], kind="stable").head(n)
    frame["share"] = frame["customers"] / max(len(customers), 1)
    return frame.reset_index(drop=True)


def _activity(keys: np.ndarray, amounts: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Transaction counts and summed amounts per integer key 0..size-1 (bincount, no groupby)."""
    counts = np.bincount(keys, minlength=size)[:size]
    totals = np.bincount(keys, weights=amounts, minlength=size)[:size]
    return counts.astype("int64"), totals


def activity_by_hour(transactions: pd.DataFrame) -> pd.DataFrame:
    """Transactions per hour of day 0-23 (all 24 rows): hour, transactions, total_amount, share."""
    hour = transactions["hour"].to_numpy(dtype="float64")
    ok = ~np.isnan(hour) & (hour >= 0) & (hour < 24)
    counts, totals = _activity(hour[ok].astype(np.int64), transactions["amount"].to_numpy("float64")[ok], 24)
    return pd.DataFrame(
        {"hour": np.arange(24), "transactions": counts, "total_amount": totals, "share": _share(counts)}
    )


def activity_by_weekday(transactions: pd.DataFrame) -> pd.DataFrame:
    """Transactions per weekday, Monday first: weekday (0-6), day, transactions, total_amount, share."""
    day = transactions["date"].dt.day_of_week.to_numpy()
    counts, totals = _activity(day.astype(np.int64), transactions["amount"].to_numpy("float64"), 7)
    return pd.DataFrame(
        {
            "weekday": np.arange(7),
            "day": list(WEEKDAY_NAMES),
            "transactions": counts,
            "total_amount": totals,
            "share": _share(counts),
        }
    )


def activity_by_date(transactions: pd.DataFrame) -> pd.DataFrame:
    """Transactions per calendar day, every day of the range (zero-filled): date, transactions, total_amount."""
    if len(transactions) == 0:
        return pd.DataFrame(
            {
                "date": pd.Series(dtype="datetime64[us]"),
                "transactions": pd.Series(dtype="int64"),
                "total_amount": pd.Series(dtype="float64"),
            }
        )
    days = transactions["date"].dt.normalize()
    start = days.min()
    offset = (days - start).dt.days.to_numpy().astype(np.int64)
    size = int(offset.max()) + 1
    counts, totals = _activity(offset, transactions["amount"].to_numpy("float64"), size)
    return pd.DataFrame(
        {"date": pd.date_range(start, periods=size, freq="D"), "transactions": counts, "total_amount": totals}
    )


def age_bands(age: pd.Series) -> pd.Categorical:
    """Age bands 18-25, 26-35, 36-45, 46-60, 60+ and Unknown (for NaN), as an ordered Categorical."""
    codes = np.searchsorted(np.asarray(AGE_BAND_EDGES[1:-1]), age.to_numpy(dtype="float64"), side="left")
    codes = np.where(age.isna().to_numpy(), len(AGE_BAND_LABELS), codes)
    return pd.Categorical.from_codes(codes, categories=[*AGE_BAND_LABELS, UNKNOWN_AGE], ordered=True)


def _age_edges(age: pd.Series, bins: int | Sequence[float]) -> np.ndarray:
    """Bin edges for age_distribution: given edges, or `bins` equal whole-year bands over the observed range."""
    if not isinstance(bins, int):
        return np.unique(np.asarray(bins, dtype="float64"))
    lo, hi = age.min(), age.max()
    if pd.isna(lo):
        return np.array([0.0, 1.0])
    return np.unique(np.floor(np.linspace(lo, hi + 1, max(bins, 1) + 1)))


def age_distribution(customers: pd.DataFrame, bins: int | Sequence[float] | None = None) -> pd.DataFrame:
    """Customers per age band, Unknown last: age_band, customers, share (of all customers, incl. unknown).

    `bins=None` gives the marketing bands 18-25 ... 60+; an int gives that many equal bands; a sequence gives
    edges (left-closed, e.g. [18, 30, 50, 101] -> "18-29", "30-49", "50-100").
    """
    age = customers["age"]
    if bins is None:
        bands = age_bands(age)
        counts = np.bincount(bands.codes, minlength=len(bands.categories))
        labels = list(bands.categories)
    else:
        edges = _age_edges(age, bins)
        labels = [f"{lo:.0f}-{hi - 1:.0f}" for lo, hi in zip(edges[:-1], edges[1:], strict=True)] + [UNKNOWN_AGE]
        known = age.dropna().to_numpy()
        inside, _ = np.histogram(known, bins=edges) if len(edges) > 1 else (np.zeros(0, dtype=int), None)
        counts = np.append(inside, int(age.isna().sum()))
    counts = np.asarray(counts, dtype="int64")
    return pd.DataFrame({"age_band": labels, "customers": counts, "share": _share(counts)})


def gender_mix(customers: pd.DataFrame) -> pd.DataFrame:
    """Customers per gender in the order M, F, other, unknown (then anything else): gender, customers, share."""
    counts = customers["gender"].value_counts(sort=False)
    order = list(GENDER_ORDER) + sorted(set(map(str, counts.index)) - set(GENDER_ORDER))
    values = counts.reindex(order, fill_value=0).to_numpy(dtype="int64")
    return pd.DataFrame({"gender": order, "customers": values, "share": _share(values)})


def _average_ranks(values: np.ndarray) -> np.ndarray:
    """1-based ranks with ties averaged (as scipy's rankdata), NaN kept as NaN."""
    ranks = np.full(len(values), np.nan)
    known = ~np.isnan(values)
    _, inverse, counts = np.unique(values[known], return_inverse=True, return_counts=True)
    ends = np.cumsum(counts)
    ranks[known] = ((ends - counts + 1 + ends) / 2)[inverse]
    return ranks


def feature_correlations(
    customers: pd.DataFrame, features: Sequence[str] | None = None, max_rows: int = CORRELATION_SAMPLE, seed: int = 0
) -> pd.DataFrame:
    """Spearman rank correlations between numeric features (a square frame), on a fixed-seed sample if large.

    Spearman is used because the money features are heavily skewed: it depends only on ranks, so it equals
    the correlation on log money. Each column is ranked once ignoring NaN, then correlated pairwise on the
    rows where both are known (a close, much faster stand-in for pandas' per-pair re-ranking).
    """
    features = [f for f in (features or NUMERIC_FEATURES) if f in customers]
    rows = np.arange(len(customers))
    if len(rows) > max_rows:
        rows = np.sort(np.random.default_rng(seed).choice(rows, max_rows, replace=False))
    ranks = pd.DataFrame({f: _average_ranks(customers[f].to_numpy(dtype="float64")[rows]) for f in features})
    return ranks.corr(method="pearson")


def histogram_edges(lo: float, hi: float, bins: int, log: bool, kind: str) -> np.ndarray:
    """Bin edges over [lo, hi]: geometric on log axes, one per whole number for small-range counts, else even."""
    if log:
        return np.geomspace(lo, hi * 1.000001, bins + 1) if hi > lo else np.array([lo / 1.1, lo * 1.1])
    if kind in ("count", "days", "years", "hour") and hi - lo + 1 <= bins:
        return np.arange(np.floor(lo) - 0.5, np.ceil(hi) + 1.5)
    return np.linspace(lo, hi, bins + 1) if hi > lo else np.array([lo - 0.5, lo + 0.5])
