"""The sidebar's Filters and saved audience rules as one parameterised SQL WHERE clause over `customers`.

Every user value travels as a bound parameter, never pasted into the SQL text; column names come only from the
fixed catalogue the rule parser accepts. The clause selects exactly the customers `filters.customer_mask` and
`audience_rules.rule_mask` select (tests compare them on generated and real data).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from core.analysis.audience_rules import DATE_FIELDS, TEXT_FIELDS, Condition, Group, parse_rule
from core.analysis.filters import Filters
from core.analysis.sql.source import BASE_TABLE, RFM_TABLE, ROW_COLUMN

UNKNOWN_AGE = "(age IS NULL OR isnan(age))"


@dataclass(frozen=True)
class Predicate:
    """A WHERE clause (without the keyword) and its parameters, in order."""

    sql: str
    params: tuple = ()
    table: str = BASE_TABLE  # the customers view to ask: the one with RFM scores only when the clause reads them

    def __and__(self, other: Predicate) -> Predicate:
        table = RFM_TABLE if RFM_TABLE in (self.table, other.table) else BASE_TABLE
        return Predicate(f"({self.sql}) AND ({other.sql})", self.params + other.params, table)


EVERYONE = Predicate("TRUE")


def _one_of(column: str, values: tuple[str, ...]) -> Predicate:
    """`column` is one of the values (one list parameter, however many values)."""
    return Predicate(f"list_contains(?::VARCHAR[], {column}::VARCHAR)", (list(values),))


def _dates(range_: tuple[date, date]) -> Predicate:
    """Customers with at least one transaction in the inclusive date range (a semi-join on the row link)."""
    start, end = range_[0], range_[1] + timedelta(days=1)  # the whole last day, whatever the time
    return Predicate(
        f"{ROW_COLUMN} IN (SELECT customer_row FROM transactions WHERE date >= ?::TIMESTAMP AND date < ?::TIMESTAMP)",
        (start.isoformat(), end.isoformat()),
    )


def filters_predicate(filters: Filters) -> Predicate:
    """The WHERE clause of a Filters value (TRUE when nothing is filtered)."""
    parts: list[Predicate] = []
    if filters.segments:
        parts.append(_one_of("segment", filters.segments))
    if filters.genders:
        parts.append(_one_of("gender", filters.genders))
    if filters.locations:
        parts.append(_one_of("location", filters.locations))
    if filters.age_range:
        lo, hi = filters.age_range
        unknown = f" OR {UNKNOWN_AGE}" if filters.unknown_age_included else ""
        parts.append(Predicate(f"(age >= ? AND age <= ?){unknown}", (float(lo), float(hi))))
    elif not filters.unknown_age_included:
        parts.append(Predicate(f"NOT {UNKNOWN_AGE}"))
    if filters.balance_range:
        parts.append(Predicate("balance >= ? AND balance <= ?", tuple(float(v) for v in filters.balance_range)))
    if filters.date_range:
        parts.append(_dates(filters.date_range))
    if filters.rfm_segments:
        parts.append(replace(_one_of("rfm_segment", filters.rfm_segments), table=RFM_TABLE))
    if filters.audience:
        parts.append(rule_predicate(filters.audience[1]))
    out = EVERYONE
    for part in parts:
        out = part if out is EVERYONE else out & part
    return out


def chosen_by_segment_alone(filters: Filters) -> bool:
    """Whether the view's customers are chosen by their segment alone, or not chosen at all."""
    return filters_predicate(replace(filters, segments=())) is EVERYONE


def transactions_predicate(filters: Filters, own_segments: bool) -> Predicate:
    """A WHERE clause over `transactions` selecting the transactions of the view's customers.

    With `own_segments` (the transactions carry their customer's segment) a view chosen by segment alone, or not
    chosen at all, is read from the transactions without touching the customers (at 8.5M customers the semi-join
    costs 0.3 s, the bare scan a few ms). Any other view is a semi-join on the row link. Both select exactly the
    same transactions: a transaction's segment is its customer's, and a row link of -1 belongs to no customer.
    """
    where = filters_predicate(filters)
    if own_segments and chosen_by_segment_alone(filters):
        return _one_of("segment", filters.segments) if filters.segments else Predicate("customer_row >= 0")
    return Predicate(f"customer_row IN (SELECT {ROW_COLUMN} FROM {where.table} WHERE {where.sql})", where.params)


# ---- audience rules ---------------------------------------------------------------------------------------

_COMPARE = {"=": "=", "!=": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">="}


def _known(column: str) -> str:
    """Not missing: NULL, and NaN for numbers, count as missing (as pandas' notna)."""
    if column in TEXT_FIELDS or column in DATE_FIELDS:
        return f"{column} IS NOT NULL"
    return f"({column} IS NOT NULL AND NOT isnan({column}))"


def _literal(column: str) -> str:
    """The placeholder of one literal, cast to the column's type."""
    return "?::TIMESTAMP" if column in DATE_FIELDS else "?::DOUBLE"


def _condition(c: Condition) -> Predicate:
    column, known = c.field, _known(c.field)
    if c.op == "missing":
        return Predicate(f"NOT {known}")
    if c.op == "not missing":
        return Predicate(known)
    if column in TEXT_FIELDS:  # equal ignoring case, as rule_mask does
        hit = f"list_contains(?::VARCHAR[], lower({column}::VARCHAR))"
        values = ([str(v).lower() for v in c.values],)
        return Predicate(hit if c.op in ("=", "in") else f"{known} AND NOT {hit}", values)
    values = tuple(str(v) if column in DATE_FIELDS else float(v) for v in c.values)
    if c.op == "between":
        low, high = sorted(values)
        return Predicate(f"{known} AND {column} >= {_literal(column)} AND {column} <= {_literal(column)}", (low, high))
    if c.op in ("in", "not in"):
        hit = f"{column} IN ({', '.join(_literal(column) for _ in values)})"
        return Predicate(f"{known} AND {'' if c.op == 'in' else 'NOT '}({hit})", values)
    return Predicate(f"{known} AND {column} {_COMPARE[c.op]} {_literal(column)}", values[:1])


def _node(node: Condition | Group) -> Predicate:
    if isinstance(node, Condition):
        return _condition(node)
    parts = [_node(item) for item in node.items]
    joiner = " AND " if node.kind == "and" else " OR "
    return Predicate(joiner.join(f"({p.sql})" for p in parts), tuple(v for p in parts for v in p.params))


def _fields(node: Condition | Group) -> set[str]:
    return {node.field} if isinstance(node, Condition) else {f for item in node.items for f in _fields(item)}


def rule_predicate(text: str) -> Predicate:
    """A saved audience's rule as a WHERE clause (a RuleError, as parse_rule raises, for a rule that can't be read)."""
    tree = parse_rule(text)
    reads_rfm = any(f.startswith("rfm_") for f in _fields(tree))
    return replace(_node(tree), table=RFM_TABLE if reads_rfm else BASE_TABLE)
