"""Joins of a (filtered) view of customers and the transactions, through the `customer_row` link when it fits."""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.pipeline.link import LINK_COLUMN, id_positions, ids_in

SPOT_CHECKS = 64


def _spot_check(customers: pd.DataFrame, transactions: pd.DataFrame, pos: np.ndarray) -> bool:
    """True when a few linked transactions really belong to the customers they point at."""
    linked = np.flatnonzero(pos >= 0)
    if len(linked) == 0:
        return True
    probe = linked[np.linspace(0, len(linked) - 1, min(SPOT_CHECKS, len(linked))).astype(np.int64)]
    tx_ids = transactions["customer_id"].iloc[probe].astype(str).to_numpy()
    cust_ids = customers["CustomerID"].iloc[pos[probe]].astype(str).to_numpy()
    return bool((tx_ids == cust_ids).all())


def linked_positions(customers: pd.DataFrame, transactions: pd.DataFrame) -> np.ndarray | None:
    """Through the `customer_row` link: each transaction's row position in `customers` (-1 if not in it).

    None when the transactions are not linked, or the link does not fit this customers frame (e.g. its
    index was reset after filtering); callers then fall back to joining by id.
    """
    if LINK_COLUMN not in transactions or not pd.api.types.is_integer_dtype(customers.index.dtype):
        return None
    labels = customers.index.to_numpy()
    rows = transactions[LINK_COLUMN].to_numpy().astype(np.int64)
    if len(labels) and labels.min() < 0:
        return None
    size = max(int(labels.max(initial=-1)), int(rows.max(initial=-1))) + 1
    lookup = np.full(size, -1, dtype=np.int64)
    lookup[labels] = np.arange(len(labels))
    pos = np.where(rows >= 0, lookup[np.maximum(rows, 0)], -1) if size else np.full(len(rows), -1)
    return pos if _spot_check(customers, transactions, pos) else None


def transaction_positions(customers: pd.DataFrame, transactions: pd.DataFrame) -> np.ndarray:
    """Each transaction's row position in `customers` (-1 when its customer is not there): link or id join."""
    pos = linked_positions(customers, transactions)
    return pos if pos is not None else id_positions(transactions["customer_id"], customers["CustomerID"])


def select_transactions(transactions: pd.DataFrame, customers: pd.DataFrame) -> pd.DataFrame:
    """The transactions of the given (filtered) customers: join on customer_id == CustomerID."""
    if len(transactions) == 0:
        return transactions
    pos = linked_positions(customers, transactions)
    keep = pos >= 0 if pos is not None else ids_in(transactions["customer_id"], customers["CustomerID"])
    return transactions[keep]
