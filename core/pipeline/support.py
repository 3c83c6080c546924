"""Can the data support the features? Warnings for inputs that train but whose features say little.

A file of the wrong kind renamed into the expected columns (one row per id, a single date, a constant column)
trains without error; these checks say what its features cannot mean, so nobody reads its segments as
customer behaviour. They never stop training.
"""

from __future__ import annotations

import pandas as pd

from core.pipeline.features import FEATURES

DAY_FEATURES = ("recency_days", "active_span_days", "weekend_share")
REPEAT_FEATURES = ("n_transactions", "active_span_days", "total_amount")


def data_warnings(clean: pd.DataFrame, customers: pd.DataFrame, unavailable: tuple[str, ...] = ()) -> list[str]:
    """Plain-English warnings about features the data cannot support (empty list when all is well)."""
    warnings = []
    dates = clean["date"].nunique()
    if dates == 1:
        warnings.append(
            f"Every transaction is on the same date ({clean['date'].iloc[0]:%d %b %Y}): days since the last "
            "transaction, active span and weekend share are the same for everyone and say nothing."
        )
    repeat = int((customers["n_transactions"] > 1).sum())
    if repeat == 0:
        warnings.append(
            "No customer has more than one transaction: total spend equals the average transaction, the active "
            "span is 0 for everyone, and the segments rest on one transaction per customer. Is this really a "
            "file of transactions, with one row per payment?"
        )
    skip = (
        set(unavailable)
        | (set(DAY_FEATURES) if dates == 1 else set())
        | (set(REPEAT_FEATURES) if repeat == 0 else set())
    )
    constant = [
        FEATURES[name].label for name in FEATURES if name not in skip and customers[name].nunique(dropna=True) == 1
    ]
    if constant:
        warnings.append(
            f"{', '.join(constant)} {'has' if len(constant) == 1 else 'have'} the same value for every customer, so "
            "cannot tell customers or segments apart."
        )
    return warnings
