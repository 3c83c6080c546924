"""The house style of every figure: one colour per segment, titled empty figures, axes and hover text."""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from core.analysis.segments import segment_codes, segment_names
from core.errors import DataError
from core.pipeline.features import feature_label
from core.present.formats import feature_kind, format_inr_tick, kind_format

TEMPLATE = "plotly_white"


# Ordered from muted (lowest segment) to strong (highest); k segments take evenly spaced entries, so the
# lowest is always slate and the highest always deep red, for any k from 2 to 8.
SEGMENT_COLOURS: tuple[str, ...] = (
    "#94A3B8",  # slate
    "#5B8DB8",  # steel blue
    "#2A9D8F",  # teal
    "#8AB17D",  # sage
    "#E9C46A",  # saffron
    "#F4A261",  # orange
    "#E76F51",  # terracotta
    "#9B2226",  # deep red
)


BASE_COLOUR = "#475569"  # "all customers" when there is no segment


# Two compared groups (Compare page): violet and amber, outside the segment palette, so a group is never read as
# the segment whose colour it would otherwise borrow (group B "Segment Low" drawn in High's deep red).
GROUP_COLOURS: tuple[str, ...] = ("#7C3AED", "#D97706")


HIGHLIGHT_COLOUR = "#111827"  # the one customer on customer_position_chart


CENTROID_SYMBOL = "x"


def segment_colour_map(names: Iterable[str]) -> dict[str, str]:
    """One colour per segment name in order, muted for the lowest segment to strong for the highest."""
    names = [str(n) for n in names]
    k = len(names)
    if k == 0:
        return {}
    if k <= len(SEGMENT_COLOURS):
        last = len(SEGMENT_COLOURS) - 1
        picks = np.rint(np.linspace(0, last, k)).astype(int) if k > 1 else [last]
        return {name: SEGMENT_COLOURS[i] for name, i in zip(names, picks, strict=True)}
    return {name: SEGMENT_COLOURS[i % len(SEGMENT_COLOURS)] for i, name in enumerate(names)}


def group_colour_map(labels: Sequence[str]) -> dict[str, str]:
    """The colours of compared groups in order (A violet, B amber), the same on every chart of a page."""
    return {str(label): GROUP_COLOURS[i % len(GROUP_COLOURS)] for i, label in enumerate(labels)}


def colours_for(frame: pd.DataFrame | pd.Series | Mapping, names: Sequence[str] | None = None) -> dict[str, str]:
    """The colour map of the full segment list behind a frame (its Categorical categories) or given names."""
    if names is not None:
        return segment_colour_map(names)
    if isinstance(frame, pd.DataFrame) and "segment" in frame:
        return segment_colour_map(segment_names(frame))
    index = getattr(frame, "index", None)
    if isinstance(index, pd.CategoricalIndex):
        return segment_colour_map(map(str, index.categories))
    return segment_colour_map(map(str, frame.keys() if isinstance(frame, Mapping) else frame.index))


def segments_present(frame: pd.DataFrame) -> list[str]:
    """Segment names that have rows in the frame, in segment order."""
    codes, names = segment_codes(frame)
    return [names[c] for c in np.unique(codes[codes >= 0])]


def new_figure(title: str, subtitle: str | None = None, legend_title: str | None = "Segment") -> go.Figure:
    """An empty figure in the house style: white template, titled, legend titled."""
    fig = go.Figure()
    fig.update_layout(
        template=TEMPLATE,
        title={"text": title, "subtitle": {"text": subtitle or ""}},
        legend={"title": {"text": legend_title or ""}},
        margin={"l": 60, "r": 20, "t": 80 if subtitle else 60, "b": 50},
        hoverlabel={"bgcolor": "white"},
    )
    return fig


def empty_figure(title: str, message: str = "No customers match the current filters.") -> go.Figure:
    """A figure with a centred message instead of data (never an exception on empty input)."""
    fig = new_figure(title)
    fig.add_annotation(text=message, showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5, font={"size": 14})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def cell_text(values: np.ndarray, decimals: int, signed: bool = False) -> list[list[str]]:
    """Heatmap cell labels; '' for NaN, and no '-0.00' for tiny negatives."""
    fmt = f"{{:{'+' if signed else ''}.{decimals}f}}"
    return [["" if np.isnan(v) else fmt.format(round(float(v), decimals) or 0.0) for v in row] for row in values]


def money_ticks(v: np.ndarray, log: bool) -> list[float]:
    """Round rupee tick values covering v: powers of ten (or 1-2-5 steps within two decades) on a log axis,
    about six 1-2-2.5-5 steps on a linear one."""
    lo, hi = float(v.min()), float(v.max())
    if log:
        first, last = max(np.floor(np.log10(lo)), 0.0), max(np.ceil(np.log10(hi)), 1.0)
        multiples = (1,) if last - first >= 2 else (1, 2, 5)
        ticks = [m * 10.0**k for k in range(int(first), int(last) + 1) for m in multiples]
        return [t for t in ticks if 10**first <= t <= 10**last]
    if hi <= lo:
        return [lo]
    raw = (hi - lo) / 6
    power = 10.0 ** np.floor(np.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    return [float(t) for t in np.arange(np.floor(lo / step) * step, hi + step, step)]


def feature_axis(feature: str, log: bool, values: np.ndarray | pd.Series | None = None) -> dict:
    """Axis settings for a feature: title from the catalogue, log type, rupee or percent ticks.

    On a log axis spanning two or more powers of ten, ticks go at each power of ten (₹100, ₹1,000, ...):
    plotly's default also labels 2s and 5s, which crowd the axis and lose the rupee sign. Rupee ticks read in
    lakh and crore from ₹1 lakh up ('₹10 lakh', '₹1 Cr'), as everywhere in the app; hover text keeps exact rupees.
    """
    title = feature_label(feature) + (" – log scale" if log else "")
    axis = {"title": {"text": title}, "type": "log" if log else "linear"}
    kind = feature_kind(feature)
    v = np.asarray(values if values is not None else [], dtype="float64")
    v = v[np.isfinite(v) & (v > 0)] if log else v[np.isfinite(v)]
    if log and len(v) and np.log10(v.max() / v.min()) >= 2:
        axis["dtick"] = 1
    if kind == "money" and len(v):
        if log:  # start at ₹1 at the lowest: below it rupee ticks would read "₹0" on a log axis
            axis["range"] = [max(np.floor(np.log10(v.min())), 0.0), max(np.ceil(np.log10(v.max())), 1.0)]
        ticks = money_ticks(v, log)
        axis.pop("dtick", None)
        axis.update(tickmode="array", tickvals=ticks, ticktext=[format_inr_tick(t) for t in ticks])
    elif kind == "money":
        axis.update(tickprefix="₹", tickformat=",.0f")
    elif kind == "share":
        axis.update(tickformat=".0%")
    elif kind in ("count", "days"):
        axis.update(tickformat=",.0f")
    return axis


def hover_text(feature: str, placeholder: str, label: str | None = None) -> str:
    """A plotly hover snippet for a feature value, e.g. 'Account balance (INR): ₹%{x:,.0f}' (`label` overrides)."""
    template = kind_format(feature).hover
    prefix, rest = template.split("{v", 1)
    return f"{label or feature_label(feature)}: {prefix}%{{{placeholder}{rest}"


def default_log(feature: str, log: bool | None) -> bool:
    """Money features default to a log axis (they span five orders of magnitude); others to linear."""
    return feature_kind(feature) == "money" if log is None else bool(log)


def require_numeric(feature: str) -> None:
    """Refuse categorical features where a numeric one is needed."""
    if feature_kind(feature) == "category":
        raise DataError(f"'{feature}' is a category, not a number: pick a numeric feature such as balance")


def plain_text(values: Iterable[object]) -> np.ndarray:
    """User-supplied text made safe for plotly labels and hovers, which read a subset of HTML (<a>, <b>, <br>)."""
    return np.array([html.escape(str(v), quote=False) for v in values], dtype=object)
