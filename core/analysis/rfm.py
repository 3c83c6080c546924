"""RFM beside the budget segments: recency, frequency and monetary scores 1-5 and the named R x F segments.

Scores are quintiles of the whole customer base (not of a filtered view), so a score means the same on every
page. Ties: customers with equal values always share a score, the one of the lowest position of their tie:

    score = 1 + floor(5 * (customers with a strictly worse value) / (customers with a value))

Recency is reversed (fewer days since the last transaction is better). With distinct values each score holds a
fifth of the customers; with heavy ties (most customers of this data transact once) a score can hold far more than
a fifth and some scores never occur: `frequency_note` says so rather than hiding it. `rfm_sql` is the same rule as
one SQL query (window functions), for an engine that holds the customers table.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

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
RFM_LABELS = {
    "rfm_recency": "RFM recency score",
    "rfm_frequency": "RFM frequency score",
    "rfm_monetary": "RFM monetary score",
    "rfm_segment": "RFM segment",
}
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
RFM_MEANINGS = {
    "Champions": "bought recently, often and the most",
    "Loyal": "buy often; recent enough",
    "Potential loyalists": "recent customers with a few transactions",
    "New": "bought very recently, once",
    "Promising": "recent, but only once",
    "Need attention": "middling recency and frequency",
    "About to sleep": "middling recency, rarely",
    "At risk": "used to buy fairly often, not lately",
    "Can't lose": "bought the most often, long ago",
    "Hibernating": "long ago and rarely",
}


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


def rfm_grid(customers: pd.DataFrame) -> pd.DataFrame:
    """Customers per cell of the R x F grid: rows R = 5 (recent) down to 1, columns F = 1 to 5; zeros included."""
    r = customers["rfm_recency"].astype("float64")
    f = customers["rfm_frequency"].astype("float64")
    counts = pd.crosstab(r, f).reindex(index=[5.0, 4.0, 3.0, 2.0, 1.0], columns=[1.0, 2.0, 3.0, 4.0, 5.0], fill_value=0)
    counts.index = pd.Index([f"R{int(i)}" for i in counts.index], name="Recency score")
    counts.columns = pd.Index([f"F{int(i)}" for i in counts.columns], name="Frequency score")
    return counts.astype("int64")


def grid_names() -> pd.DataFrame:
    """The named segment of each cell of the R x F grid, laid out like `rfm_grid`."""
    return pd.DataFrame(
        [[RFM_GRID[(r, f)] for f in range(1, 6)] for r in range(5, 0, -1)],
        index=pd.Index([f"R{r}" for r in range(5, 0, -1)], name="Recency score"),
        columns=pd.Index([f"F{f}" for f in range(1, 6)], name="Frequency score"),
    )


@dataclass(frozen=True)
class ScoreSpread:
    """How one RFM score is spread over the customers: which scores occur, and the largest tie."""

    column: str
    used: tuple[int, ...]  # scores that occur
    top_share: float  # share of the customers with the most common value of the input
    top_value: float  # that value


def score_spread(customers: pd.DataFrame, column: str) -> ScoreSpread:
    """Which scores of one RFM letter occur in the data, and how big its largest tie is."""
    feature, _ = RFM_INPUTS[column]
    values = customers[feature].dropna()
    counts = values.value_counts()
    used = tuple(int(s) for s in sorted(customers[column].dropna().unique()))
    top_share = float(counts.iloc[0] / len(values)) if len(values) else 0.0
    top_value = float(counts.index[0]) if len(values) else float("nan")
    return ScoreSpread(column, used, top_share, top_value)


def impossible_segments(customers: pd.DataFrame | Mapping[str, ScoreSpread]) -> list[str]:
    """Named segments that no combination of the R and F scores that occur can reach (from the customers, or
    from each letter's ScoreSpread)."""
    spreads = customers if isinstance(customers, Mapping) else None
    rs = (spreads["rfm_recency"] if spreads else score_spread(customers, "rfm_recency")).used
    fs = (spreads["rfm_frequency"] if spreads else score_spread(customers, "rfm_frequency")).used
    reachable = {RFM_GRID[(r, f)] for r in rs for f in fs}
    return [s for s in RFM_SEGMENTS if s not in reachable]


def _scores_text(used: tuple[int, ...]) -> str:
    """'1 and 5', '1, 3 and 5'."""
    words = [str(s) for s in used]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def frequency_note(customers: pd.DataFrame | Mapping[str, ScoreSpread]) -> str | None:
    """Plain words on a degenerate score (fewer than five scores occur), or None when every score occurs.

    Pass the whole customer base (the scores are quintiles of it), or each letter's ScoreSpread of it.
    """
    spreads = customers if isinstance(customers, Mapping) else {c: score_spread(customers, c) for c in SCORE_COLUMNS}
    notes = []
    for column in SCORE_COLUMNS:
        spread = spreads[column]
        if len(spread.used) >= N_SCORES or not spread.used:
            continue
        feature, _ = RFM_INPUTS[column]
        letter = RFM_LABELS[column].split()[1]
        value = f"{spread.top_value:,.0f}"
        what = {
            "n_transactions": f"have exactly {value} transaction{'s' if value != '1' else ''}",
            "recency_days": f"last transacted {value} days before the end of the data",
            "total_amount": f"spent exactly ₹{value}",
        }[feature]
        notes.append(
            f"{spread.top_share:.1%} of customers {what}, and tied customers share a score, so the {letter} "
            f"score takes only the values {_scores_text(spread.used)} instead of one quintile each."
        )
    if not notes:
        return None
    lost = impossible_segments(spreads)
    if lost:
        notes.append(
            f"No customer can fall in {', '.join(lost[:-1]) + ' or ' if len(lost) > 1 else ''}{lost[-1]}: "
            "those segments need scores that do not occur here."
        )
    return " ".join(notes)


def rfm_crosstab(customers: pd.DataFrame, segment_column: str = "segment") -> pd.DataFrame:
    """Customers per budget segment (rows, in order) x RFM segment (columns, best first), with totals."""
    budget = customers[segment_column]
    rfm = customers[SEGMENT_COLUMN]
    table = pd.crosstab(budget, rfm, dropna=False, margins=True, margins_name="All")
    rows = [*map(str, budget.cat.categories), "All"] if isinstance(budget.dtype, pd.CategoricalDtype) else None
    table.index = table.index.astype(str)
    table.columns = table.columns.astype(str)
    table = table.reindex(index=rows or list(table.index), columns=[*RFM_SEGMENTS, "All"], fill_value=0)
    table.index.name = "Budget segment"
    table.columns.name = "RFM segment"
    return table.astype("int64")


def rfm_sql(table: str = "customers") -> str:
    """The same scores and segments as one SQL query over a customers table (DuckDB dialect: `//` divides whole)."""
    parts = []
    for column, (feature, higher_is_better) in RFM_INPUTS.items():
        order = "ASC" if higher_is_better else "DESC"
        parts.append(
            f"CASE WHEN {feature} IS NULL THEN NULL ELSE 1 + ({N_SCORES} * (rank() OVER "
            f"(ORDER BY {feature} {order} NULLS LAST) - 1)) // count({feature}) OVER () END AS {column}"
        )
    cases = " ".join(
        f"WHEN rfm_recency = {r} AND rfm_frequency = {f} THEN '{name.replace(chr(39), chr(39) * 2)}'"
        for (r, f), name in RFM_GRID.items()
    )
    return (
        f"WITH scored AS (SELECT CustomerID, {', '.join(parts)} FROM {table}) "
        f"SELECT *, CASE {cases} END AS {SEGMENT_COLUMN} FROM scored"
    )


def rfm_grid_table(customers: pd.DataFrame) -> pd.DataFrame:
    """The R x F grid as text cells 'Champions: 1,234', so empty cells and the degenerate columns show."""
    return grid_table(rfm_grid(customers))


def grid_table(counts: pd.DataFrame) -> pd.DataFrame:
    """rfm_grid_table from the grid's counts (rfm_grid, or the same counted by the engine)."""
    names = grid_names()
    cells = [[f"{names.iat[i, j]}: {counts.iat[i, j]:,}" for j in range(5)] for i in range(5)]
    return pd.DataFrame(cells, index=counts.index, columns=counts.columns)
