"""Why a customer is where they are: standardised differences from the typical customer, the top reasons, standouts."""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.config import TOP_REASONS
from core.pipeline.features import FEATURES, NUMERIC_FEATURES, feature_label
from core.pipeline.models import Models, to_comparable


def z_scores(models: Models, frame: pd.DataFrame) -> pd.DataFrame:
    """How far each customer is from the average customer on each numeric feature, in standard deviations.

    Money is compared on a log scale (as the segmentation does), so one millionaire does not make everyone
    else look alike. Missing values give NaN.
    """
    stats = models.base_stats
    out = pd.DataFrame(index=frame.index)
    for name in NUMERIC_FEATURES:
        values = pd.to_numeric(frame[name], errors="coerce") if name in frame else pd.Series(np.nan, frame.index)
        std = stats.at[name, "std_t"]
        usable = pd.notna(std) and np.isfinite(std) and std > 0
        comparable = to_comparable(name, values.to_numpy(dtype="float64"))
        out[name] = (comparable - stats.at[name, "mean_t"]) / std if usable else np.nan
    return out


def difference_word(z: float) -> str:
    """A plain reading of a z-score: 'much higher', 'higher', 'a little higher', 'about typical' (or lower)."""
    size = abs(z)
    if size < 0.5:
        return "about typical"
    direction = "higher" if z > 0 else "lower"
    return f"much {direction}" if size >= 2 else direction if size >= 1 else f"a little {direction}"


def explain_customer(models: Models, row: pd.Series, top: int = TOP_REASONS) -> pd.DataFrame:
    """The features that most set one customer apart from the whole base (z-scores, money on log scale).

    Columns: feature, label, value, base_median, z, difference (in words), reason (a sentence).
    """
    z = z_scores(models, pd.DataFrame([row])).iloc[0].dropna()
    records = []
    for name, score in z.items():
        word = difference_word(score)
        reason = (
            f"{FEATURES[name].label} is about typical"
            if word == "about typical"
            else f"{FEATURES[name].label} is {word} than for the typical customer"
        )
        records.append(
            {
                "feature": name,
                "label": feature_label(name),
                "value": float(pd.to_numeric(row.get(name), errors="coerce")),
                "base_median": float(models.base_stats.at[name, "median"]),
                "z": float(score),
                "difference": word,
                "reason": reason,
            }
        )
    columns = ["feature", "label", "value", "base_median", "z", "difference", "reason"]
    table = pd.DataFrame(records, columns=columns)
    return (
        table.reindex(table["z"].abs().sort_values(ascending=False, kind="stable").index)
        .head(top)
        .reset_index(drop=True)
    )


def describe_standouts(models: Models, frame: pd.DataFrame, top: int = 2, min_z: float = 1.0) -> pd.Series:
    """Per customer, the (at most `top`) features furthest from typical, e.g. 'Account balance much higher'.

    Only differences of at least `min_z` standard deviations count; 'Close to typical' when none does.
    """
    z = z_scores(models, frame)
    values = z.to_numpy(dtype="float64")
    size = np.where(np.isfinite(values), np.abs(values), -1.0)
    order = np.argsort(-size, axis=1, kind="stable")[:, :top]
    names = list(z.columns)
    texts = []
    for i in range(len(z)):
        parts = [f"{FEATURES[names[j]].label} {difference_word(values[i, j])}" for j in order[i] if size[i, j] >= min_z]
        texts.append("; ".join(parts) or "Close to typical")
    return pd.Series(texts, index=frame.index, dtype="object")
