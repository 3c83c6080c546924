"""Scoring customers with the fitted models: segment, probabilities, distances, explanations, what-if moves."""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.errors import DataError
from core.features import FEATURES, NUMERIC_FEATURES, build_customer_features, feature_label
from core.models import Models, to_comparable

TOP_REASONS = 3


def prepare_features(models: Models, frame: pd.DataFrame) -> pd.DataFrame:
    """Customer rows with every model feature present (absent ones missing), numbers as floats."""
    out = pd.DataFrame(index=frame.index)
    for name in FEATURES:
        if name in frame:
            out[name] = frame[name]
        else:
            out[name] = "unknown" if name == "gender" else "UNKNOWN" if name == "location" else np.nan
    for name in NUMERIC_FEATURES:
        out[name] = pd.to_numeric(out[name], errors="coerce").astype("float64")
    return out


def score_customers(models: Models, frame: pd.DataFrame) -> pd.DataFrame:
    """Segment (exact K-Means), classifier probabilities and distance to each segment centre, per row."""
    X = prepare_features(models, frame)
    names = list(models.segment_names)
    ranks = models.segment.assign_ranks(X)
    out = pd.DataFrame(index=frame.index)
    out["segment"] = pd.Categorical.from_codes(ranks, categories=names, ordered=True)
    proba = class_probabilities(models.full, X[list(models.full_features)], len(names))
    for i, name in enumerate(names):
        out[f"p_{name}"] = proba[:, i]
    dist = models.segment.distances(X)
    for i, name in enumerate(names):
        out[f"distance_{name}"] = dist[:, i]
    return out


def predict_prospect(models: Models, frame: pd.DataFrame) -> pd.DataFrame:
    """Prospect-model probabilities per segment, from demographic and timing fields only."""
    X = prepare_features(models, frame)[list(models.prospect_features)]
    names = list(models.segment_names)
    proba = class_probabilities(models.prospect, X, len(names))
    out = pd.DataFrame({f"p_{n}": proba[:, i] for i, n in enumerate(names)}, index=frame.index)
    out.insert(
        0,
        "predicted_segment",
        pd.Categorical([names[i] for i in np.argmax(out.to_numpy(), axis=1)], categories=names, ordered=True),
    )
    return out


def class_probabilities(pipeline, X: pd.DataFrame, k: int) -> np.ndarray:
    """Probabilities for every segment rank 0..k-1 (a rank absent from training gets 0)."""
    proba = pipeline.predict_proba(X)
    out = np.zeros((len(X), k))
    out[:, np.asarray(pipeline.classes_, dtype="int64")] = proba
    return out


def explain_customer(models: Models, row: pd.Series, top: int = TOP_REASONS) -> pd.DataFrame:
    """The features that most set one customer apart from the whole base (z-scores, money on log scale)."""
    stats = models.base_stats
    records = []
    for name in NUMERIC_FEATURES:
        value = pd.to_numeric(pd.Series([row.get(name)]), errors="coerce").iloc[0]
        std = stats.at[name, "std_t"]
        if pd.isna(value) or not std or not np.isfinite(std):
            continue
        z = (to_comparable(name, [value])[0] - stats.at[name, "mean_t"]) / std
        direction = "higher" if z > 0 else "lower"
        records.append(
            {
                "feature": name,
                "label": feature_label(name),
                "value": float(value),
                "base_median": float(stats.at[name, "median"]),
                "z": float(z),
                "reason": f"{FEATURES[name].label} is {direction} than most customers",
            }
        )
    table = pd.DataFrame(records, columns=["feature", "label", "value", "base_median", "z", "reason"])
    return table.reindex(table["z"].abs().sort_values(ascending=False).index).head(top).reset_index(drop=True)


def suggest_next_segment(models: Models, row: pd.Series) -> dict | None:
    """The smallest single change to one money feature that moves a customer to the next segment up.

    Searches each segmentation money feature on a log scale (bisection) and returns the one needing the
    smallest relative increase; None when the customer is already in the top segment or no raise within
    1,000x the current value would do it.
    """
    X = prepare_features(models, pd.DataFrame([row]))
    current = int(models.segment.assign_ranks(X)[0])
    names = models.segment_names
    if current >= len(names) - 1:
        return None
    best = None
    for feature in models.segment.features:
        start = X[feature].iloc[0]
        base = float(start) if pd.notna(start) and start > 0 else float(models.base_stats.at[feature, "median"])
        factor = minimal_raise(models, X, feature, base, current)
        if factor is not None and (best is None or factor < best["factor"]):
            best = {
                "feature": feature,
                "label": feature_label(feature),
                "from": base,
                "to": base * factor,
                "factor": factor,
                "target": names[current + 1],
            }
    return best


def minimal_raise(models: Models, X: pd.DataFrame, feature: str, base: float, current: int) -> float | None:
    """Smallest multiplier of `feature` (up to 1000x) that moves the customer above `current`, by bisection."""

    def rank_at(factor: float) -> int:
        trial = X.copy()
        trial[feature] = base * factor
        if feature == "mean_amount":  # one more transaction of that size also raises the total: keep them coherent
            trial["total_amount"] = np.maximum(
                trial["total_amount"], trial["mean_amount"] * trial["n_transactions"].fillna(1)
            )
        return int(models.segment.assign_ranks(trial)[0])

    lo, hi = 0.0, np.log(1000.0)
    if rank_at(np.exp(hi)) <= current:
        return None
    for _ in range(25):
        mid = (lo + hi) / 2
        if rank_at(np.exp(mid)) > current:
            hi = mid
        else:
            lo = mid
    return float(np.exp(hi))


def lookup_customers(customers: pd.DataFrame, ids: list[str]) -> tuple[pd.DataFrame, list[str]]:
    """Rows for the requested customer IDs (order kept, duplicates removed) and the IDs that are unknown."""
    wanted = list(dict.fromkeys(i.strip().upper() for i in ids if i and i.strip()))
    index = pd.Index(customers["CustomerID"].astype(str).str.upper())
    positions = index.get_indexer(wanted)
    found = customers.iloc[positions[positions >= 0]]
    unknown = [w for w, p in zip(wanted, positions, strict=True) if p < 0]
    return found, unknown


def parse_id_list(text: str) -> list[str]:
    """Customer IDs pasted as text: separated by commas, semicolons, spaces, tabs or new lines."""
    return [
        t
        for t in pd.Series(
            text.replace(";", ",").replace("\t", ",").replace("\n", ",").replace(" ", ",").split(",")
        ).str.strip()
        if t
    ]


def score_feature_table(models: Models, frame: pd.DataFrame) -> pd.DataFrame:
    """Score a table of customer features (a batch upload) and put the results beside the input columns."""
    usable = [c for c in models.segment.features if c in frame]
    if not usable:
        wanted = ", ".join(models.segment.features)
        raise DataError(
            f"the table has none of the columns needed to score customers ({wanted}), "
            "nor the transaction columns (CustomerID, TransactionDate, TransactionAmount (INR))"
        )
    scored = score_customers(models, frame)
    return pd.concat([frame.reset_index(drop=True), scored.reset_index(drop=True)], axis=1)


def score_upload(models: Models, source, name: str | None = None) -> pd.DataFrame:
    """Score an uploaded file: transactions (aggregated to customers first) or a table of customer features."""
    from core.clean import clean_transactions
    from core.load import load_transactions, read_table

    table = read_table(source, name=name)
    lowered = {str(c).strip().lower() for c in table.columns}
    if {"customerid", "transactiondate"} <= lowered:
        clean, _ = clean_transactions(load_transactions(source, name=name))
        customers = build_customer_features(clean)
        return pd.concat(
            [customers.reset_index(drop=True), score_customers(models, customers).reset_index(drop=True)], axis=1
        )
    return score_feature_table(models, table)
