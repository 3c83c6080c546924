"""Which customers a query's medians and other quantiles read: every one of a group, or a fixed sample of it.

Medians and other quantiles are exact (`quantile_cont`, the same linear interpolation as pandas) over every customer
of a group (a view, or one segment of it) of up to EXACT_QUANTILE_ROWS customers. A larger group's quantiles are
the exact quantiles of a fixed sample of it: every k-th customer by a hash of its row, the same ones on every run.
On a dataset of more than SAMPLE_TABLE_ROWS customers the source keeps every K-th customer of the whole base in a
sample table (K = the dataset's size over SAMPLE_TABLE_ROWS, rounded up), and a group with at least
MIN_TABLE_SAMPLE customers there (K times that in all) takes k = K and is read from that table alone: about 2
million rows instead of the whole base (10M customers: Home's segment medians 0.55 -> 0.13 s). Any other large
group takes k = its size over EXACT_QUANTILE_ROWS, rounded up (1-2 million customers). Either way a sample holds
about 300,000 customers of its group or more (the hash varies it by a few hundred), so the rank of its median is
within about 0.2 percentage points of the true one (two standard errors, 2 x 0.5 / sqrt(300,000) = 0.18);
t-digest (`approx_quantile`) was slower here and less precise, and exact quantiles of 10M customers hold every
value in memory, which DuckDB cannot spill. `quantile_method` says which applies to a dataset, for captions.
`sample_condition` is the rule on its own (Segment movement's drift deciles draw the same sample).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import pandas as pd

from core.analysis.sql.predicates import Predicate
from core.analysis.sql.source import ROW_COLUMN, VersionSource

EXACT_QUANTILE_ROWS = 2_000_000  # a group up to this size: quantiles of every customer; above: of a fixed sample
SAMPLE_TABLE_ROWS = 2_000_000  # the source's sample table holds about this many customers (every K-th of the base)
MIN_TABLE_SAMPLE = 300_000  # a large group is sampled from that table when it has at least this many customers there
SAMPLE_KEY = f"hash({ROW_COLUMN})"  # a customer's fixed place in every sample (deterministic, unrelated to values)


@dataclass(frozen=True)
class QuantilePlan:
    """Which customers a query's quantiles read: every one of the group, or (`flag` set) a fixed sample of it.

    Queries read `relation(where)`: the selected customers with the sample flag computed once per row (a condition
    repeated in every aggregate's FILTER cost more than the quantiles it saved). A query whose every aggregate is a
    quantile reads `sample_only()`'s relation instead: the sampled customers alone, the flag in the WHERE. That is
    about twice as fast at scale (85M customers: quantiles behind FILTER (WHERE in_sample) in a grouped scan 9.6 s,
    counts and means in one query and the quantiles of the sample alone in another 2.5 + 5.1 s), so a query that
    needs both runs as two.
    """

    flag: str | None = None  # SQL condition on a customer's row: is it in the sample
    only_sampled: bool = False  # the relation keeps the sampled customers alone
    table: str | None = None  # a table of exactly the customers `flag` picks in the whole base: sampled ones read it

    def sample_only(self) -> QuantilePlan:
        """The plan for a query of quantiles alone: its relation holds the sampled customers and nobody else."""
        return replace(self, only_sampled=True)

    def relation(self, where: Predicate, table: str | None = None) -> str:
        """The selected customers (of `table`, by default the predicate's own) as a subquery, with `in_sample`."""
        if self.flag and self.only_sampled and self.table:  # the sample table: every row of it satisfies `flag`
            return f"(SELECT *, TRUE AS in_sample FROM {self.table} WHERE {where.sql}) selected"
        if self.flag and self.only_sampled:
            return (
                f"(SELECT *, TRUE AS in_sample FROM {table or where.table} WHERE ({where.sql}) AND ({self.flag})) "
                "selected"
            )
        flag = self.flag or "TRUE"
        return f"(SELECT *, {flag} AS in_sample FROM {table or where.table} WHERE {where.sql}) selected"

    def quantile(self, value: str, q: float = 0.5, when: str | None = None) -> str:
        """SQL for the q-quantile of `value` over the rows `when` selects (None: all), of the plan's customers."""
        conditions = [c for c in (when, "in_sample" if self.flag and not self.only_sampled else None) if c]
        where = f" FILTER (WHERE {' AND '.join(conditions)})" if conditions else ""
        return f"quantile_cont({value}, {q}){where}"


def table_step(total: int) -> int:
    """K: the sample table of a dataset of `total` customers holds every K-th of them (1: no table is needed)."""
    return max(1, -(-int(total) // SAMPLE_TABLE_ROWS))


def _sample_step(customers: int, total: int = 0) -> int:
    """Every how many-th customer a group of this size samples (1: all of them), in a dataset of `total`: K, the
    sample table's step, when the group has MIN_TABLE_SAMPLE customers there; else its size over the threshold."""
    if customers <= EXACT_QUANTILE_ROWS:
        return 1
    step = table_step(total)
    if step > 1 and customers >= MIN_TABLE_SAMPLE * step:
        return step
    return -(-int(customers) // EXACT_QUANTILE_ROWS)


def sample_condition(customers: int, row: str = ROW_COLUMN, total: int = 0) -> str | None:
    """SQL: is a customer in the fixed sample of a group of `customers` of a dataset of `total` (None: the group is
    small enough to read whole). `row` holds each customer's row in customers.parquet, the key the sample is
    drawn by."""
    step = _sample_step(customers, total)
    return None if step == 1 else f"hash({row}) % {step} = 0"


def prepare_sample_table(source: VersionSource) -> str | None:
    """Write the dataset's sample table now if it is large enough to have one (the server's warm-up calls this, so
    no visitor waits for it: one scan of every column, about 1.6 s at 10M customers); its name, or None."""
    step = table_step(source.rows)
    return source.sample_table(step) if step > 1 else None


def plan_quantiles(
    source: VersionSource, where: Predicate, by_segment: bool = False, size: int | None = None
) -> QuantilePlan:
    """The QuantilePlan for a query over the customers `where` selects, as one group or one group per segment.

    A dataset of up to EXACT_QUANTILE_ROWS customers needs no count: every group is small enough; a caller that has
    counted the group already passes its `size` (one group only), which saves a scan. When every group
    takes the sample table's step, the sampled customers are read from that table (VersionSource.sample_table) once
    it is written, and from the base until then: the same customers either way.
    """
    if source.rows <= EXACT_QUANTILE_ROWS:
        return QuantilePlan()
    total, fixed = source.rows, table_step(source.rows)
    if not by_segment:
        if size is None:
            size = source.scalar(f"SELECT count(*) FROM {where.table} WHERE {where.sql}", where.params)
        flag = sample_condition(size, total=total)
        table = source.sample_table(fixed, wait=False) if flag and _sample_step(size, total) == fixed else None
        return QuantilePlan(flag, table=table)
    sizes = source.query(
        f"SELECT segment::VARCHAR AS s, count(*) AS n FROM {where.table} WHERE {where.sql} GROUP BY s", where.params
    )
    steps = {
        s: _sample_step(n, total) for s, n in zip(sizes["s"], sizes["n"], strict=True) if s in source.segment_names
    }
    if all(step == 1 for step in steps.values()):
        return QuantilePlan()
    if set(steps.values()) == {fixed}:
        return QuantilePlan(f"{SAMPLE_KEY} % {fixed} = 0", table=source.sample_table(fixed, wait=False))
    # segment names come from the model, not from user text; quoted anyway
    cases = " ".join("WHEN '" + s.replace("'", "''") + f"' THEN {step}" for s, step in steps.items())
    # UBIGINT like the hash: a modulo of mixed types is computed in a wider type, six times slower
    return QuantilePlan(f"{SAMPLE_KEY} % CAST(CASE segment::VARCHAR {cases} ELSE 1 END AS UBIGINT) = 0")


def quantile_method(rows: int) -> str:
    """'exact' or 'sampled': how the medians of a dataset of `rows` customers can be computed (for captions)."""
    return "exact" if rows <= EXACT_QUANTILE_ROWS else "sampled"


def query_in_two(
    source: VersionSource,
    where: Predicate,
    plan: QuantilePlan,
    everyone: str,
    sampled: Callable[[QuantilePlan], str],
    tail: str,
    on: str,
) -> pd.DataFrame:
    """A grouped query with sampled quantiles as two (QuantilePlan): the `everyone` SELECT items (counts, means)
    over every selected customer, the items `sampled(plan)` gives (quantiles) over the sampled ones alone; both
    end with `tail` (WHERE ... GROUP BY ...) and are merged on `on`, the grouping column."""
    whole = source.query(f"SELECT {everyone} FROM {QuantilePlan().relation(where)} {tail}", where.params)
    only = plan.sample_only()
    spread = source.query(f"SELECT {sampled(only)} FROM {only.relation(where)} {tail}", where.params)
    return whole.merge(spread, on=on, how="left")
