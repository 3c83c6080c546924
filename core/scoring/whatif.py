"""The what-if form: one input per feature with sensible bounds and the median customer as defaults.

A page renders `what_if_fields(models)` as widgets, turns the answers into a one-row frame with
`what_if_row`, and scores it with core.scoring.score. Everything here is plain data so it is easy to test.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.analysis.explore import GENDER_ORDER
from core.config import MAX_AGE, MIN_AGE
from core.pipeline.features import FEATURES, NUMERIC_FEATURES, feature_label
from core.pipeline.models import Models
from core.present.formats import GENDER_LABELS, format_inr_short

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


def typical_customer(customers: pd.DataFrame) -> dict[str, object]:
    """The median of every numeric feature and the most common gender and location of some customers (a view)."""
    typical: dict[str, object] = {}
    for name in NUMERIC_FEATURES:
        if name in customers:
            values = customers[name].astype("float64")
            typical[name] = float(values.median()) if values.notna().any() else float("nan")
    for name in ("gender", "location"):
        if name in customers and customers[name].notna().any():
            typical[name] = str(customers[name].astype("string").value_counts().index[0])
    return typical


def median_customer(models: Models, typical: Mapping[str, object] | None = None) -> dict[str, float]:
    """The median of every numeric feature, made coherent: total = transactions × average, and the largest
    transaction equals the average when there is one transaction (medians of separate columns need not agree).

    `typical` (typical_customer of the filtered view) replaces the whole base's medians where it has a value.
    """
    med = {name: float(models.base_stats.at[name, "median"]) for name in models.base_stats.index}
    for name, value in (typical or {}).items():
        if name in med and isinstance(value, float) and math.isfinite(value):
            med[name] = value
    n = max(1, round(med.get("n_transactions", 1) if math.isfinite(med.get("n_transactions", np.nan)) else 1))
    med["n_transactions"] = n
    mean = med.get("mean_amount", np.nan)
    if math.isfinite(mean):
        med["total_amount"] = mean * n
        med["max_amount"] = mean if n == 1 else max(med.get("max_amount", mean), mean)
    if n == 1:
        med["active_span_days"] = 0.0
    return med


def _number_field(name: str, median: float) -> InputField:
    """Bounds and step by the kind of feature; the default is the (coherent) median, None when unknown.

    Money, counts and days have no upper bound: any value the data holds (or more) is accepted, and
    `bound_notes` says in plain view when a value is beyond what the segmentation tells apart.
    """
    kind = FEATURES[name].kind
    label, help_text = feature_label(name), FEATURES[name].description
    if kind == "money":
        lo, hi, step = 0.0, None, float(_money_step(median))
    elif kind == "count":
        lo, hi, step = 1, None, 1
    elif kind == "days":
        lo, hi, step = 0, None, 1
    elif kind == "hour":
        lo, hi, step = 0.0, 23.0, 0.5
    elif kind == "share":
        lo, hi, step, label = 0.0, 1.0, 0.05, f"{label} (0 to 1)"
        help_text += " 0.25 means a quarter of the transactions."
    else:  # years
        lo, hi, step = MIN_AGE, MAX_AGE, 1
    default = None
    if math.isfinite(median):
        default = max(median, lo) if hi is None else min(max(median, lo), hi)
        default = int(round(default)) if isinstance(step, int) else float(default)
    return InputField(name, label, help_text + " Leave empty if unknown.", default, lo, hi, step)


def what_if_fields(
    models: Models, prospect: bool = False, typical: Mapping[str, object] | None = None
) -> list[InputField]:
    """The form inputs: every model feature, or only the prospect model's (demographics and timing).

    Defaults are the median customer of the whole base, or of `typical` (typical_customer of the filtered view):
    a filter on women then starts the form from a woman with the view's median numbers.
    """
    names = models.prospect_features if prospect else models.full_features
    med = median_customer(models, typical)
    typical = typical or {}
    fields = []
    for name in (n for n in FEATURES if n in names):  # catalogue order, whatever the model's order
        if name == "gender":
            fields.append(
                InputField(
                    name,
                    "Gender",
                    FEATURES[name].description,
                    typical["gender"] if typical.get("gender") in GENDER_ORDER else "M",
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
                    typical["location"] if typical.get("location") in options else options[0],
                    options=options,
                )
            )
        else:
            fields.append(_number_field(name, med.get(name, np.nan)))
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
            f"Total spend ({format_inr_short(total)}) is not transactions × average transaction "
            f"({n:,.0f} × {format_inr_short(mean)} = {format_inr_short(n * mean)})."
        )
    if math.isfinite(top) and math.isfinite(mean) and top < mean:
        notes.append(
            f"The largest transaction ({format_inr_short(top)}) is below the average one ({format_inr_short(mean)})."
        )
    if n == 1 and number("active_span_days") > 0:
        notes.append("With a single transaction the active span is 0 days.")
    return notes


def segmentation_range(models: Models) -> dict[str, tuple[float, float]]:
    """Per segmentation feature, the money range the segments tell apart (from the fitted clip of the log scale).

    Below the lower or above the upper bound every value counts the same: the segmentation clips money to
    the 2nd-98th percentile of its customers, so a few extreme accounts cannot form a segment of their own.
    """
    log = models.segment.pipeline.named_steps["log"]
    return {
        f: (float(np.expm1(lo)), float(np.expm1(hi)))
        for f, lo, hi in zip(models.segment.features, log.lower_, log.upper_, strict=True)
    }


def bound_notes(models: Models, values: Mapping[str, object], maxima: Mapping[str, float] | None = None) -> list[str]:
    """Plain notes for values beyond what the segmentation distinguishes, or beyond anything in the data."""
    notes = []
    for name, (lo, hi) in segmentation_range(models).items():
        value = _number(values.get(name))
        label = FEATURES[name].label
        if math.isfinite(value) and value > hi:
            notes.append(
                f"{label} {format_inr_short(value)} is above {format_inr_short(hi)}: above that every "
                f"{label.lower()} counts the same for the segment (the top 2% of customers are treated alike)."
            )
        elif math.isfinite(value) and value < lo:
            notes.append(
                f"{label} {format_inr_short(value)} is below {format_inr_short(lo)}: below that every "
                f"{label.lower()} counts the same for the segment."
            )
    for name, top in (maxima or {}).items():
        value = _number(values.get(name))
        if name in FEATURES and math.isfinite(value) and math.isfinite(top) and value > top:
            shown = format_inr_short if FEATURES[name].kind == "money" else (lambda v: f"{v:,.0f}")
            notes.append(
                f"{FEATURES[name].label} {shown(value)} is more than any customer in the data has ({shown(top)})."
            )
    return notes


def _number(value: object) -> float:
    """A form value as a float (NaN when empty or not a number)."""
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return float("nan")


def data_maxima(customers: pd.DataFrame) -> dict[str, float]:
    """The largest value of every money, count and day feature in the data (to say when a what-if exceeds it)."""
    kinds = ("money", "count", "days")
    return {n: float(customers[n].max()) for n in NUMERIC_FEATURES if FEATURES[n].kind in kinds and n in customers}


def segment_centres(models: Models) -> pd.DataFrame:
    """The K-Means segment centres in rupees, with a Categorical `segment` column, for charts."""
    centres = models.segment.centres_in_money()
    names = list(models.segment_names)
    out = centres.reset_index(drop=True)
    out.insert(0, "segment", pd.Categorical(names, categories=names, ordered=True))
    return out
