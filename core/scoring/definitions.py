"""What each segment is, in money: the thresholds behind it, what it is based on and what it is not.

K-Means puts a customer in the segment whose centre is nearest on the budget score (balance and average
transaction, log-scaled, clipped and standardised, half each). Starting from the lower segment's typical customer
and raising one feature alone, K-Means moves the customer up at a money value: that value is the threshold quoted
("High: from Medium's typical customer, a balance above ₹X or an average transaction above ₹Y"). Features that
cannot move the customer alone within the range the segmentation distinguishes get no threshold.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.pipeline.features import FEATURES
from core.pipeline.models import Models
from core.present.formats import format_inr_short

SEGMENTS_EXPLAINED = (
    "Segments are based on two numbers per customer: the latest account balance and the average transaction, "
    "compared as multiples (log scale) and counted half each in one budget score; each customer goes to the "
    "nearest segment centre on that score. They are not a credit score, not a forecast of future value, and not "
    "about age, gender or place, which are only described afterwards."
)


@dataclass(frozen=True)
class SegmentDefinition:
    """One segment in words: its name, the entry thresholds from the segment below, and its typical customer."""

    segment: str
    thresholds: dict[str, float]  # feature -> money value above which a customer of the segment below moves up
    typical: dict[str, float]  # the segment centre in money
    below: str | None  # the segment the thresholds are measured from


def _entry_point(models: Models, start: dict[str, float], feature: str, target: int, top: float) -> float | None:
    """The money value of `feature` (others as in `start`) at which K-Means first gives rank `target`, or None
    when no value up to `top` does (a grid on the log scale, refined once: about 0.1% precise)."""
    lo, hi = np.log1p(max(start[feature], 0.0)), np.log1p(top)
    for _ in range(3):
        grid = np.linspace(lo, hi, 200)
        trial = pd.DataFrame({**{f: np.full(len(grid), v) for f, v in start.items()}, feature: np.expm1(grid)})
        reached = np.flatnonzero(models.segment.assign_ranks(trial) >= target)
        if not len(reached):
            return None
        first = reached[0]
        if first == 0:
            return float(np.expm1(grid[0]))
        lo, hi = grid[first - 1], grid[first]
    return float(np.expm1(hi))


def segment_definitions(models: Models) -> list[SegmentDefinition]:
    """Each segment's entry thresholds: raising one feature alone from the typical customer of the segment below,
    the money value at which K-Means itself moves that customer up (none when the clip is reached first)."""
    seg = models.segment
    money = seg.centres_in_money()
    upper = {f: float(np.expm1(u)) for f, u in zip(seg.features, seg.pipeline.named_steps["log"].upper_, strict=True)}
    out = []
    for s, name in enumerate(seg.names):
        thresholds: dict[str, float] = {}
        if s > 0:
            start = {f: float(money.at[seg.names[s - 1], f]) for f in seg.features}
            for feature in seg.features:
                value = _entry_point(models, start, feature, s, upper[feature] * 1.001)
                if value is not None and value > start[feature]:
                    thresholds[feature] = value
        out.append(
            SegmentDefinition(
                name,
                thresholds,
                {f: float(money.at[name, f]) for f in seg.features},
                seg.names[s - 1] if s > 0 else None,
            )
        )
    return out


def describe_definition(definition: SegmentDefinition, next_up: SegmentDefinition | None) -> str:
    """The segment's rule in money, e.g. 'From Medium's typical customer, an account balance above ₹1.0 lakh or an
    average transaction above ₹1,688 alone moves a customer here (smaller rises in both add up).' plus its typical
    customer (the segment centre in money)."""
    typical = ", ".join(f"{FEATURES[f].label.lower()} {format_inr_short(v)}" for f, v in definition.typical.items())
    if definition.below is None:
        if next_up is not None and next_up.thresholds:
            rule = (
                f"the lowest budgets: balance and average transaction together stay below {next_up.segment}'s "
                f"entry points ({_either(next_up)}, from this segment's typical customer)"
            )
        else:
            rule = "the lowest budgets"
    elif definition.thresholds:
        rule = f"from {definition.below}'s typical customer, {_either(definition)} alone moves a customer here"
        if len(definition.thresholds) > 1:
            rule += " (smaller rises in both add up)"
        alone = [FEATURES[f].label.lower() for f in definition.typical if f not in definition.thresholds]
        if alone:
            rule += f"; {' or '.join(alone)} alone cannot"
    else:
        rule = "set by balance and spending together, with no single threshold"
    return f"{rule[0].upper()}{rule[1:]}. Typical customer: {typical}."


def _either(definition: SegmentDefinition) -> str:
    """'an average transaction above ₹3,158 or a total spend above ₹3,752'."""
    parts = []
    for feature, value in definition.thresholds.items():
        label = FEATURES[feature].label.lower()
        article = "an" if label[0] in "aeiou" else "a"
        parts.append(f"{article} {label} above {format_inr_short(value)}")
    return " or ".join(parts)


def definition_texts(models: Models) -> dict[str, str]:
    """Segment name -> its definition sentence (describe_definition), for every segment of the model."""
    definitions = segment_definitions(models)
    return {
        d.segment: describe_definition(d, definitions[i + 1] if i + 1 < len(definitions) else None)
        for i, d in enumerate(definitions)
    }
