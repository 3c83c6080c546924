"""One row of features per customer, and the feature catalogue the app uses for every label and tooltip."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from core.errors import DataError
from core.pipeline.rfm import RFM_SEGMENTS
from core.pipeline.rfm import SCORE_COLUMNS as RFM_SCORES
from core.pipeline.rfm import SEGMENT_COLUMN as RFM_SEGMENT


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
CUSTOMER_COLUMNS: tuple[str, ...] = ("CustomerID", *FEATURES, "first_date", "last_date")


def feature_label(name: str) -> str:
    """The plain-English label of a feature, with its unit when it has one (e.g. 'Account balance (INR)')."""
    f = FEATURES.get(name)
    if f is None:
        return name
    return f"{f.label} ({f.unit})" if f.unit and f.unit not in ("count", "share") else f.label


def typed_customers(frame: pd.DataFrame, segment_names: tuple[str, ...] = ()) -> pd.DataFrame:
    """A customer table read from an engine or from Parquet, in the dtypes of the contract (text as 'string',
    dates as datetime64[ns], ``segment`` as the ordered segment names); changes ``frame`` in place."""
    for name in ("CustomerID", "gender", "location"):
        if name in frame:
            frame[name] = frame[name].astype("string")
    for name in ("first_date", "last_date"):
        if name in frame:
            frame[name] = frame[name].astype("datetime64[ns]")
    if "segment" in frame and segment_names and not isinstance(frame["segment"].dtype, pd.CategoricalDtype):
        frame["segment"] = pd.Categorical(frame["segment"], categories=list(segment_names), ordered=True)
    if RFM_SEGMENT in frame:  # saved with the customers: the same dtypes as core.pipeline.rfm.score_rfm gives
        frame[RFM_SEGMENT] = pd.Categorical(
            frame[RFM_SEGMENT].astype("object"), categories=list(RFM_SEGMENTS), ordered=True
        )
        for name in RFM_SCORES:
            frame[name] = frame[name].astype("Int8")
    return frame


def typed_transactions(frame: pd.DataFrame) -> pd.DataFrame:
    """Slim transactions read from an engine or from Parquet in the contract's dtypes; changes ``frame``."""
    for column in ("customer_id", "segment"):  # segment: the customer's, carried since linked_transactions_sql
        if column in frame:
            frame[column] = frame[column].astype("string")
    if "date" in frame:
        frame["date"] = frame["date"].astype("datetime64[ns]")
    return frame


def customers_frame(engine, table: str = "customers") -> pd.DataFrame:
    """An engine's per-customer table as a pandas frame, sorted by CustomerID, in the catalogue's column order."""
    dates = ("first_date", "last_date")
    items = ", ".join(f"CAST({c} AS TIMESTAMP) AS {c}" if c in dates else f'"{c}"' for c in CUSTOMER_COLUMNS)
    return typed_customers(engine.arrow(f'SELECT {items} FROM {table} ORDER BY "CustomerID"').to_pandas())


def describe_customers(engine) -> pd.DataFrame:
    """Aggregate the engine's ``clean_tx`` into its ``customers`` table and fetch it as a pandas frame."""
    from core.pipeline.engine.steps import features_in_engine

    features_in_engine(engine)
    return customers_frame(engine)


def linked_transactions_sql(order_by: str = "t.row_no", customers: str = "customers", segment: bool = False) -> str:
    """The slim clean transactions with ``customer_row``: their customer's row in ``customers`` (or another
    table of the same customers) sorted by CustomerID (the row in customers.parquet), so the app joins filtered
    views without matching IDs again. With ``segment`` (``customers`` has one), each also carries its customer's
    segment: the app's hour-of-day and activity answers for a whole segment then read the transactions alone
    (at 8.5M customers a join 0.42-0.75 s, the column 0.04 s).

    Every clean transaction has its customer (the customers are aggregated from them), so the join loses none.
    """
    inner, outer = (", segment", ", c.segment") if segment else ("", "")
    return (
        "SELECT t.customer_id, CAST(t.date AS TIMESTAMP) AS date, t.hour, t.amount, "
        f"CAST(c.customer_row AS INTEGER) AS customer_row{outer} FROM clean_tx t JOIN "
        f'(SELECT "CustomerID", ROW_NUMBER() OVER (ORDER BY "CustomerID") - 1 AS customer_row{inner} '
        f'FROM {customers}) c ON t.customer_id = c."CustomerID" ORDER BY {order_by}'
    )


def linked_transactions(engine) -> pd.DataFrame:
    """The linked transactions (linked_transactions_sql) in input order, as a pandas frame."""
    return typed_transactions(engine.arrow(linked_transactions_sql()).to_pandas())


def date_summary(engine) -> pd.DataFrame:
    """The first and last transaction dates (one row when they are the same day), column ``date``."""
    frame = engine.arrow(
        "SELECT DISTINCT CAST(d AS TIMESTAMP) AS date FROM "
        "(SELECT MIN(date) AS d FROM clean_tx UNION ALL SELECT MAX(date) AS d FROM clean_tx) m ORDER BY date"
    ).to_pandas()
    frame["date"] = frame["date"].astype("datetime64[ns]")
    return frame


def build_customer_features(clean: pd.DataFrame) -> pd.DataFrame:
    """Aggregate clean transactions into one row per customer, sorted by CustomerID (ties: later rows win)."""
    from core.pipeline.engine.duck import DuckDBEngine
    from core.pipeline.engine.steps import features_in_engine

    if clean.empty:
        raise DataError("there are no usable transactions left after cleaning, so no customer can be described")
    table = pa.Table.from_pandas(clean.reset_index(drop=True), preserve_index=False)
    table = table.append_column("row_no", pa.array(np.arange(len(clean), dtype=np.int64)))
    with DuckDBEngine() as engine:
        engine.register("clean_input", table)
        engine.table("clean_tx", "SELECT * REPLACE (CAST(date AS DATE) AS date) FROM clean_input")
        features_in_engine(engine)
        return customers_frame(engine)
