"""One row of features per customer, and the feature catalogue the app uses for every label and tooltip."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.errors import DataError


@dataclass(frozen=True)
class Feature:
    """A customer feature as the app shows it: plain-English label, unit and description."""

    name: str
    label: str
    unit: str
    description: str
    kind: str  # "money", "count", "days", "hour", "share", "years" or "category"


FEATURES: dict[str, Feature] = {
    f.name: f
    for f in (
        Feature(
            "age",
            "Age",
            "years",
            "Age in whole years at the latest transaction; empty when the birth date is unknown or implausible.",
            "years",
        ),
        Feature("gender", "Gender", "", "Gender as recorded by the bank: M, F, other or unknown.", "category"),
        Feature("location", "Location", "", "City or town of the customer, upper-cased.", "category"),
        Feature(
            "balance",
            "Account balance",
            "INR",
            "Account balance recorded with the customer's latest transaction.",
            "money",
        ),
        Feature("n_transactions", "Transactions", "count", "Number of transactions in the data.", "count"),
        Feature("total_amount", "Total spend", "INR", "Sum of all transaction amounts.", "money"),
        Feature("mean_amount", "Average transaction", "INR", "Mean transaction amount.", "money"),
        Feature("max_amount", "Largest transaction", "INR", "Largest single transaction amount.", "money"),
        Feature(
            "recency_days",
            "Days since last transaction",
            "days",
            "Days from the customer's last transaction to the last date in the data.",
            "days",
        ),
        Feature(
            "active_span_days",
            "Active span",
            "days",
            "Days between the customer's first and last transaction (0 for one transaction).",
            "days",
        ),
        Feature(
            "mean_hour",
            "Typical hour",
            "hour of day",
            "Average hour of day of the customer's transactions (0-23).",
            "hour",
        ),
        Feature("night_share", "Night share", "share", "Share of transactions made between 22:00 and 05:59.", "share"),
        Feature(
            "weekend_share", "Weekend share", "share", "Share of transactions made on a Saturday or Sunday.", "share"
        ),
    )
}
NUMERIC_FEATURES: tuple[str, ...] = tuple(n for n, f in FEATURES.items() if f.kind != "category")
CATEGORICAL_FEATURES: tuple[str, ...] = tuple(n for n, f in FEATURES.items() if f.kind == "category")
MONEY_FEATURES: tuple[str, ...] = tuple(n for n, f in FEATURES.items() if f.kind == "money")

NIGHT_HOURS = frozenset({22, 23, 0, 1, 2, 3, 4, 5})


def feature_label(name: str) -> str:
    """The plain-English label of a feature, with its unit when it has one (e.g. 'Account balance (INR)')."""
    f = FEATURES.get(name)
    if f is None:
        return name
    return f"{f.label} ({f.unit})" if f.unit and f.unit not in ("count", "share") else f.label


def build_customer_features(clean: pd.DataFrame) -> pd.DataFrame:
    """Aggregate clean transactions into one row per customer (vectorised groupby, sorted by CustomerID)."""
    if clean.empty:
        raise DataError("there are no usable transactions left after cleaning, so no customer can be described")
    tx = clean.sort_values(["customer_id", "date"], kind="stable")
    end = tx["date"].max()
    hour = tx["hour"]
    work = pd.DataFrame(
        {
            "customer_id": tx["customer_id"].to_numpy(),
            "amount": tx["amount"].to_numpy(),
            "date": tx["date"].to_numpy(),
            "hour": hour.to_numpy(dtype="float64"),
            "night": np.where(hour.isna(), np.nan, hour.isin(NIGHT_HOURS).astype("float64")),
            "weekend": (tx["date"].dt.day_of_week >= 5).astype("float64").to_numpy(),
        }
    )
    g = work.groupby("customer_id", sort=True)
    agg = g.agg(
        n_transactions=("amount", "size"),
        total_amount=("amount", "sum"),
        mean_amount=("amount", "mean"),
        max_amount=("amount", "max"),
        first_date=("date", "min"),
        last_date=("date", "max"),
        mean_hour=("hour", "mean"),
        night_share=("night", "mean"),
        weekend_share=("weekend", "mean"),
    )
    # Attributes that can change over time come from the customer's latest transaction (rows are date-sorted).
    latest = tx.groupby("customer_id", sort=True)[["age", "gender", "location", "balance"]].last()
    out = latest.join(agg)
    out["recency_days"] = (end - out["last_date"]).dt.days.astype("int64")
    out["active_span_days"] = (out["last_date"] - out["first_date"]).dt.days.astype("int64")
    out["n_transactions"] = out["n_transactions"].astype("int64")
    out = out.reset_index().rename(columns={"customer_id": "CustomerID"})
    ordered = ["CustomerID", *FEATURES, "first_date", "last_date"]
    return out[ordered]
