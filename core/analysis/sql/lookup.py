"""Customers found by ID with one query. customers.parquet is sorted by CustomerID, so its row groups carry tight
min/max statistics, and an `IN (...)` list of constants is pushed down to the Parquet reader: DuckDB reads only
the row groups that can hold the IDs instead of scanning the whole base."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from core.analysis.sql.source import ROW_COLUMN, VersionSource


def find_customers(source: VersionSource, ids: Sequence[str]) -> tuple[pd.DataFrame, list[str]]:
    """(the customers with these IDs in the order asked, any letter case, duplicates once; the IDs not found).

    The same answer as scoring.lookup.lookup_customers; the frame's index is each customer's row in
    customers.parquet, as in the in-memory customers frame.
    """
    wanted = list(dict.fromkeys(str(i).strip() for i in ids if i and str(i).strip()))
    variants = list(dict.fromkeys(v for w in wanted for v in (w, w.upper(), w.lower())))
    placeholders = ", ".join("?" for _ in variants) or "NULL"
    found = source.query(f"SELECT * FROM customers WHERE CustomerID IN ({placeholders})", variants)
    rows = found.pop(ROW_COLUMN).to_numpy(dtype="int64")
    found.index = pd.Index(rows)
    found = found.sort_index()  # the first row of an ID in file order wins, as in the in-memory lookup
    position: dict[str, int] = {}
    for row, found_id in zip(found.index, found["CustomerID"].astype(str), strict=True):
        position.setdefault(found_id.upper(), row)
    order, unknown = [], []
    for w in wanted:
        row = position.get(w.upper())
        if row is None:
            unknown.append(w)
        elif row not in order:
            order.append(row)
    return found.loc[order], unknown
