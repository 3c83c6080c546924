"""The smallest change of one feature that moves a customer to the next segment up, found by a refined grid search."""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.config import MAX_RAISE, SEARCH_POINTS, SEARCH_ROUNDS
from core.pipeline.features import feature_label
from core.pipeline.models import Models
from core.scoring.score import prepare_features


def _with_values(X: pd.DataFrame, feature: str, values: np.ndarray) -> pd.DataFrame:
    """Copies of the one-row X with `feature` set to each value (average transaction keeps total spend coherent)."""
    trial = X.iloc[np.zeros(len(values), dtype=int)].reset_index(drop=True)
    trial[feature] = values
    if feature == "mean_amount":  # one more transaction of that size also raises the total: keep them coherent
        spent = trial["mean_amount"] * trial["n_transactions"].fillna(1)
        trial["total_amount"] = np.maximum(trial["total_amount"], spent)
    return trial


def suggest_next_segment(models: Models, row: pd.Series) -> dict | None:
    """The smallest single raise of one segmentation money feature that moves a customer up a segment.

    Searches each money feature on a log scale up to MAX_RAISE times its value, all features at once in
    batched grid rounds (a few K-Means predictions in total rather than one per step), and returns the
    feature needing the smallest relative increase: feature, label, from, to, factor, target (the segment
    reached), start_known (False when the customer had no usable value and the search started from the
    median), total_from/total_to (total spend before and after, when raising the average transaction raises
    it too, else None). None when
    the customer is in the top segment or no raise within MAX_RAISE would do it.
    """
    X = prepare_features(models, pd.DataFrame([row]))
    current = int(models.segment.assign_ranks(X)[0])
    names = models.segment_names
    if current >= len(names) - 1:
        return None
    features = list(models.segment.features)
    starts, known = {}, {}
    for feature in features:
        start = X[feature].iloc[0]
        known[feature] = bool(pd.notna(start) and start > 0)
        starts[feature] = float(start) if known[feature] else float(models.base_stats.at[feature, "median"])
    lo = dict.fromkeys(features, 0.0)
    hi = dict.fromkeys(features, float(np.log(MAX_RAISE)))
    reached = {}
    for _ in range(SEARCH_ROUNDS):
        grids = {f: lo[f] + (hi[f] - lo[f]) * np.arange(1, SEARCH_POINTS + 1) / SEARCH_POINTS for f in hi}
        trials = pd.concat([_with_values(X, f, starts[f] * np.exp(grids[f])) for f in hi], ignore_index=True)
        ranks = models.segment.assign_ranks(trials).reshape(len(hi), SEARCH_POINTS)
        for f, feature_ranks in zip(list(hi), ranks, strict=True):
            above = np.flatnonzero(feature_ranks > current)
            if not len(above):  # never moves within the range searched (only possible in the first round)
                del lo[f], hi[f]
                continue
            first = above[0]
            lo[f], hi[f] = (grids[f][first - 1] if first else lo[f]), grids[f][first]
            reached[f] = int(feature_ranks[first])
        if not hi:
            return None
    best = min(hi, key=lambda f: (hi[f], features.index(f)))
    factor = float(np.exp(hi[best]))
    to = starts[best] * factor
    move = {
        "feature": best,
        "label": feature_label(best),
        "from": starts[best],
        "to": to,
        "factor": factor,
        "target": names[reached[best]],
        "start_known": known[best],
        "total_from": None,
        "total_to": None,
    }
    total_to = float(_with_values(X, best, np.array([to]))["total_amount"].iloc[0])
    total_from = float(X["total_amount"].iloc[0])
    if best == "mean_amount" and not (total_to <= total_from + 0.5):  # NaN (unknown total) counts as a change
        move.update(total_from=total_from, total_to=total_to)
    return move
