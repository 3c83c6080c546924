"""Customers found by ID with one query. customers.parquet is sorted by CustomerID, so its row groups carry tight
min/max statistics, and an `IN (...)` list of constants is pushed down to the Parquet reader: DuckDB reads only
the row groups that can hold the IDs instead of scanning the whole base."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from core.analysis.filters import Filters
from core.analysis.sql.predicates import filters_predicate
from core.analysis.sql.source import ROW_COLUMN, VersionSource
from core.pipeline.persons import PERSON_SEPARATOR, original_id


def find_customers(source: VersionSource, ids: Sequence[str]) -> tuple[pd.DataFrame, list[str]]:
    """(the customers with these IDs in the order asked, any letter case, duplicates once; the IDs not found).

    The same answer as scoring.lookup.lookup_customers: an ID shared by several people (core.pipeline.persons)
    finds every person behind it ('C1' finds 'C1', 'C1#2', ...). Their keys sort right after the ID, so each
    ID asks for the range [ID#, ID$) too, which the Parquet statistics prune like the IN list. The frame's index
    is each customer's row in customers.parquet, as in the in-memory customers frame.
    """
    wanted = list(dict.fromkeys(str(i).strip() for i in ids if i and str(i).strip()))
    variants = list(dict.fromkeys(v for w in wanted for v in (w, w.upper(), w.lower())))
    placeholders = ", ".join("?" for _ in variants) or "NULL"
    ranges = "".join(" OR (CustomerID >= ? AND CustomerID < ?)" for _ in variants)
    bounds = [b for v in variants for b in (v + PERSON_SEPARATOR, v + chr(ord(PERSON_SEPARATOR) + 1))]
    found = source.query(f"SELECT * FROM customers WHERE CustomerID IN ({placeholders}){ranges}", variants + bounds)
    rows = found.pop(ROW_COLUMN).to_numpy(dtype="int64")
    found.index = pd.Index(rows)
    found = found.sort_index()  # file order, as in the in-memory lookup
    keys = found["CustomerID"].astype(str)
    bases = original_id(keys).astype(str)
    positions: dict[str, list[int]] = {}
    for row, key, base in zip(found.index, keys, bases, strict=True):
        for name in dict.fromkeys((key.upper(), base.upper())):
            positions.setdefault(name, []).append(int(row))
    order: list[int] = []
    unknown = []
    for w in wanted:
        hits = positions.get(w.upper())
        if not hits:
            unknown.append(w)
        order += [row for row in hits or [] if row not in order]
    return found.loc[order], unknown


def rows_matching(source: VersionSource, filters: Filters, ids: Sequence[str]) -> list[int]:
    """The rows (in customers.parquet) of these exact CustomerIDs that match the filters (customer_mask on them)."""
    if not ids:
        return []
    where = filters_predicate(filters)
    placeholders = ", ".join("?" for _ in ids)
    found = source.query(
        f"SELECT {ROW_COLUMN} AS r FROM {where.table} WHERE CustomerID IN ({placeholders}) AND ({where.sql})",
        [*ids, *where.params],
    )
    return found["r"].astype("int64").tolist()


def first_ids(source: VersionSource, filters: Filters, limit: int) -> list[str]:
    """scoring.lookup.id_options: the IDs of the view's first `limit` customers, in file (= ID) order."""
    where = filters_predicate(filters)
    found = source.query(
        f"SELECT CustomerID::VARCHAR AS id FROM {where.table} WHERE {where.sql} ORDER BY {ROW_COLUMN} LIMIT ?",
        [*where.params, int(limit)],
    )
    return found["id"].tolist()
