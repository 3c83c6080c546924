"""Segment movement: who moved between segments from one population (period or scored dataset) to another.

Customers are matched by CustomerID. A customer in both is *up* when their segment ranks higher in B (e.g. Low to
High), *down* when lower, *unchanged* when the same; a customer only in B is *new*, one only in A is *gone*.
The from → to matrix has one row per segment of A plus 'New' and one column per segment of B plus 'Gone'
(the 'New' → 'Gone' cell is always 0).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.pipeline.link import id_positions
from core.present.formats import header, kind_format

NEW = "New"  # the row of customers not in A
GONE = "Gone"  # the column of customers not in B
DIRECTIONS = ("up", "down", "unchanged", "new", "gone")
MOVEMENT_COLUMNS = ["CustomerID", "from", "to", "direction"]


@dataclass(frozen=True)
class MovementCounts:
    """How many customers moved up, down, stayed, arrived or left."""

    up: int
    down: int
    unchanged: int
    new: int
    gone: int

    @property
    def matched(self) -> int:
        """Customers present in both populations."""
        return self.up + self.down + self.unchanged


def _ranks(frame: pd.DataFrame, names: Sequence[str]) -> np.ndarray:
    """Each row's segment rank (position in `names`), -1 for a segment outside them (or none)."""
    rank = {str(name): i for i, name in enumerate(names)}
    seg = frame["segment"]
    if isinstance(seg.dtype, pd.CategoricalDtype):
        lookup = np.array([rank.get(str(c), -1) for c in seg.cat.categories] + [-1], dtype="int64")
        return lookup[seg.cat.codes.to_numpy()]  # code -1 (missing) picks the trailing -1
    return seg.astype("string").map(rank).fillna(-1).to_numpy(dtype="int64")


def segment_moves(a: pd.DataFrame, b: pd.DataFrame, names: Sequence[str]) -> pd.DataFrame:
    """One row per customer in A or B: CustomerID, segment in A ('New' if absent), in B ('Gone'), direction.

    Rows follow A's order, then the customers only in B. Customers without one of `names` count as absent.
    Matching uses pyarrow hash lookups (core.pipeline.link): about 0.3 s for 880,000 customers.
    """
    names = [str(n) for n in names]
    ra, rb = _ranks(a, names), _ranks(b, names)
    ids_a, ids_b = a["CustomerID"][ra >= 0], b["CustomerID"][rb >= 0]
    ra, rb = ra[ra >= 0], rb[rb >= 0]
    if ids_a.duplicated().any() or ids_b.duplicated().any():
        raise ValueError("each population must list a customer once")
    b_of_a = id_positions(ids_a, ids_b)  # where each customer of A is in B (-1: gone)
    only_b = id_positions(ids_b, ids_a) < 0
    fa = np.r_[ra, np.full(int(only_b.sum()), -1, dtype="int64")]
    fb = np.r_[np.where(b_of_a >= 0, rb[np.maximum(b_of_a, 0)], -1), rb[only_b]]
    in_a, in_b = fa >= 0, fb >= 0
    direction = np.select([~in_a, ~in_b, fb > fa, fb < fa], ["new", "gone", "up", "down"], default="unchanged")
    k = len(names)
    return pd.DataFrame(
        {
            "CustomerID": np.r_[ids_a.astype(str).to_numpy(), ids_b[only_b].astype(str).to_numpy()],
            "from": pd.Categorical.from_codes(np.where(in_a, fa, k), categories=[*names, NEW]),
            "to": pd.Categorical.from_codes(np.where(in_b, fb, k), categories=[*names, GONE]),
            "direction": pd.Categorical(direction, categories=list(DIRECTIONS)),
        }
    )


def movement_counts(moves: pd.DataFrame) -> MovementCounts:
    """Customers up, down, unchanged, new and gone."""
    counts = moves["direction"].value_counts()
    return MovementCounts(**{d: int(counts.get(d, 0)) for d in DIRECTIONS})


def transition_matrix(moves: pd.DataFrame) -> pd.DataFrame:
    """Counts of customers from each row state (segments of A, 'New') to each column state (segments of B, 'Gone')."""
    table = pd.crosstab(moves["from"], moves["to"], dropna=False)
    table = table.reindex(index=moves["from"].cat.categories, columns=moves["to"].cat.categories, fill_value=0)
    table.index.name, table.columns.name = "From", "To"
    return table.astype("int64")


def row_shares(matrix: pd.DataFrame) -> pd.DataFrame:
    """Each row of a transition matrix as shares of that row (NaN for an empty row)."""
    totals = matrix.sum(axis=1).replace(0, np.nan)
    return matrix.div(totals, axis=0)


def cell_direction(from_state: str, to_state: str, names: Sequence[str]) -> str:
    """The direction of a matrix cell: up, down, unchanged, new, gone (or '' for the impossible New → Gone)."""
    names = list(names)
    if from_state == NEW:
        return "" if to_state == GONE else "new"
    if to_state == GONE:
        return "gone"
    a, b = names.index(from_state), names.index(to_state)
    return "up" if b > a else ("down" if b < a else "unchanged")


def direction_grid(matrix: pd.DataFrame, names: Sequence[str]) -> pd.DataFrame:
    """The direction of every cell of a transition matrix, same shape."""
    return pd.DataFrame(
        [[cell_direction(str(r), str(c), names) for c in matrix.columns] for r in matrix.index],
        index=matrix.index,
        columns=matrix.columns,
    )


def largest_move(matrix: pd.DataFrame, names: Sequence[str]) -> tuple[str, str]:
    """The cell with the most customers that moved down (else up, else any non-empty cell): the page's default."""
    grid = direction_grid(matrix, names)
    for wanted in ("down", "up", "unchanged", "new", "gone"):
        cells = matrix.where(grid == wanted).stack()
        cells = cells[cells > 0]
        if not cells.empty:
            row, col = cells.idxmax()
            return str(row), str(col)
    return str(matrix.index[0]), str(matrix.columns[0])


def members_table(
    found: pd.DataFrame, from_state: str, to_state: str, features: Sequence[str], labels: tuple[str, str]
) -> pd.DataFrame:
    """A cell's customers with their segment and the given features in A and in B, side by side.

    `found` has CustomerID and, for each feature, `a_<feature>` and `b_<feature>` (the engine's cell_members;
    a feature neither population has is left out).
    """
    out = pd.DataFrame({header("CustomerID"): found["CustomerID"].astype(str).to_numpy()})
    out[f"Segment ({labels[0]})"] = str(from_state)
    out[f"Segment ({labels[1]})"] = str(to_state)
    for side, label in (("a", labels[0]), ("b", labels[1])):
        for name in features:
            if f"{side}_{name}" in found:
                values = found[f"{side}_{name}"].to_numpy()
                decimals = kind_format(name).decimals  # money to 2 decimals, as in every customer list
                out[f"{header(name)} ({label})"] = values.round(decimals) if decimals is not None else values
    return out


def counts_from_matrix(matrix: pd.DataFrame, names: Sequence[str]) -> MovementCounts:
    """Customers up, down, unchanged, new and gone, read off a transition matrix (each cell's direction)."""
    grid = direction_grid(matrix, names)
    return MovementCounts(**{d: int(matrix.where(grid == d).sum().sum()) for d in DIRECTIONS})


def matrix_long(matrix: pd.DataFrame, names: Sequence[str]) -> pd.DataFrame:
    """The matrix as one row per cell: from, to, direction, customers and share of the row (for a download)."""
    shares = row_shares(matrix)
    grid = direction_grid(matrix, names)
    rows = [
        {
            "From": str(r),
            "To": str(c),
            "Direction": grid.loc[r, c],
            "Customers": int(matrix.loc[r, c]),
            "Share of the row": float(shares.loc[r, c]) if pd.notna(shares.loc[r, c]) else np.nan,
        }
        for r in matrix.index
        for c in matrix.columns
        if grid.loc[r, c]
    ]
    return pd.DataFrame(rows, columns=["From", "To", "Direction", "Customers", "Share of the row"])
