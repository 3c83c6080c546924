"""When the view's customers transact, and who they are, as aggregate queries (the Explore data page's numbers).

Each function returns the frame of the pandas function named in its docstring (same columns, same order).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.analysis.explore import GENDER_ORDER, WEEKDAY_NAMES
from core.analysis.filters import Filters
from core.analysis.sql.predicates import filters_predicate, transactions_predicate
from core.analysis.sql.source import VersionSource


def _share(counts: np.ndarray) -> np.ndarray:
    total = counts.sum()
    return counts / total if total > 0 else np.zeros(len(counts))


def _zero_filled(found: pd.DataFrame, size: int) -> pd.DataFrame:
    """Transactions and summed amounts per integer key 0..size-1 (keys absent from `found` get zeros)."""
    counts, totals = np.zeros(size, dtype="int64"), np.zeros(size, dtype="float64")
    keys = found["k"].to_numpy(dtype="int64")
    counts[keys], totals[keys] = found["n"].to_numpy(dtype="int64"), found["total"].to_numpy(dtype="float64")
    return pd.DataFrame({"transactions": counts, "total_amount": totals})


def activity_tables(source: VersionSource, filters: Filters) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(by hour, by weekday, by day) of the view's transactions, from one pass (GROUPING SETS)."""
    link = transactions_predicate(filters, source.transactions_have_segments)
    found = source.query(
        f"""SELECT grouping(h) = 0 AS by_hour, grouping(w) = 0 AS by_weekday, h, w, d, count(*) AS n,
            sum(amount) AS total
        FROM (SELECT CASE WHEN hour >= 0 AND hour < 24 THEN floor(hour)::BIGINT END AS h, isodow(date) - 1 AS w,
                date_trunc('day', date) AS d, amount FROM transactions WHERE {link.sql})
        GROUP BY GROUPING SETS ((h), (w), (d))""",
        link.params,
    )
    hours = found[found["by_hour"] & found["h"].notna()].rename(columns={"h": "k"})
    hour = _zero_filled(hours, 24)
    hour.insert(0, "hour", np.arange(24))
    hour["share"] = _share(hour["transactions"].to_numpy())
    weekday = _zero_filled(found[found["by_weekday"]].rename(columns={"w": "k"}), 7)
    weekday.insert(0, "day", list(WEEKDAY_NAMES))
    weekday.insert(0, "weekday", np.arange(7))
    weekday["share"] = _share(weekday["transactions"].to_numpy())
    return hour, weekday, _daily(found[~found["by_hour"] & ~found["by_weekday"]])


def _daily(found: pd.DataFrame) -> pd.DataFrame:
    """Every calendar day of the range (zero-filled): date, transactions, total_amount."""
    if found.empty:
        return pd.DataFrame(
            {
                "date": pd.Series(dtype="datetime64[us]"),
                "transactions": pd.Series(dtype="int64"),
                "total_amount": pd.Series(dtype="float64"),
            }
        )
    days = pd.to_datetime(found["d"])
    every = pd.date_range(days.min(), days.max(), freq="D")
    counts = found.set_index(days)["n"].reindex(every, fill_value=0).to_numpy(dtype="int64")
    totals = found.set_index(days)["total"].reindex(every, fill_value=0.0).to_numpy(dtype="float64")
    return pd.DataFrame({"date": every, "transactions": counts, "total_amount": totals})


def activity_by_hour(source: VersionSource, filters: Filters) -> pd.DataFrame:
    """explore.activity_by_hour: hour 0-23 (all 24 rows), transactions, total_amount, share."""
    return activity_tables(source, filters)[0]


def activity_by_weekday(source: VersionSource, filters: Filters) -> pd.DataFrame:
    """explore.activity_by_weekday: weekday 0-6 (Monday first), day, transactions, total_amount, share."""
    return activity_tables(source, filters)[1]


def activity_by_date(source: VersionSource, filters: Filters) -> pd.DataFrame:
    """explore.activity_by_date: every calendar day of the view's range (zero-filled): date, transactions, amount."""
    return activity_tables(source, filters)[2]


def gender_mix(source: VersionSource, filters: Filters) -> pd.DataFrame:
    """explore.gender_mix: gender in the order M, F, other, unknown (then others by name), customers, share."""
    where = filters_predicate(filters)
    found = source.query(
        f"SELECT gender::VARCHAR AS gender, count(*) AS n FROM {where.table} WHERE {where.sql} GROUP BY gender",
        where.params,
    )
    counts = dict(zip(found["gender"].astype(str), found["n"].astype("int64"), strict=True))
    order = list(GENDER_ORDER) + sorted(set(counts) - set(GENDER_ORDER))
    values = np.array([counts.get(g, 0) for g in order], dtype="int64")
    return pd.DataFrame({"gender": order, "customers": values, "share": _share(values)})
