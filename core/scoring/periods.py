"""Re-scoring one period of a dataset with its fixed model: features recomputed on the period's transactions only,
then the saved segmenter (same centres, same names), never a refit.

The saved transactions keep each transaction's customer, date, hour and amount (and its `customer_row`). A customer's
age, gender, location and balance are the ones recorded with their latest transaction in the whole file (the
customer table), unless the transactions carry those columns themselves; so between two periods of one dataset,
spending and timing change, balances do not.

The Segment movement page does the same inside the engine (core.analysis.sql.movement.period_population, one
feature definition: engine.steps.features_sql); score_period is the in-memory definition its tests compare with.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from core.errors import DataError
from core.pipeline.features import build_customer_features
from core.pipeline.link import LINK_COLUMN, id_positions
from core.pipeline.models import Models

ATTRIBUTES = ("age", "gender", "location", "balance")  # taken from the customer table when transactions lack them
FIXED_MODEL_NOTE = (
    "Each period is scored with the dataset's saved model, never refitted: each customer's features are recomputed "
    "from that period's transactions alone, then the saved segmenter puts them in a segment with the same centres "
    "and names, so Low in one period means what Low means in the other. Balance, age, gender and location are the "
    "ones recorded with each customer's latest transaction in the whole file (the saved transactions keep no "
    "balance), so between two periods only spending and timing can move a customer."
)


def default_periods(first: date, last: date) -> tuple[tuple[date, date], tuple[date, date]]:
    """The first and second half of a date range (the first half gets the middle day when the count is odd)."""
    if last < first:
        first, last = last, first
    if first == last:
        return (first, last), (first, last)
    middle = first + timedelta(days=(last - first).days // 2)
    return (first, middle), (middle + timedelta(days=1), last)


def period_transactions(
    customers: pd.DataFrame, transactions: pd.DataFrame, start: date, end: date, rows: pd.Index | None = None
) -> pd.DataFrame:
    """Clean-form transactions between two dates (inclusive), with each customer's attributes; optionally only the
    customers at index labels `rows` of `customers`."""
    dates = transactions["date"]
    keep = ((dates >= pd.Timestamp(start)) & (dates < pd.Timestamp(end) + pd.Timedelta(days=1))).to_numpy()
    positions = (
        transactions[LINK_COLUMN].to_numpy()
        if LINK_COLUMN in transactions
        else id_positions(transactions["customer_id"], customers["CustomerID"])
    )
    if rows is not None:
        keep = keep & np.isin(positions, np.asarray(rows, dtype="int64"))
    tx = transactions.loc[keep, ["customer_id", "date", "hour", "amount"]].reset_index(drop=True)
    at = positions[keep]
    known = at >= 0
    for name in ATTRIBUTES:
        if name in transactions:
            tx[name] = transactions.loc[keep, name].to_numpy()
        else:
            values = customers[name].to_numpy()[np.where(known, at, 0)]
            tx[name] = pd.Series(values, dtype=customers[name].dtype).where(known)
    tx["hour"] = tx["hour"].astype("float64")
    return tx


def score_period(
    models: Models,
    customers: pd.DataFrame,
    transactions: pd.DataFrame,
    start: date,
    end: date,
    rows: pd.Index | None = None,
) -> pd.DataFrame:
    """One row per customer active between the two dates: features from those transactions, then the fixed model's
    segment."""
    tx = period_transactions(customers, transactions, start, end, rows)
    if tx.empty:
        raise DataError(f"no transaction between {start:%d/%m/%Y} and {end:%d/%m/%Y}: choose another period")
    features = build_customer_features(tx)
    return features.assign(segment=models.segment.assign(features))
