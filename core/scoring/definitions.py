"""What each segment is, in money: the thresholds behind it, what it is based on and what it is not.

K-Means puts a customer in the segment with the nearest centre, in the space of log money (balance, average
transaction, total spend, each clipped and standardised). Between two neighbouring segments the boundary is
the plane half-way between their centres. Starting from the lower segment's typical customer (its centre)
and raising one feature alone, the customer crosses that plane at a money value: that value is the threshold
quoted ("High: typically a balance above ₹X or an average transaction above ₹Y"). Features that cannot move
the customer alone within the range the segmentation distinguishes get no threshold.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.preprocessing import StandardScaler

from core.pipeline.features import FEATURES
from core.pipeline.models import Models
from core.present.formats import format_inr_short

SEGMENTS_EXPLAINED = (
    "Segments are based on three numbers per customer: the latest account balance, the average transaction and the "
    "total spend, compared as multiples (log scale), each customer going to the nearest segment centre. They are not "
    "a credit score, not a forecast of future value, and not about age, gender or place, which are only described "
    "afterwards."
)


@dataclass(frozen=True)
class SegmentDefinition:
    """One segment in words: its name, the entry thresholds from the segment below, and its typical customer."""

    segment: str
    thresholds: dict[str, float]  # feature -> money value above which a customer of the segment below moves up
    typical: dict[str, float]  # the segment centre in money
    below: str | None  # the segment the thresholds are measured from


def segment_definitions(models: Models) -> list[SegmentDefinition]:
    """Each segment's entry thresholds (one feature at a time, from the typical customer of the segment below)."""
    seg = models.segment
    centres = seg.centres()  # standardised log money, segment order
    scaler: StandardScaler = seg.pipeline.named_steps["scale"]
    bounds = seg.pipeline.named_steps["log"]
    money = seg.centres_in_money()
    out = []
    for s, name in enumerate(seg.names):
        thresholds: dict[str, float] = {}
        if s > 0:
            start, target = centres[s - 1], centres[s]
            d = start - target
            for j, feature in enumerate(seg.features):
                if d[j] >= 0:
                    continue  # the higher segment is not higher on this feature
                t = -(d @ d) / (2 * d[j])
                z = start.copy()
                z[j] += t
                distances = ((centres - z) ** 2).sum(axis=1)
                if distances.argmin() not in (s - 1, s) and not np.isclose(distances[s], distances.min()):
                    continue  # the line reaches a third segment first
                logged = z[j] * scaler.scale_[j] + scaler.mean_[j]
                if logged > bounds.upper_[j]:
                    continue  # beyond the clip: this feature alone never moves the customer
                thresholds[feature] = float(np.expm1(logged))
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
    """The segment's rule in money, e.g. 'From Medium's typical customer, an average transaction above ₹3,158
    or a total spend above ₹3,752 moves a customer here; balance alone cannot.' plus its typical customer."""
    typical = ", ".join(f"{FEATURES[f].label.lower()} {format_inr_short(v)}" for f, v in definition.typical.items())
    if definition.below is None:
        if next_up is not None and next_up.thresholds:
            rule = f"customers who reach none of {next_up.segment}'s entry points ({_either(next_up)})"
        else:
            rule = "the lowest budgets"
    elif definition.thresholds:
        rule = f"from {definition.below}'s typical customer, {_either(definition)} moves a customer here"
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
