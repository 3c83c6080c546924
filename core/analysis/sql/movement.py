"""Segment movement answered by the engine: two populations (periods of one dataset, or two scored datasets) as
DuckDB relations, compared by aggregate queries; no per-customer frame of either reaches Python.

A *population* is a relation with one row per customer: `key` (what matches a customer across the two: the
customer's row in customers.parquet for periods of one dataset, the CustomerID for two datasets), `CustomerID`,
`ord` (the order core.analysis.movement lists customers in), `segment_rank` (0 = the lowest budget segment) and
the features. A period is re-scored exactly as core.scoring.periods.score_period does in pandas: the period's
transactions (inclusive dates) aggregated per customer by the pipeline's own feature SQL (engine.steps.features_sql),
joined once to the customer table for the CustomerID and the customer's age, gender, location and balance, then the
saved segmenter's assignment SQL (engine.assign.assignment_sql): never a refit. A filtered period is the whole period's
rows of the selected customers (features are per customer), with recency counted again to the selection's own
last day and the segment assigned again. Each is made once into a working table of the shared source
(VersionSource.materialise) and re-made from its recipe if that table was dropped since.

The from → to matrix, the counts, a cell's members and the drift (PSI on the deciles of A, computed from A's
order statistics with numpy's own interpolation, and bin counts of B) equal core.analysis.movement's and
core.analysis.drift's pandas results (tests compare them). Above quantiles.EXACT_QUANTILE_ROWS customers in A the
deciles are those of the fixed sample the medians use (quantiles.sample_condition: every k-th customer by a hash of
its row), since exact ones hold every value in memory; the bins still count every customer of A and B.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from core.analysis.filters import Filters
from core.analysis.movement import GONE, NEW
from core.analysis.sql.export import copy_csv, safe_text
from core.analysis.sql.predicates import EVERYONE, filters_predicate
from core.analysis.sql.source import BASE_TABLE, ROW_COLUMN, VersionSource, quote_path
from core.errors import DataError
from core.pipeline.engine.assign import assignment_sql
from core.pipeline.engine.steps import features_sql
from core.pipeline.features import FEATURES
from core.pipeline.files import CUSTOMERS_FILE
from core.pipeline.segment import SegmentModel
from core.present.formats import header, kind_format

PERIOD_PREFIX = "movement_period_"


@dataclass(frozen=True)
class Population:
    """One side of a comparison: `relation` (a table name or a parenthesised query) and, for a working table,
    the `recipe` (SELECT and its parameters) that makes it from the working tables it `needs`; `row` is the column
    holding each customer's row in its customers.parquet (what a fixed sample of the population is drawn by)."""

    relation: str
    recipe: str = ""
    params: tuple = ()
    needs: tuple[Population, ...] = ()
    row: str = "key"

    def ready(self, source: VersionSource) -> str:
        """The relation, its working table made first when it is one (and not there any more)."""
        for needed in self.needs:
            needed.ready(source)
        if self.recipe:
            source.materialise(self.relation, self.recipe, _bound(self.params))
        return self.relation


def _sql_text(value: str) -> str:
    """A string literal (quotes doubled)."""
    return "'" + str(value).replace("'", "''") + "'"


def _bound(params: tuple) -> list:
    """Parameters as DuckDB binds them (a tuple kept in a Population, for hashing, is a list parameter)."""
    return [list(p) if isinstance(p, tuple) else p for p in params]


def _header_text(text: str) -> str:
    """A header for a quoted SQL alias (quotes doubled)."""
    return text.replace('"', '""')


def period_transactions_sql(start: date, end: date, customers: int) -> tuple[str, tuple]:
    """Every transaction between two dates (inclusive) of a customer of the table (of `customers` rows), with the
    columns features_sql reads when it takes no attributes, as an aliased subquery; and its parameters.

    The customer table's rows are numbered 0 .. customers − 1, so the range test keeps exactly the transactions a
    join with it would (an unlinked one, −1, is left out) without reading the table.
    """
    sql = """(SELECT customer_row, amount, CAST(date AS DATE) AS date, hour FROM transactions
        WHERE date >= ?::TIMESTAMP AND date < ?::TIMESTAMP AND customer_row >= 0 AND customer_row < ?) p"""
    return sql, (start.isoformat(), (end + timedelta(days=1)).isoformat(), int(customers))


def period_population(
    source: VersionSource, filters: Filters, start: date, end: date, model: SegmentModel
) -> Population:
    """The filtered customers active between two dates, features from those transactions only, the fixed model's
    segment (a DataError, as score_period raises, when the period has no transaction).

    Every customer's features come from their own transactions, so the period is re-scored once for everyone and
    a filtered one is its rows of the filtered customers, with recency counted again to the last day of *their*
    transactions (as score_period does for a selection) and the segment assigned again from that.
    """
    everyone = _period_of_everyone(source, start, end, model)
    where = filters_predicate(filters)
    if where.sql == EVERYONE.sql:
        return everyone
    base = everyone.ready(source)
    chosen = f"key IN (SELECT {ROW_COLUMN} FROM {where.table} WHERE {where.sql})"
    params = tuple(tuple(p) if isinstance(p, list) else p for p in where.params)
    if not source.scalar(f"SELECT count(*) FROM {base} WHERE {chosen}", _bound(params)):
        raise DataError(f"no transaction between {start:%d/%m/%Y} and {end:%d/%m/%Y}: choose another period")
    named = f"""SELECT b.* REPLACE (DATE_DIFF('day', b.last_date, e.last) AS recency_days)
        FROM {base} b, (SELECT max(last_date) AS last FROM {base} WHERE {chosen}) e WHERE b.{chosen}"""
    recipe = assignment_sql(model, f"({named}) n", keep=_PERIOD_COLUMNS)
    digest = hashlib.sha256(repr((recipe, params)).encode()).hexdigest()[:20]
    return Population(PERIOD_PREFIX + digest, recipe, params + params, (everyone,))


_PERIOD_COLUMNS = ", ".join(["key", '"CustomerID"', "ord", *(f'"{name}"' for name in FEATURES), "last_date"])


def _period_of_everyone(source: VersionSource, start: date, end: date, model: SegmentModel) -> Population:
    """Every customer active between two dates, re-scored from those transactions (score_period of everyone).

    The transactions are aggregated by customer row first, then joined once to the customer table for the
    CustomerID and the attributes: each customer's own age, gender, location and balance, the same on all of
    their rows in score_period, so features_sql's latest-row pick of them would return these very values.
    """
    transactions, params = period_transactions_sql(start, end, source.rows)
    last = source.scalar(f"SELECT max(date) FROM {transactions}", _bound(params))
    if last is None:
        raise DataError(f"no transaction between {start:%d/%m/%Y} and {end:%d/%m/%Y}: choose another period")
    features = features_sql(last, source=transactions, customer="customer_row", attributes=False)
    named = f"""SELECT f."CustomerID" AS key, c."CustomerID", c."CustomerID" AS ord, c.age, c.gender, c.location,
            c.balance, f.* EXCLUDE ("CustomerID", first_date)
        FROM ({features}) f JOIN {BASE_TABLE} c ON c.{ROW_COLUMN} = f."CustomerID" """
    recipe = assignment_sql(model, f"({named}) n", keep=_PERIOD_COLUMNS)
    digest = hashlib.sha256(repr((recipe, params)).encode()).hexdigest()[:20]
    return Population(PERIOD_PREFIX + digest, recipe, params)


def dataset_population(folder: Path, names: Sequence[str]) -> Population:
    """The customers of a scored dataset's version folder (verified by the caller), matched by CustomerID, their
    saved segment's rank among `names` (none for a segment outside them: counted as absent)."""
    cases = " ".join(f"WHEN {_sql_text(name)} THEN {rank}" for rank, name in enumerate(names))
    path = quote_path(Path(folder) / CUSTOMERS_FILE)
    return Population(
        f"""(SELECT "CustomerID" AS key, {ROW_COLUMN} AS ord, CASE segment::VARCHAR {cases} END AS segment_rank,
            * EXCLUDE ({ROW_COLUMN}) FROM read_parquet({path}, {ROW_COLUMN}=true))""",
        row="ord",
    )


def relation_columns(source: VersionSource, relation: str) -> list[str]:
    """The column names of a relation."""
    return source.query(f"SELECT * FROM {relation} x LIMIT 0").columns.tolist()


def _moves_sql(a: str, b: str, k: int, carry: Sequence[str] = (), cell: tuple[int, int] | None = None) -> str:
    """A WITH clause ending in `moves`: CustomerID, i (segment rank in A, k for new), j (in B, k for gone), the
    listing order (oa, ob) and each carried feature as a_<name> and b_<name>.

    With `cell` (i, j) the caller keeps only that cell's rows, so a side whose segment the cell names (i < k, or
    j < k) is narrowed to that segment before the join: a customer it drops can only come out as New (i = k) or
    Gone (j = k) instead of their real row, both rows the cell excludes, and the join reads a fraction of each side.
    """
    pa = "".join(f', "{c}" AS "a_{c}"' for c in carry)
    pb = "".join(f', "{c}" AS "b_{c}"' for c in carry)
    both = "".join(f', a."a_{c}", b."b_{c}"' for c in carry)
    known = "WHERE segment_rank IS NOT NULL"
    only_a = f" AND segment_rank = {int(cell[0])}" if cell and cell[0] < k else ""
    only_b = f" AND segment_rank = {int(cell[1])}" if cell and cell[1] < k else ""
    return f"""WITH a AS (SELECT key, "CustomerID", ord, segment_rank AS r{pa} FROM {a} x {known}{only_a}),
        b AS (SELECT key, "CustomerID", ord, segment_rank AS r{pb} FROM {b} y {known}{only_b}),
        moves AS (SELECT coalesce(a."CustomerID", b."CustomerID") AS "CustomerID", coalesce(a.r, {k}) AS i,
            coalesce(b.r, {k}) AS j, a.ord AS oa, b.ord AS ob{both} FROM a FULL OUTER JOIN b ON a.key = b.key)"""


def transition_matrix(source: VersionSource, a: Population, b: Population, names: Sequence[str]) -> pd.DataFrame:
    """Customers from each segment of A (or 'New') to each segment of B (or 'Gone'): movement.transition_matrix."""
    names = [str(n) for n in names]
    k = len(names)
    found = source.query(
        f"{_moves_sql(a.ready(source), b.ready(source), k)} SELECT i, j, count(*) AS n FROM moves GROUP BY i, j"
    )
    grid = np.zeros((k + 1, k + 1), dtype="int64")
    grid[found["i"].to_numpy(dtype="int64"), found["j"].to_numpy(dtype="int64")] = found["n"].to_numpy(dtype="int64")
    return pd.DataFrame(grid, index=pd.Index([*names, NEW], name="From"), columns=pd.Index([*names, GONE], name="To"))


def _state(state: str, names: Sequence[str], absent: str) -> int:
    """A matrix row or column label as its number (k for New or Gone)."""
    names = [str(n) for n in names]
    if state == absent:
        return len(names)
    if state not in names:
        raise DataError(f"'{state}' is not a segment of this model; choose one of: {', '.join(names)}")
    return names.index(state)


def cell_members(
    source: VersionSource,
    a: Population,
    b: Population,
    names: Sequence[str],
    from_state: str,
    to_state: str,
    features: Sequence[str],
    limit: int | None = None,
) -> pd.DataFrame:
    """The customers of one cell, in movement.segment_moves' order (A's, then B's): CustomerID, then a_<feature>
    and b_<feature> for each of `features` both populations have; at most `limit` rows when given."""
    ra, rb = a.ready(source), b.ready(source)
    carry = [f for f in features if f in set(relation_columns(source, ra)) & set(relation_columns(source, rb))]
    i, j = _state(from_state, names, NEW), _state(to_state, names, GONE)
    items = ", ".join(['"CustomerID"', *(f'"{side}_{c}"' for side in "ab" for c in carry)])
    cap = "" if limit is None else f" LIMIT {int(limit)}"
    moves = _moves_sql(ra, rb, len(names), carry, cell=(i, j))
    sql = f"{moves} SELECT {items} FROM moves WHERE i = ? AND j = ? ORDER BY oa NULLS LAST, ob{cap}"
    return source.query(sql, [i, j])


def write_cell_csv(
    source: VersionSource,
    a: Population,
    b: Population,
    names: Sequence[str],
    from_state: str,
    to_state: str,
    features: Sequence[str],
    labels: tuple[str, str],
    path: Path,
) -> int:
    """Write one cell's customers as CSV to `path` with movement.members_table's headers and rounding (the BOM,
    formula escaping and atomic write of every customer download); their count."""
    ra, rb = a.ready(source), b.ready(source)
    types = {}
    for relation in (ra, rb):
        described = source.query(f"DESCRIBE SELECT * FROM {relation} x")
        types.update(dict(zip(described["column_name"], described["column_type"], strict=True)))
    carry = [f for f in features if f in set(relation_columns(source, ra)) & set(relation_columns(source, rb))]
    i, j = _state(from_state, names, NEW), _state(to_state, names, GONE)
    select = [
        safe_text('"CustomerID"', _header_text(header("CustomerID"))),
        safe_text(_sql_text(from_state), _header_text(f"Segment ({labels[0]})")),
        safe_text(_sql_text(to_state), _header_text(f"Segment ({labels[1]})")),
    ]
    for side, label in zip("ab", labels, strict=True):
        for name in carry:
            title = _header_text(f"{header(name)} ({label})")
            decimals = kind_format(name).decimals
            if decimals is not None and types.get(name) == "DOUBLE":  # numpy's rounding, as members_table
                scale = 10**decimals
                select.append(f'round_even("{side}_{name}" * {scale}, 0) / {scale} AS "{title}"')
            else:
                select.append(f'"{side}_{name}" AS "{title}"')
    sql = (
        f"{_moves_sql(ra, rb, len(names), carry, cell=(i, j))} SELECT {', '.join(select)} FROM moves "
        f"WHERE i = {i} AND j = {j} "
        "ORDER BY oa NULLS LAST, ob"
    )
    return copy_csv(source, sql, (), path)
