"""RFM beside the budget segments: what the scores 1-5 and the named R x F segments tell a marketer.

The scores themselves (quintiles of the whole customer base, the tie rule, `rfm_sql`) are computed at training
and saved with the customers (core.pipeline.rfm). With distinct values each score holds a fifth of the customers;
with heavy ties (most customers of this data transact once) a score can hold far more than a fifth and some scores
never occur: `frequency_note` says so rather than hiding it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from core.pipeline.rfm import N_SCORES, RFM_GRID, RFM_INPUTS, RFM_SEGMENTS, SCORE_COLUMNS, SEGMENT_COLUMN

RFM_LABELS = {
    "rfm_recency": "RFM recency score",
    "rfm_frequency": "RFM frequency score",
    "rfm_monetary": "RFM monetary score",
    "rfm_segment": "RFM segment",
}
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


def rfm_grid_table(customers: pd.DataFrame) -> pd.DataFrame:
    """The R x F grid as text cells 'Champions: 1,234', so empty cells and the degenerate columns show."""
    return grid_table(rfm_grid(customers))


def grid_table(counts: pd.DataFrame) -> pd.DataFrame:
    """rfm_grid_table from the grid's counts (rfm_grid, or the same counted by the engine)."""
    names = grid_names()
    cells = [[f"{names.iat[i, j]}: {counts.iat[i, j]:,}" for j in range(5)] for i in range(5)]
    return pd.DataFrame(cells, index=counts.index, columns=counts.columns)
