"""Picking customers out of a view: those selected on a chart (by CustomerID) or those of one segment.

Selections are identified by CustomerID, never by point position: a chart shows a sample whose order
has nothing to do with the rows of the view, so positions would pick the wrong customers.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from core.analysis.segments import segment_codes
from core.errors import DataError
from core.pipeline.link import ids_in
from core.present.formats import format_count, format_share


def customers_by_id(customers: pd.DataFrame, ids: Sequence[str]) -> pd.DataFrame:
    """The full rows of the customers whose CustomerID is in `ids`, in the view's order (unknown ids ignored)."""
    if len(ids) == 0:
        return customers.iloc[0:0]
    return customers[ids_in(customers["CustomerID"], list(ids))]


def customers_in_segment(customers: pd.DataFrame, segment: str) -> pd.DataFrame:
    """The customers of one segment; raises DataError for a segment name the data doesn't have."""
    codes, names = segment_codes(customers)
    if str(segment) not in names:
        raise DataError(f"there is no segment '{segment}'; the segments are {', '.join(names)}")
    return customers[codes == names.index(str(segment))]


def describe_selection(selected: pd.DataFrame) -> str:
    """'1,234 customers selected: Low 800 (65%), High 434 (35%).' — segments in order, empty ones left out."""
    codes, names = segment_codes(selected)
    counts = np.bincount(codes[codes >= 0], minlength=len(names))
    return describe_counts(pd.Series(counts, index=names), len(selected))


def describe_counts(counts: pd.Series, n: int) -> str:
    """describe_selection from customers per segment (index: every segment name, in order) and their total."""
    if n == 0:
        return "No customer selected."
    parts = [f"{name} {format_count(c)} ({format_share(c / n)})" for name, c in counts.items() if c]
    noun = "customer" if n == 1 else "customers"
    return f"{format_count(n)} {noun} selected: " + ", ".join(parts) + "."
