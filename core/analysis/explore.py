"""Small tidy aggregations for the "Explore data" page, plus the fast customer-id joins other modules share.

Every function takes frames that are already filtered and returns a small frame (tens of rows), so a page
can chart or tabulate the result directly. Nothing here keeps state between calls.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from core.errors import DataError
from core.pipeline.features import MONEY_FEATURES, NUMERIC_FEATURES

AGE_BAND_EDGES: tuple[float, ...] = (-np.inf, 25, 35, 45, 60, np.inf)  # right-closed: 46-60 includes 60
AGE_BAND_LABELS: tuple[str, ...] = ("18-25", "26-35", "36-45", "46-60", "60+")
UNKNOWN_AGE = "Unknown"
GENDER_ORDER: tuple[str, ...] = ("M", "F", "other", "unknown")
WEEKDAY_NAMES: tuple[str, ...] = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
LINK_COLUMN = "customer_row"  # see link_transactions
SPOT_CHECKS = 64
CORRELATION_SAMPLE = 100_000  # ranks of 100k rows estimate a correlation to about +-0.005


def _arrow(values: pd.Series | Sequence) -> pa.Array:
    """The values as one plain pyarrow array (zero-copy for pandas' default pyarrow-backed strings)."""
    arr = pa.Array.from_pandas(values) if isinstance(values, pd.Series) else pa.array(list(values), from_pandas=True)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    return arr.dictionary_decode() if pa.types.is_dictionary(arr.type) else arr


def _aligned(values: pa.Array, keys: pa.Array) -> tuple[pa.Array, pa.Array]:
    """The two arrays with one common type (as text when they disagree, e.g. numeric ids vs strings)."""
    if values.type == keys.type:
        return values, keys
    try:
        return values, keys.cast(values.type)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return values.cast(pa.large_string()), keys.cast(pa.large_string())


def ids_in(values: pd.Series, candidates: pd.Series | Sequence) -> np.ndarray:
    """Boolean mask: which `values` occur in `candidates` (a pyarrow hash lookup: tens of ms on 884k ids)."""
    if len(values) == 0:
        return np.zeros(0, dtype=bool)
    # pandas' own isin on strings takes ~0.5 s at this size; pyarrow's is_in is ~25x faster.
    vals, keys = _aligned(_arrow(values), _arrow(candidates))
    found = pc.is_in(vals, value_set=keys)
    return found.to_numpy(zero_copy_only=False).astype(bool, copy=False)


def id_positions(values: pd.Series, lookup: pd.Series) -> np.ndarray:
    """For each of `values`, its position in `lookup` (int64), or -1 where it is absent (first match wins)."""
    if len(values) == 0 or len(lookup) == 0:
        return np.full(len(values), -1, dtype=np.int64)
    vals, keys = _aligned(_arrow(values), _arrow(lookup))
    pos = pc.index_in(vals, value_set=keys)
    return pos.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64, copy=False)


def link_transactions(customers: pd.DataFrame, transactions: pd.DataFrame) -> pd.DataFrame:
    """Transactions plus `customer_row`: the row position of each one's customer in `customers` (-1 if none).

    Joining 1M transaction ids to 884k customer ids by value costs ~0.2 s. Do it once when the data is
    loaded (and cache the result): afterwards date filters, select_transactions and timing_by_segment join
    any filtered view in ~10 ms through the view's index labels. `customers` must be the full frame with
    its default RangeIndex (filtered views keep those labels). Everything still works without the link.
    """
    if not customers.index.equals(pd.RangeIndex(len(customers))):
        raise DataError(
            "link the transactions to the full customers table with its default row numbers, "
            "before any filtering or re-indexing"
        )
    rows = id_positions(transactions["customer_id"], customers["CustomerID"]).astype(np.int32)
    return transactions.assign(**{LINK_COLUMN: rows})


def _spot_check(customers: pd.DataFrame, transactions: pd.DataFrame, pos: np.ndarray) -> bool:
    """True when a few linked transactions really belong to the customers they point at."""
    linked = np.flatnonzero(pos >= 0)
    if len(linked) == 0:
        return True
    probe = linked[np.linspace(0, len(linked) - 1, min(SPOT_CHECKS, len(linked))).astype(np.int64)]
    tx_ids = transactions["customer_id"].iloc[probe].astype(str).to_numpy()
    cust_ids = customers["CustomerID"].iloc[pos[probe]].astype(str).to_numpy()
    return bool((tx_ids == cust_ids).all())


def linked_positions(customers: pd.DataFrame, transactions: pd.DataFrame) -> np.ndarray | None:
    """Through the `customer_row` link: each transaction's row position in `customers` (-1 if not in it).

    None when the transactions are not linked, or the link does not fit this customers frame (e.g. its
    index was reset after filtering); callers then fall back to joining by id.
    """
    if LINK_COLUMN not in transactions or not pd.api.types.is_integer_dtype(customers.index.dtype):
        return None
    labels = customers.index.to_numpy()
    rows = transactions[LINK_COLUMN].to_numpy().astype(np.int64)
    if len(labels) and labels.min() < 0:
        return None
    size = max(int(labels.max(initial=-1)), int(rows.max(initial=-1))) + 1
    lookup = np.full(size, -1, dtype=np.int64)
    lookup[labels] = np.arange(len(labels))
    pos = np.where(rows >= 0, lookup[np.maximum(rows, 0)], -1) if size else np.full(len(rows), -1)
    return pos if _spot_check(customers, transactions, pos) else None


def transaction_positions(customers: pd.DataFrame, transactions: pd.DataFrame) -> np.ndarray:
    """Each transaction's row position in `customers` (-1 when its customer is not there): link or id join."""
    pos = linked_positions(customers, transactions)
    return pos if pos is not None else id_positions(transactions["customer_id"], customers["CustomerID"])


def select_transactions(transactions: pd.DataFrame, customers: pd.DataFrame) -> pd.DataFrame:
    """The transactions of the given (filtered) customers: join on customer_id == CustomerID."""
    if len(transactions) == 0:
        return transactions
    pos = linked_positions(customers, transactions)
    keep = pos >= 0 if pos is not None else ids_in(transactions["customer_id"], customers["CustomerID"])
    return transactions[keep]


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


def _group_codes(customers: pd.DataFrame, by: str | None) -> np.ndarray:
    """Integer group codes for stratification (-1 for a missing group; 0 everywhere when by is None)."""
    if by is None or by not in customers:
        return np.zeros(len(customers), dtype=np.int64)
    return pd.factorize(customers[by], use_na_sentinel=True)[0].astype(np.int64)


def _quotas(sizes: np.ndarray, n: int) -> np.ndarray:
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
        quota = _quotas(sizes, n)
        rng = np.random.default_rng(seed)
        order = np.argsort(inverse, kind="stable")  # positions grouped by group, original order within
        starts = np.concatenate([[0], np.cumsum(sizes)])
        picks = [rng.choice(order[starts[g] : starts[g + 1]], quota[g], replace=False) for g in range(len(groups))]
        out = customers.iloc[np.sort(np.concatenate(picks))]
    out = out.copy(deep=False) if out is customers else out  # own attrs, no data copied
    out.attrs["sampled_from"] = len(customers)
    return out


def log_money(frame: pd.DataFrame, features: Sequence[str]) -> pd.DataFrame:
    """The features as float, with money features on log1p scale (negatives clipped to 0) for distances."""
    out = frame[list(features)].astype("float64")
    for name in features:
        if name in MONEY_FEATURES:
            out[name] = np.log1p(out[name].clip(lower=0))
    return out
