"""Why a customer is in their segment, in words whose strength follows the size of the difference.

Reasons come in two groups. First the segmentation features (balance and average transaction),
ranked by how much each one pulls the customer towards their own segment rather than the next closest:
K-Means assigns the nearest centre, and the squared-distance margin d²(next) - d²(own) splits exactly into
one term per feature. Then the other features, ranked by how far they are from the typical customer. Every
comparison is with the typical (median) customer of the whole base, the number shown beside it; two values
that read the same are never called different.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from core.config import TOP_REASONS
from core.pipeline.features import FEATURES, NUMERIC_FEATURES, feature_label
from core.pipeline.models import Models, to_comparable
from core.scoring.score import prepare_features

# Size words by kind of feature: (limit, word) pairs, the first limit the difference stays under wins.
RATIO_WORDS = ((1.1, "about the same as"), (1.5, "a little"), (3.0, ""), (math.inf, "much"))  # money and counts
POINT_WORDS = ((0.05, "about the same as"), (0.15, "a little"), (0.35, ""), (math.inf, "much"))  # shares
HOUR_WORDS = ((1.0, "about the same as"), (3.0, "a little"), (6.0, ""), (math.inf, "much"))  # hours
SD_WORDS = ((0.25, "about the same as"), (1.0, "a little"), (2.0, ""), (math.inf, "much"))  # days, years
SAME = "same as typical"
TYPICAL = "about typical"


def _display(name: str, value: float) -> float:
    """The value as it is shown (rupees and counts whole, shares in whole percent, hours to the minute)."""
    kind = FEATURES[name].kind
    if kind == "share":
        return round(value * 100)
    if kind == "hour":
        return round(value * 60)
    return round(value)


def compare_with_typical(name: str, value: float, typical: float, spread: float = float("nan")) -> tuple[str, float]:
    """How one value compares with the typical one: (words, size), e.g. ('much higher (4.5×)', 4.5).

    `size` orders reasons of one kind (0 when the values read the same). `spread` is the standard deviation
    that scales days and years. Money and counts compare as a multiple, shares in percentage points, hours
    in hours.
    """
    if not (math.isfinite(value) and math.isfinite(typical)):
        return "", 0.0
    if _display(name, value) == _display(name, typical):
        return SAME, 0.0
    kind = FEATURES[name].kind
    higher = value > typical
    if kind in ("money", "count"):
        low, high = sorted((max(value, 0.0), max(typical, 0.0)))
        size = high / low if low > 0 else math.inf
        scale, detail = RATIO_WORDS, (f"{size:.1f}×" if size < 10 else f"{size:.0f}×") if low > 0 else ""
        if not higher and low > 0:
            detail = f"{low / high:.0%} of typical" if high / low < 100 else f"1/{size:,.0f} of typical"
    elif kind == "share":
        size = abs(value - typical)
        scale, detail = POINT_WORDS, f"{'+' if higher else '−'}{size * 100:.0f} points"
    elif kind == "hour":
        size = abs(value - typical)
        scale, detail = HOUR_WORDS, f"{'+' if higher else '−'}{size:.1f} h"
    else:
        size = abs(value - typical) / spread if math.isfinite(spread) and spread > 0 else 0.0
        scale, detail = SD_WORDS, ""
    word = next(w for limit, w in scale if size < limit)
    if word == "about the same as":
        return TYPICAL, 0.0
    direction = ("later" if higher else "earlier") if kind == "hour" else ("higher" if higher else "lower")
    text = f"{word} {direction}".strip()
    return (f"{text} ({detail})" if detail else text), size


def segment_contributions(models: Models, frame: pd.DataFrame) -> pd.DataFrame:
    """Per customer and segmentation feature: its share of the margin between the own and the next closest centre.

    K-Means assigns the nearest centre, so the margin d²(next) - d²(own) says how firmly a customer is in their
    segment. On the budget score s = Σ_f w_f z_f (z: standardised log money) with centres o (own) and n (next),
    d²(next) - d²(own) = (o - n)(2s - o - n) = Σ_f (o - n)·w_f·(2 z_f - o - n), one term per feature; on models
    that cluster the standardised features directly it is Σ_f [(z_f - n_f)² - (z_f - o_f)²]. A positive term
    pulls the customer into their own segment. With a single segment every term is 0.
    """
    seg = models.segment
    features = list(seg.features)
    centres = seg.centres()
    if len(centres) < 2 or len(frame) == 0:
        return pd.DataFrame(0.0, index=frame.index, columns=features)
    X = prepare_features(models, frame)[features]
    steps = seg.pipeline.named_steps
    z = seg.pipeline[: list(steps).index("scale") + 1].transform(X)  # standardised log money, one column each
    distances = seg.distances(X)
    order = np.argsort(distances, axis=1, kind="stable")
    rows = np.arange(len(z))
    if "score" in steps:  # one budget score: centres are 1-D
        weights = np.asarray(steps["score"].weights_, dtype="float64")
        own, other = centres[order[:, 0], 0], centres[order[:, 1], 0]
        terms = (own - other)[:, None] * weights[None, :] * (2 * z - (own + other)[:, None])
    else:
        d2 = (z[:, None, :] - centres[None, :, :]) ** 2  # customers x segments x features
        terms = d2[rows, order[:, 1]] - d2[rows, order[:, 0]]
    return pd.DataFrame(terms, index=frame.index, columns=features)


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


def _reasons(models: Models, row: pd.Series, contribution: pd.Series, z: pd.Series) -> list[dict]:
    """Every numeric feature of one customer compared with the typical customer, segment drivers first."""
    stats = models.base_stats
    records = []
    for name in NUMERIC_FEATURES:
        value = float(pd.to_numeric(row.get(name), errors="coerce"))
        typical = float(stats.at[name, "median"])
        spread = float(stats.at[name, "std_t"]) if FEATURES[name].kind != "money" else float("nan")
        words, _ = compare_with_typical(name, value, typical, spread)
        if not words:
            continue  # unknown value
        pull = float(contribution.get(name, 0.0))
        label = FEATURES[name].label
        records.append(
            {
                "feature": name,
                "label": feature_label(name),
                "value": value,
                "base_median": typical,
                "z": float(z.get(name, np.nan)),
                "contribution": pull,
                "drives_segment": pull > 0,
                "difference": words,
                "reason": f"{label} is the same as for the typical customer"
                if words == SAME
                else f"{label} is about typical"
                if words == TYPICAL
                else f"{label} is {words.split(' (')[0]} than for the typical customer",
            }
        )
    drivers = sorted((r for r in records if r["drives_segment"]), key=lambda r: -r["contribution"])
    others = sorted(
        (r for r in records if not r["drives_segment"]),
        # segmentation features that pull the other way come next (by how hard), then the rest by their gap
        key=lambda r: (
            r["difference"] in (SAME, TYPICAL),
            r["feature"] not in models.segment.features,
            -abs(r["contribution"]),
            -abs(np.nan_to_num(r["z"])),
        ),
    )
    return drivers + others


COLUMNS = ["feature", "label", "value", "base_median", "z", "contribution", "drives_segment", "difference", "reason"]


def explain_customer(models: Models, row: pd.Series, top: int = TOP_REASONS) -> pd.DataFrame:
    """Why one customer is in their segment: the segment's driving features first, then what else stands out.

    Columns: feature, label, value, base_median (the typical customer), z, contribution (to the K-Means margin,
    segmentation features only), drives_segment, difference (words scaled to the gap), reason (a sentence).
    """
    frame = pd.DataFrame([row])
    contribution = segment_contributions(models, frame).iloc[0]
    records = _reasons(models, row, contribution, z_scores(models, frame).iloc[0])
    return pd.DataFrame(records[:top], columns=COLUMNS)


def describe_standouts(models: Models, frame: pd.DataFrame, top: int = 2) -> pd.Series:
    """Per customer, e.g. 'Average transaction much higher (4.5×); Total spend much higher (4.0×)'.

    The segment's driving features come first; features that read the same as (or about as) the typical
    customer are never listed. 'Close to typical' when nothing differs.
    """
    contributions = segment_contributions(models, frame)
    z = z_scores(models, frame)
    texts = []
    for i in range(len(frame)):
        reasons = _reasons(models, frame.iloc[i], contributions.iloc[i], z.iloc[i])
        parts = [
            f"{r['label'].split(' (')[0]} {r['difference']}" for r in reasons if r["difference"] not in (SAME, TYPICAL)
        ][:top]
        texts.append("; ".join(parts) or "Close to typical")
    return pd.Series(texts, index=frame.index, dtype="object")
