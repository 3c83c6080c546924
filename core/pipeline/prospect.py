"""The prospect model: the likely segment of someone the bank knows little about, with calibrated chances.

It sees only PROSPECT_FEATURES (age, gender, location, time-of-day habits). The forest learns on 75% of the
training customers; its probabilities are then calibrated on the other 25% (at most 10,000; Platt scaling per segment,
CalibratedClassifierCV on the frozen forest), so "a 40% chance of High" means about 40 in 100 such prospects
are High. It is judged on the held-out customers the way a campaign would use it: log-loss against always
answering the segment shares (the prior), ROC AUC per segment (how well it ranks members above non-members)
and the lift of the top 10% (how many more members a list of the 10% most likely prospects holds than a
random list of the same size).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.calibration import CalibratedClassifierCV
from sklearn.frozen import FrozenEstimator
from sklearn.metrics import log_loss, roc_auc_score

from core.pipeline.classify import (
    ClassifierParams,
    ClassifierResult,
    build_classifier,
    compute_importances,
    evaluate_predictions,
    split_customers,
)

CALIBRATION_SHARE = 0.25  # of the training customers, kept aside to calibrate the probabilities
MAX_CALIBRATION_ROWS = 10_000  # plenty for 2 parameters per segment, and the fit stays well under a second
CALIBRATION_METHOD = "sigmoid"  # Platt scaling: on the real rows and the default it beat isotonic on log-loss
TOP_SHARE = 0.10  # the "top decile" whose lift is reported
GAINS_POINTS = 20  # points of the gains curve (every 5% of customers)
MIN_CALIBRATION_PER_SEGMENT = 5


def top_share_lift(is_member: np.ndarray, chance: np.ndarray, share: float = TOP_SHARE) -> float:
    """Members among the `share` most likely customers, divided by members among all (1 = no better than random)."""
    is_member = np.asarray(is_member, dtype=bool)
    if not is_member.any():
        return float("nan")
    top = np.argsort(-np.asarray(chance), kind="stable")[: max(1, int(np.ceil(share * len(is_member))))]
    return float(is_member[top].mean() / is_member.mean())


def gains_curve(is_member: np.ndarray, chance: np.ndarray, points: int = GAINS_POINTS) -> list[float]:
    """Share of all members found when contacting the 1/points, 2/points, ... most likely customers."""
    is_member = np.asarray(is_member, dtype=bool)
    if not is_member.any():
        return [float("nan")] * points
    found = np.cumsum(is_member[np.argsort(-np.asarray(chance), kind="stable")])
    cut = np.ceil(np.arange(1, points + 1) / points * len(is_member)).astype("int64") - 1
    return [float(v) for v in found[cut] / is_member.sum()]


def score_probabilities(y_true: np.ndarray, proba: np.ndarray, prior: np.ndarray, names: list[str]) -> dict:
    """Log-loss next to the prior's, and per segment: ROC AUC, top-decile lift, gains, mean chance vs share."""
    labels = list(range(len(names)))
    clipped = np.clip(proba, 1e-15, 1)
    out = {
        "log_loss": float(log_loss(y_true, clipped / clipped.sum(axis=1, keepdims=True), labels=labels)),
        "prior_log_loss": float(log_loss(y_true, np.tile(np.clip(prior, 1e-15, 1), (len(y_true), 1)), labels=labels)),
        "auc": {},
        "top_decile_lift": {},
        "gains": {},
        "mean_chance": {},
        "share": {},
    }
    for i, name in enumerate(names):
        member = y_true == i
        both = 0 < member.sum() < len(member)
        out["auc"][name] = float(roc_auc_score(member, proba[:, i])) if both else float("nan")
        out["top_decile_lift"][name] = top_share_lift(member, proba[:, i])
        out["gains"][name] = gains_curve(member, proba[:, i])
        out["mean_chance"][name] = float(proba[:, i].mean())
        out["share"][name] = float(member.mean())
    return out


def _calibration_split(train: np.ndarray, ranks: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray] | None:
    """(fit rows, calibration rows) of the training customers, stratified, or None when a segment is too small."""
    share = min(CALIBRATION_SHARE, MAX_CALIBRATION_ROWS / len(train))
    rng = np.random.default_rng(seed)
    held = [rng.permutation(train[ranks[train] == code]) for code in np.unique(ranks[train])]
    if any(round(share * len(rows)) < MIN_CALIBRATION_PER_SEGMENT for rows in held):
        return None
    calibrate = np.sort(np.concatenate([rows[: int(round(share * len(rows)))] for rows in held]))
    return np.setdiff1d(train, calibrate), calibrate


def fit_prospect(
    customers: pd.DataFrame,
    segments: pd.Categorical | pd.Series,
    features: tuple[str, ...],
    params: ClassifierParams | None = None,
) -> ClassifierResult:
    """Fit the forest, calibrate it on held-back training customers, and evaluate on the held-out test split.

    With too few customers per segment to hold any back, the forest's own probabilities are kept and
    `metrics["calibrated"]` is False.
    """
    params = params or ClassifierParams()
    segments = pd.Categorical(segments)
    names = [str(c) for c in segments.categories]
    ranks = np.asarray(segments.codes, dtype="int64")
    train, test = split_customers(ranks, params.seed)
    X = customers[list(features)]
    split = _calibration_split(train, ranks, params.seed)
    fit_rows, calibration_rows = split if split else (train, train[:0])
    forest = build_classifier(features, params).fit(X.iloc[fit_rows], ranks[fit_rows])
    model = forest
    if split:
        model = CalibratedClassifierCV(FrozenEstimator(forest), method=CALIBRATION_METHOD)
        model.fit(X.iloc[calibration_rows], ranks[calibration_rows])
    X_test, y_test = X.iloc[test], ranks[test]
    proba = np.zeros((len(test), len(names)))
    proba[:, np.asarray(model.classes_, dtype="int64")] = model.predict_proba(X_test)
    forest.named_steps["forest"].set_params(n_jobs=1)  # small batches from here on: no thread-pool start-up
    prior = np.bincount(ranks[train], minlength=len(names)) / len(train)
    metrics = evaluate_predictions(y_test, proba.argmax(axis=1), names)
    metrics.update(score_probabilities(y_test, proba, prior, names))
    metrics["calibrated"] = bool(split)
    metrics["calibration"] = (
        f"{CALIBRATION_METHOD} (Platt) on {len(calibration_rows):,} held-back training customers"
        if split
        else "none: too few customers per segment to hold any back"
    )
    # Importances of the forest before calibration (calibration rescales the chances per segment, it does
    # not change which inputs the forest reads).
    metrics["importances"] = compute_importances(forest, X_test, y_test, params.seed)
    metrics["n_train"] = int(len(fit_rows))
    metrics["n_calibration"] = int(len(calibration_rows))
    return ClassifierResult(model, tuple(features), metrics)
