"""RFM scores of the whole customer base, saved with the customers at training: the rule, in pandas and in SQL.

Scores are quintiles of the whole customer base (not of a filtered view), so a score means the same on every
page. Ties: customers with equal values always share a score, the one of the lowest position of their tie:

    score = 1 + floor(5 * (customers with a strictly worse value) / (customers with a value))

Recency is reversed (fewer days since the last transaction is better). `rfm_sql` is the same rule as one SQL
query (window functions) for the engines; training writes the scores into customers.parquet, so the app never
ranks the base itself. What the scores mean to a marketer (labels, notes, grids) is core.analysis.rfm.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# Input feature (see core.features) and whether a higher value is better, per RFM letter.
RFM_INPUTS: dict[str, tuple[str, bool]] = {
    "rfm_recency": ("recency_days", False),
    "rfm_frequency": ("n_transactions", True),
    "rfm_monetary": ("total_amount", True),
}
SCORE_COLUMNS: tuple[str, ...] = tuple(RFM_INPUTS)
SEGMENT_COLUMN = "rfm_segment"
RFM_COLUMNS: tuple[str, ...] = (*SCORE_COLUMNS, SEGMENT_COLUMN)
N_SCORES = 5

# The usual named segments, best first (the order of the sidebar filter and of the cross-tab's columns).
RFM_SEGMENTS: tuple[str, ...] = (
    "Champions",
    "Loyal",
    "Potential loyalists",
    "New",
    "Promising",
    "Need attention",
    "About to sleep",
    "At risk",
    "Can't lose",
    "Hibernating",
)


def _grid_name(r: int, f: int) -> str:
    """The named segment of one cell of the R x F grid (the widely used 10-segment map)."""
    if r <= 2:
        return "Hibernating" if f <= 2 else ("At risk" if f <= 4 else "Can't lose")
    if r == 3:
        return "About to sleep" if f <= 2 else ("Need attention" if f == 3 else "Loyal")
    if r == 4:
        return "Promising" if f == 1 else ("Potential loyalists" if f <= 3 else "Loyal")
    return "New" if f == 1 else ("Potential loyalists" if f <= 3 else "Champions")


RFM_GRID: dict[tuple[int, int], str] = {(r, f): _grid_name(r, f) for r in range(1, 6) for f in range(1, 6)}


def quintile_scores(values: pd.Series, higher_is_better: bool = True) -> pd.Series:
    """Scores 1-5: 1 + floor(5 x share of customers with a strictly worse value); ties share; missing stays missing."""
    numbers = pd.to_numeric(values, errors="coerce").astype("float64")
    worse = numbers.rank(method="min", ascending=higher_is_better) - 1  # customers strictly worse than this one
    known = int(numbers.notna().sum())
    scores = pd.Series(pd.NA, index=values.index, dtype="Int8")
    if known:
        have = worse.notna().to_numpy()
        scores[have] = (1 + (N_SCORES * worse[have].astype("int64")) // known).astype("int8").to_numpy()
    return scores


def rfm_segment(recency: pd.Series, frequency: pd.Series) -> pd.Series:
    """The named segment of each (R, F) pair, as a Categorical ordered best first; missing where a score is."""
    codes = np.full(len(recency), -1, dtype="int8")
    r = recency.to_numpy(dtype="float64", na_value=np.nan)
    f = frequency.to_numpy(dtype="float64", na_value=np.nan)
    ok = ~(np.isnan(r) | np.isnan(f))
    lookup = np.array([[RFM_SEGMENTS.index(RFM_GRID[(ri, fi)]) for fi in range(1, 6)] for ri in range(1, 6)])
    codes[ok] = lookup[r[ok].astype(int) - 1, f[ok].astype(int) - 1]
    dtype = pd.CategoricalDtype(list(RFM_SEGMENTS), ordered=True)
    return pd.Series(pd.Categorical.from_codes(codes, dtype=dtype), index=recency.index, name=SEGMENT_COLUMN)


def score_rfm(customers: pd.DataFrame) -> pd.DataFrame:
    """RFM scores and segment of every customer (same index as the input), from recency, frequency and spend."""
    missing = [feature for feature, _ in RFM_INPUTS.values() if feature not in customers]
    if missing:
        raise ValueError(f"RFM needs the customer columns {', '.join(map(repr, missing))}, which are missing")
    out = pd.DataFrame(index=customers.index)
    for column, (feature, higher_is_better) in RFM_INPUTS.items():
        out[column] = quintile_scores(customers[feature], higher_is_better)
    out[SEGMENT_COLUMN] = rfm_segment(out["rfm_recency"], out["rfm_frequency"])
    return out


def with_rfm(customers: pd.DataFrame) -> pd.DataFrame:
    """The customers with the RFM columns added (replaced when present); the input frame is not mutated."""
    scores = score_rfm(customers)
    return customers.drop(columns=[c for c in RFM_COLUMNS if c in customers]).assign(
        **{c: scores[c] for c in RFM_COLUMNS}
    )


def rfm_sql(table: str = "customers", key: str = "CustomerID", columns: str | None = None) -> str:
    """The same scores and segments as one SQL query over a customers table: the table's `columns` (default: its
    `key`; ``t.*`` for all of them), the three scores and the named segment, one row per customer.

    A score needs only "how many customers have a strictly worse value", so each input is counted per distinct
    value and those counts are summed in order over the small table of values, then joined back: no sort of the
    customers (three rank windows over 10M customers, even of a narrow projection, cost 5 s; whole rows, 29 s).
    """
    selected = columns or f"t.{key}"
    ctes, joins, scores = [], [], []
    for i, (column, (feature, higher_is_better)) in enumerate(RFM_INPUTS.items()):
        order = "ASC" if higher_is_better else "DESC"
        counted = f"SELECT {feature} AS v, COUNT(*) AS n FROM {table} WHERE {feature} IS NOT NULL GROUP BY {feature}"
        ctes.append(f"v{i} AS ({counted})")
        # customers with a strictly worse value: the counts of every value before this one in the order
        worse = f"COALESCE(SUM(n) OVER (ORDER BY v {order} ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)"
        score = f"CAST(1 + ({N_SCORES} * {worse}) // SUM(n) OVER () AS BIGINT)"
        ctes.append(f"s{i} AS (SELECT v, {score} AS score FROM v{i})")
        joins.append(f"LEFT JOIN s{i} ON t.{feature} = s{i}.v")
        scores.append(f"s{i}.score AS {column}")
    cases = " ".join(
        f"WHEN rfm_recency = {r} AND rfm_frequency = {f} THEN '{name.replace(chr(39), chr(39) * 2)}'"
        for (r, f), name in RFM_GRID.items()
    )
    return (
        f"WITH {', '.join(ctes)}, "
        f"scored AS (SELECT {selected}, {', '.join(scores)} FROM {table} t {' '.join(joins)}) "
        f"SELECT *, CASE {cases} END AS {SEGMENT_COLUMN} FROM scored"
    )
