"""Seeded fake customers in k segments and their transactions, for tests of the page-facing core modules."""

from __future__ import annotations

import numpy as np
import pandas as pd

NAMES = ("Low", "Medium", "High", "Top", "Elite", "Sixth", "Seventh", "Eighth")
END = pd.Timestamp("2016-10-21")


def make_data(n: int = 2_000, k: int = 3, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Seeded customers (higher segments richer, busier, older) and transactions consistent with them."""
    rng = np.random.default_rng(seed)
    seg = rng.choice(k, n, p=np.linspace(2, 1, k) / np.linspace(2, 1, k).sum())
    n_tx = 1 + rng.poisson(0.1 + 0.15 * seg)
    first = pd.Timestamp("2016-08-01") + pd.to_timedelta(rng.integers(0, 60, n), unit="D")
    last = first + pd.to_timedelta(np.where(n_tx > 1, rng.integers(1, 20, n), 0), unit="D")
    mean_amount = np.round(np.exp(rng.normal(6 + 0.8 * seg, 0.6)), 2)
    customers = pd.DataFrame(
        {
            "CustomerID": [f"C{i:06d}" for i in range(n)],
            "age": np.where(rng.random(n) < 0.05, np.nan, rng.integers(18, 70, n) + 3 * seg).astype("float64"),
            "gender": pd.array(rng.choice(["M", "F", "other", "unknown"], n, p=[0.7, 0.27, 0.01, 0.02]), dtype="str"),
            "location": pd.array(
                rng.choice(
                    ["MUMBAI", "NEW DELHI, SOUTH", "PUNE", "UNKNOWN", "100% TOWN"], n, p=[0.4, 0.25, 0.2, 0.1, 0.05]
                ),
                dtype="str",
            ),
            "balance": np.where(rng.random(n) < 0.03, np.nan, np.round(np.exp(rng.normal(9 + seg, 1.0)), 2)),
            "n_transactions": n_tx.astype("int64"),
            "total_amount": mean_amount * n_tx,
            "mean_amount": mean_amount,
            "max_amount": mean_amount * np.where(n_tx > 1, 1.5, 1.0),
            "recency_days": (END - last).days.to_numpy().astype("int64"),
            "active_span_days": (last - first).days.to_numpy().astype("int64"),
            "mean_hour": np.where(rng.random(n) < 0.02, np.nan, np.clip(rng.normal(10 + 2 * seg, 3), 0, 23)),
            "night_share": rng.random(n),
            "weekend_share": rng.random(n),
            "first_date": first,
            "last_date": last,
        }
    )
    customers["segment"] = pd.Categorical.from_codes(seg, categories=list(NAMES[:k]), ordered=True)
    owner = np.repeat(np.arange(n), n_tx)
    step = np.concatenate([np.linspace(0, 1, m) if m > 1 else [0.0] for m in n_tx])
    days = np.round(customers["active_span_days"].to_numpy()[owner] * step).astype(int)
    transactions = pd.DataFrame(
        {
            "customer_id": customers["CustomerID"].to_numpy()[owner],
            "date": first.to_numpy()[owner] + pd.to_timedelta(days, unit="D").to_numpy(),
            "hour": np.where(rng.random(len(owner)) < 0.02, np.nan, rng.integers(0, 24, len(owner))).astype("float64"),
            "amount": np.round(mean_amount[owner] * rng.uniform(0.5, 1.5, len(owner)), 2),
        }
    )
    return customers, transactions
