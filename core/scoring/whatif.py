"""The what-if form: one input per feature with sensible bounds and the median customer as defaults.

A page renders `what_if_fields(models)` as widgets, turns the answers into a one-row frame with
`what_if_row`, and scores it with core.scoring.score. Everything here is plain data so it is easy to test.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.analysis.explore import GENDER_ORDER
from core.config import MAX_AGE, MIN_AGE
from core.pipeline.features import FEATURES, feature_label
from core.pipeline.models import Models
from core.present.formats import GENDER_LABELS, format_inr

UNKNOWN_LOCATION = "UNKNOWN"


@dataclass(frozen=True)
class InputField:
    """One form input: a number with bounds and step, or a choice among options."""

    name: str
    label: str
    help: str
    default: float | int | str | None
    min_value: float | int | None = None
    max_value: float | int | None = None
    step: float | int | None = None
    options: tuple[str, ...] = ()
    option_labels: tuple[tuple[str, str], ...] = ()  # (option, label shown) pairs

    @property
    def is_choice(self) -> bool:
        """True for a select box (gender, location), False for a number."""
        return bool(self.options)

    @property
    def is_integer(self) -> bool:
        """True when the number is whole (counts, days, years)."""
        return isinstance(self.step, int)


def nice_ceiling(value: float) -> float:
    """The next round number at or above value: 1, 2 or 5 times a power of ten (at least 1)."""
    if not math.isfinite(value) or value <= 1:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return float(next(m * power for m in (1, 2, 5, 10) if m * power >= value))


def _money_step(median: float) -> int:
    """A step of about a tenth of the typical value's order of magnitude: ₹1,000 for balances near ₹14,000."""
    if not math.isfinite(median) or median < 100:
        return 1
    return int(10 ** math.floor(math.log10(median)) // 10)


def median_customer(models: Models) -> dict[str, float]:
    """The median of every numeric feature, made coherent: total = transactions × average, and the largest
    transaction equals the average when there is one transaction (medians of separate columns need not agree)."""
    med = {name: float(models.base_stats.at[name, "median"]) for name in models.base_stats.index}
    n = max(1, round(med.get("n_transactions", 1) if math.isfinite(med.get("n_transactions", np.nan)) else 1))
    med["n_transactions"] = n
    mean = med.get("mean_amount", np.nan)
    if math.isfinite(mean):
        med["total_amount"] = mean * n
        med["max_amount"] = mean if n == 1 else max(med.get("max_amount", mean), mean)
    if n == 1:
        med["active_span_days"] = 0.0
    return med


def _number_field(name: str, median: float, p99: float) -> InputField:
    """Bounds and step by the kind of feature; the default is the (coherent) median, None when unknown."""
    kind = FEATURES[name].kind
    label, help_text = feature_label(name), FEATURES[name].description
    if kind == "money":
        top = nice_ceiling(p99 * 10) if math.isfinite(p99) else 1e8
        lo, hi, step = 0.0, top, float(_money_step(median))
    elif kind == "count":
        lo, hi, step = 1, int(max(100, math.ceil(p99 * 10) if math.isfinite(p99) else 100)), 1
    elif kind == "days":
        lo, hi, step = 0, int(max(365, math.ceil(p99 * 5) if math.isfinite(p99) else 365)), 1
    elif kind == "hour":
        lo, hi, step = 0.0, 23.0, 0.5
    elif kind == "share":
        lo, hi, step, label = 0.0, 1.0, 0.05, f"{label} (0 to 1)"
        help_text += " 0.25 means a quarter of the transactions."
    else:  # years
        lo, hi, step = MIN_AGE, MAX_AGE, 1
    default = None
    if math.isfinite(median):
        default = min(max(median, lo), hi)
        default = int(round(default)) if isinstance(step, int) else float(default)
    return InputField(name, label, help_text + " Leave empty if unknown.", default, lo, hi, step)


def what_if_fields(models: Models, prospect: bool = False) -> list[InputField]:
    """The form inputs: every model feature, or only the prospect model's (demographics and timing)."""
    names = models.prospect_features if prospect else models.full_features
    stats, med = models.base_stats, median_customer(models)
    fields = []
    for name in (n for n in FEATURES if n in names):  # catalogue order, whatever the model's order
        if name == "gender":
            fields.append(
                InputField(
                    name,
                    "Gender",
                    FEATURES[name].description,
                    "M",
                    options=GENDER_ORDER,
                    option_labels=tuple(GENDER_LABELS.items()),
                )
            )
        elif name == "location":
            options = tuple(models.locations) + (() if UNKNOWN_LOCATION in models.locations else (UNKNOWN_LOCATION,))
            fields.append(
                InputField(
                    name,
                    "Location",
                    FEATURES[name].description + " Biggest first; type to search.",
                    options[0],
                    options=options,
                )
            )
        else:
            fields.append(_number_field(name, med.get(name, np.nan), float(stats.at[name, "p99"])))
    return fields


def what_if_row(values: dict[str, object]) -> pd.DataFrame:
    """The form's answers as a one-row customer frame (empty answers become missing values)."""
    row = {name: (np.nan if value is None else value) for name, value in values.items()}
    return pd.DataFrame([row])


def coherence_notes(values: dict[str, object]) -> list[str]:
    """Plain warnings when the numbers entered contradict each other (the segment uses them as entered)."""

    def number(name: str) -> float:
        value = values.get(name)
        return float(value) if value is not None and not pd.isna(value) else float("nan")

    n, mean, total, top = (number(k) for k in ("n_transactions", "mean_amount", "total_amount", "max_amount"))
    notes = []
    if all(map(math.isfinite, (n, mean, total))) and abs(total - n * mean) > 0.01 * max(n * mean, 1):
        notes.append(
            f"Total spend ({format_inr(total)}) is not transactions × average transaction "
            f"({n:,.0f} × {format_inr(mean)} = {format_inr(n * mean)})."
        )
    if math.isfinite(top) and math.isfinite(mean) and top < mean:
        notes.append(f"The largest transaction ({format_inr(top)}) is below the average one ({format_inr(mean)}).")
    if n == 1 and number("active_span_days") > 0:
        notes.append("With a single transaction the active span is 0 days.")
    return notes


def segment_centres(models: Models) -> pd.DataFrame:
    """The K-Means segment centres in rupees, with a Categorical `segment` column, for charts."""
    centres = models.segment.centres_in_money()
    names = list(models.segment_names)
    out = centres.reset_index(drop=True)
    out.insert(0, "segment", pd.Categorical(names, categories=names, ordered=True))
    return out
