"""Audiences sized by the engine: the rule language compiled to a WHERE clause (predicates.rule_predicate), counted.

`rule_size` answers the Audiences page's three numbers and the notes audience_rules.rule_mask gives (text values
no customer has); `combination_counts` counts the customers in each combination of up to five saved audiences
in one pass, from which overlap.overlap_matrix and overlap.intersections follow. No mask of all customers is
built: only counts leave the engine.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.analysis.audience_rules import DATE_FIELDS, TEXT_FIELDS, Condition, Group, RuleError, parse_rule
from core.analysis.filters import Filters
from core.analysis.overlap import MAX_SETS, MIN_SETS
from core.analysis.sql.predicates import filters_predicate, rule_predicate
from core.analysis.sql.source import RFM_TABLE, VersionSource


@dataclass(frozen=True)
class RuleSize:
    """How many customers a rule selects, of how many, how many of them match the sidebar filters; notes."""

    customers: int
    total: int
    in_view: int
    notes: tuple[str, ...] = ()

    @property
    def share(self) -> float:
        """The audience's share of all customers."""
        return self.customers / self.total if self.total else 0.0


def _conditions(node: Condition | Group) -> Iterator[Condition]:
    if isinstance(node, Condition):
        yield node
    else:
        for item in node.items:
            yield from _conditions(item)


def customer_columns(source: VersionSource) -> tuple[str, ...]:
    """The columns a rule can read in this dataset (the customers with their RFM scores)."""
    return tuple(source.query(f"SELECT * FROM {RFM_TABLE} LIMIT 0").columns)


def check_rule(source: VersionSource, rule: str) -> list[str]:
    """Parse a rule against this dataset: a RuleError as rule_mask raises, else its notes (values no one has)."""
    tree = parse_rule(rule)
    columns = set(customer_columns(source))
    conditions = list(_conditions(tree))
    for c in conditions:
        if c.field not in columns:
            raise RuleError(f"this dataset has no '{c.field}' column, so the rule cannot be applied to it")
    notes: list[str] = []
    for c in conditions:
        if c.field not in TEXT_FIELDS or c.op in ("missing", "not missing"):
            continue
        wanted = [str(v).lower() for v in c.values]
        present = set(
            source.query(
                f"SELECT DISTINCT lower({c.field}::VARCHAR) AS v FROM {RFM_TABLE} "
                f"WHERE list_contains(?::VARCHAR[], lower({c.field}::VARCHAR))",
                [wanted],
            )["v"]
        )
        notes += [
            f"no customer has {c.field} {v!r}" for v, low in zip(c.values, wanted, strict=True) if low not in present
        ]
    return list(dict.fromkeys(notes))


def rule_size(source: VersionSource, filters: Filters, rule: str) -> RuleSize:
    """The Audiences page's numbers for a rule being built (a RuleError when it can't be read or applied)."""
    notes = check_rule(source, rule)
    audience, view = rule_predicate(rule), filters_predicate(filters)
    both = audience & view
    found = source.query(
        f"SELECT count(*) FILTER (WHERE coalesce(({audience.sql}), false)) AS n, count(*) AS total FROM {both.table}",
        audience.params,
    ).iloc[0]
    in_view = source.scalar(f"SELECT count(*) FROM {both.table} WHERE {both.sql}", both.params)
    return RuleSize(int(found["n"]), int(found["total"]), int(in_view), tuple(notes))


def combination_counts(source: VersionSource, filters: Filters, rules: tuple[str, ...]) -> np.ndarray:
    """Customers per combination of the audiences: entry k counts those in exactly the audiences whose bits are set
    in k (audience i is bit i), as numpy.bincount of overlap.intersections' keys; 2**len(rules) entries."""
    if not MIN_SETS <= len(rules) <= MAX_SETS:
        raise ValueError(f"pick {MIN_SETS} to {MAX_SETS} audiences to compare (got {len(rules)})")
    predicates = [rule_predicate(r) for r in rules]
    view = filters_predicate(filters)
    table = RFM_TABLE if any(p.table == RFM_TABLE for p in predicates) or view.table == RFM_TABLE else view.table
    key = " + ".join(
        f"(CASE WHEN coalesce(({p.sql}), false) THEN {1 << i} ELSE 0 END)" for i, p in enumerate(predicates)
    )
    params = tuple(v for p in predicates for v in p.params)
    found = source.query(
        f"SELECT {key} AS k, count(*) AS n FROM {table} WHERE {view.sql} GROUP BY k", (*params, *view.params)
    )
    counts = np.zeros(1 << len(rules), dtype="int64")
    counts[found["k"].to_numpy(dtype="int64")] = found["n"].to_numpy(dtype="int64")
    return counts


def saved_sizes(source: VersionSource, rules: Sequence[str]) -> list[int | None]:
    """Each saved rule's audience size (None when the rule no longer applies to this dataset)."""
    sizes: list[int | None] = []
    for rule in rules:
        try:
            check_rule(source, rule)
        except ValueError:
            sizes.append(None)
            continue
        where = rule_predicate(rule)
        sizes.append(int(source.scalar(f"SELECT count(*) FROM {where.table} WHERE {where.sql}", where.params)))
    return sizes


def field_values(source: VersionSource, field: str, limit: int = 3_000) -> list[str]:
    """The condition builder's choices of a text field: its distinct values, sorted, at most `limit`."""
    if field not in TEXT_FIELDS:
        raise ValueError(f"'{field}' is not a text field")
    found = source.query(
        f"SELECT DISTINCT {field}::VARCHAR AS v FROM {RFM_TABLE} WHERE {field} IS NOT NULL ORDER BY v LIMIT ?",
        [int(limit)],
    )
    return found["v"].tolist()


def field_range(source: VersionSource, field: str) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """The first and last value of a date field (the condition builder's defaults)."""
    if field not in DATE_FIELDS:
        raise ValueError(f"'{field}' is not a date field")
    row = source.query(f"SELECT min({field}) AS lo, max({field}) AS hi FROM {RFM_TABLE}").iloc[0]
    return (None if pd.isna(row["lo"]) else pd.Timestamp(row["lo"])), (
        None if pd.isna(row["hi"]) else pd.Timestamp(row["hi"])
    )
