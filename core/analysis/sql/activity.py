"""When the view's customers transact, and who they are, as aggregate queries (the Explore data page's numbers).

Each function returns the frame of the pandas function named in its docstring (same columns, same order).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.analysis.explore import GENDER_ORDER, WEEKDAY_NAMES
from core.analysis.filters import Filters
from core.analysis.sql.predicates import filters_predicate
from core.analysis.sql.source import ROW_COLUMN, VersionSource


def _share(counts: np.ndarray) -> np.ndarray:
    total = counts.sum()
    return counts / total if total > 0 else np.zeros(len(counts))


def _of_view(filters: Filters) -> tuple[str, tuple]:
    """The transactions of the view's customers, through the row link (a semi-join)."""
    where = filters_predicate(filters)
    return f"customer_row IN (SELECT {ROW_COLUMN} FROM customers WHERE {where.sql})", where.params


def _by_key(source: VersionSource, filters: Filters, key: str, size: int, extra: str = "TRUE") -> pd.DataFrame:
    """Transactions and summed amounts per integer key 0..size-1 (zero-filled)."""
    link, params = _of_view(filters)
    found = source.query(
        f"SELECT {key} AS k, count(*) AS n, sum(amount) AS total FROM transactions WHERE {link} AND {extra} GROUP BY k",
        params,
    )
    counts, totals = np.zeros(size, dtype="int64"), np.zeros(size, dtype="float64")
    keys = found["k"].to_numpy(dtype="int64")
    counts[keys], totals[keys] = found["n"].to_numpy(dtype="int64"), found["total"].to_numpy(dtype="float64")
    return pd.DataFrame({"transactions": counts, "total_amount": totals})


def activity_by_hour(source: VersionSource, filters: Filters) -> pd.DataFrame:
    """explore.activity_by_hour: hour 0-23 (all 24 rows), transactions, total_amount, share."""
    frame = _by_key(source, filters, "floor(hour)::BIGINT", 24, "hour IS NOT NULL AND hour >= 0 AND hour < 24")
    frame.insert(0, "hour", np.arange(24))
    frame["share"] = _share(frame["transactions"].to_numpy())
    return frame


def activity_by_weekday(source: VersionSource, filters: Filters) -> pd.DataFrame:
    """explore.activity_by_weekday: weekday 0-6 (Monday first), day, transactions, total_amount, share."""
    frame = _by_key(source, filters, "isodow(date) - 1", 7)
    frame.insert(0, "day", list(WEEKDAY_NAMES))
    frame.insert(0, "weekday", np.arange(7))
    frame["share"] = _share(frame["transactions"].to_numpy())
    return frame


def activity_by_date(source: VersionSource, filters: Filters) -> pd.DataFrame:
    """explore.activity_by_date: every calendar day of the view's range (zero-filled): date, transactions, amount."""
    link, params = _of_view(filters)
    found = source.query(
        f"SELECT date_trunc('day', date) AS day, count(*) AS n, sum(amount) AS total FROM transactions "
        f"WHERE {link} GROUP BY day ORDER BY day",
        params,
    )
    if found.empty:
        return pd.DataFrame(
            {
                "date": pd.Series(dtype="datetime64[us]"),
                "transactions": pd.Series(dtype="int64"),
                "total_amount": pd.Series(dtype="float64"),
            }
        )
    days = pd.to_datetime(found["day"])
    every = pd.date_range(days.min(), days.max(), freq="D")
    counts = found.set_index(days)["n"].reindex(every, fill_value=0).to_numpy(dtype="int64")
    totals = found.set_index(days)["total"].reindex(every, fill_value=0.0).to_numpy(dtype="float64")
    return pd.DataFrame({"date": every, "transactions": counts, "total_amount": totals})


def gender_mix(source: VersionSource, filters: Filters) -> pd.DataFrame:
    """explore.gender_mix: gender in the order M, F, other, unknown (then others by name), customers, share."""
    where = filters_predicate(filters)
    found = source.query(
        f"SELECT gender::VARCHAR AS gender, count(*) AS n FROM customers WHERE {where.sql} GROUP BY gender",
        where.params,
    )
    counts = dict(zip(found["gender"].astype(str), found["n"].astype("int64"), strict=True))
    order = list(GENDER_ORDER) + sorted(set(counts) - set(GENDER_ORDER))
    values = np.array([counts.get(g, 0) for g in order], dtype="int64")
    return pd.DataFrame({"gender": order, "customers": values, "share": _share(values)})
