"""Distribution and profile figures: histograms, box plots, comparison and correlation heatmaps, mix bars.

Builders take small aggregated frames (from core.analysis) or an explicit sample, never all 884k customers as
points, and return a `go.Figure`. The house style and segment colours are in core.present.figures; customer
scatters in .scatter, timing in .activity_charts, model quality in .model_charts.
"""

from __future__ import annotations

import html
from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from core.analysis.explore import histogram_edges
from core.analysis.segments import segment_codes
from core.pipeline.features import FEATURES
from core.present.figures import (
    BASE_COLOUR,
    cell_text,
    colours_for,
    default_log,
    empty_figure,
    feature_axis,
    feature_kind,
    hover_text,
    new_figure,
    plain_text,
    require_numeric,
    segment_colour_map,
    segments_present,
)
from core.present.formats import GENDER_LABELS, format_count

# ---- colours and shared layout ----------------------------------------------------------------------------


# ---- distributions ----------------------------------------------------------------------------------------


def feature_histogram(
    customers: pd.DataFrame,
    feature: str,
    log: bool | None = None,
    bins: int = 40,
    normalise: bool = False,
    colours: Mapping[str, str] | None = None,
    legend_title: str = "Segment",
) -> go.Figure:
    """Distribution of a numeric feature coloured by segment: numpy-binned bars, stacked (or overlaid shares).

    With `normalise=True` each segment's bars show its own share of customers, so small segments are
    visible next to big ones. Non-positive values cannot sit on a log axis; they and missing values are
    counted in the subtitle. `colours` and `legend_title` draw other groups than segments (Compare's A and B).
    """
    require_numeric(feature)
    log = default_log(feature, log)
    codes, names = segment_codes(customers)
    values = customers[feature].to_numpy(dtype="float64")
    ok = np.isfinite(values) & (codes >= 0) & ((values > 0) if log else True)
    hidden = int((~ok & (codes >= 0)).sum())
    if not ok.any():
        empty = np.zeros((len(names), 0), dtype="int64")
        return segment_histogram_bars(empty, np.zeros(0), names, feature, log, False, 0, colours, legend_title)
    edges = histogram_edges(float(values[ok].min()), float(values[ok].max()), bins, log, feature_kind(feature))
    nb = len(edges) - 1
    idx = np.clip(np.searchsorted(edges, values[ok], side="right") - 1, 0, nb - 1)
    counts = np.bincount(codes[ok] * nb + idx, minlength=len(names) * nb).reshape(len(names), nb)
    return segment_histogram_bars(counts, edges, names, feature, log, normalise, hidden, colours, legend_title)


def segment_histogram_bars(
    counts: np.ndarray,
    edges: np.ndarray,
    names: list[str],
    feature: str,
    log: bool,
    normalise: bool = False,
    hidden: int = 0,
    colours: Mapping[str, str] | None = None,
    legend_title: str = "Segment",
) -> go.Figure:
    """Bars of customers per bin and segment (counts: segments x bins, binned in memory or by the engine).

    `colours` and `legend_title` draw other groups than segments (Compare's A and B).
    """
    title = f"{FEATURES[feature].label if feature in FEATURES else feature} by {legend_title.lower()}"
    if counts.size == 0 or counts.sum() == 0:
        return empty_figure(title)
    fig = new_figure(
        title,
        f"{format_count(hidden)} customers without a plottable value not shown" if hidden else None,
        legend_title,
    )
    colours = dict(colours) if colours is not None else segment_colour_map(names)
    lo, hi = edges[:-1], edges[1:]
    share_word = f"Share of {legend_title.lower()}"
    range_hover = hover_text(feature, "customdata[0]") + " – " + hover_text(feature, "customdata[1]").split(": ", 1)[1]
    for s, name in enumerate(names):
        if counts[s].sum() == 0:
            continue
        y = counts[s] / counts[s].sum() if normalise else counts[s]
        shown = html.escape(str(name), quote=False)  # group labels can be audience names typed by users
        fig.add_trace(
            go.Bar(
                x=(lo + hi) / 2,
                y=y,
                width=hi - lo,
                name=shown,
                marker={"color": colours[name], "line": {"width": 0}},
                opacity=0.6 if normalise else 1.0,
                customdata=np.column_stack([lo, hi]),
                hovertemplate=f"{range_hover}<br>{share_word + ': %{y:.1%}' if normalise else 'Customers: %{y:,}'}"
                f"<extra>{shown}</extra>",
            )
        )
    fig.update_layout(barmode="overlay" if normalise else "stack", bargap=0, legend={"traceorder": "normal"})
    fig.update_xaxes(**feature_axis(feature, log, edges))
    fig.update_yaxes(title={"text": share_word if normalise else "Customers"}, tickformat=".0%" if normalise else ",")
    return fig


def feature_box_by_segment(summary: pd.DataFrame, log: bool | None = None) -> go.Figure:
    """Box per segment from precomputed quantiles (core.analysis.profiles.feature_summary); whiskers at p5 and p95."""
    if summary.empty:
        return empty_figure("By segment")
    feature = str(summary["feature"].iloc[0])
    log = default_log(feature, log)
    label = FEATURES[feature].label if feature in FEATURES else feature
    fig = new_figure(
        f"{label} by segment",
        "Boxes: middle half of customers; solid line: median; dashed line: mean; whiskers: 5th to 95th percentile",
    )
    colours = colours_for(summary)
    for _, row in summary.iterrows():
        name = str(row["segment"])
        fig.add_trace(
            go.Box(
                x=[name],
                q1=[row["q1"]],
                median=[row["median"]],
                q3=[row["q3"]],
                lowerfence=[row["p05"]],
                upperfence=[row["p95"]],
                mean=[row["mean"]],
                name=name,
                marker={"color": colours[name]},
                boxpoints=False,
                hoverinfo="y",
            )
        )
    fig.update_yaxes(**feature_axis(feature, log, summary[["p05", "p95"]].to_numpy().ravel()))
    fig.update_xaxes(title={"text": "Segment"})
    fig.update_layout(showlegend=False)
    return fig


# ---- customer scatters ------------------------------------------------------------------------------------


# ---- segment summaries ------------------------------------------------------------------------------------


def segment_comparison_heatmap(comparison: pd.DataFrame) -> go.Figure:
    """How each segment differs from the average customer (analysis.profiles.compare_to_base), in SDs."""
    title = "How each segment differs from the average customer"
    if comparison.empty or comparison.shape[1] == 0:
        return empty_figure(title)
    z = comparison.to_numpy(dtype="float64")
    limit = float(np.nanmax(np.abs(z))) if np.isfinite(z).any() else 1.0
    limit = min(max(limit, 0.5), 2.0)  # beyond ±2 SD the colour is saturated anyway
    rows = [FEATURES[f].label if f in FEATURES else str(f) for f in comparison.index]
    fig = new_figure(
        title,
        "Red: above the average customer, blue: below (standard deviations; money on log scale)",
        legend_title=None,
    )
    fig.add_trace(
        go.Heatmap(
            z=z,
            x=[str(c) for c in comparison.columns],
            y=rows,
            colorscale="RdBu_r",
            zmid=0,
            zmin=-limit,
            zmax=limit,
            text=cell_text(z, 1, signed=True),
            texttemplate="%{text}",
            colorbar={"title": {"text": "SD"}},
            hovertemplate="<b>%{x}</b><br>%{y}: %{z:+.2f} SD vs all customers<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title={"text": "Segment"})
    return fig


def _share_bars(frame: pd.DataFrame, column: str, labels: dict[str, str], title: str, x_title: str) -> go.Figure:
    """Shares of a category per segment as grouped bars (or one bar series without a segment column)."""
    if frame.empty:
        return empty_figure(title)
    fig = new_figure(title)
    order = list(dict.fromkeys(map(str, frame[column])))
    ticks = [labels.get(v, v) for v in order]
    hover = "<b>%{x}</b><br>Share: %{y:.1%}<br>Customers: %{customdata:,}"
    if "segment" not in frame:
        fig.add_trace(
            go.Bar(
                x=ticks,
                y=frame["share"],
                customdata=frame["customers"],
                name="All customers",
                marker={"color": BASE_COLOUR},
                hovertemplate=hover + "<extra></extra>",
            )
        )
        fig.update_layout(showlegend=False)
    else:
        colours = colours_for(frame)
        for name in segments_present(frame):
            rows = frame[frame["segment"] == name]
            part = rows[["share", "customers"]].set_axis(rows[column].astype(str)).reindex(order)
            fig.add_trace(
                go.Bar(
                    x=ticks,
                    y=part["share"],
                    customdata=part["customers"],
                    name=name,
                    marker={"color": colours[name]},
                    hovertemplate=hover + f"<extra>{name}</extra>",
                )
            )
        fig.update_layout(barmode="group")
    fig.update_xaxes(title={"text": x_title}, categoryorder="array", categoryarray=ticks)
    fig.update_yaxes(
        title={"text": "Share of customers" if "segment" not in frame else "Share of segment"}, tickformat=".0%"
    )
    return fig


def gender_mix_bar(mix: pd.DataFrame) -> go.Figure:
    """Gender shares per segment (demographic_mix(...).gender) or overall (explore.gender_mix)."""
    return _share_bars(mix, "gender", GENDER_LABELS, "Gender mix", "Gender")


def age_band_bar(mix: pd.DataFrame) -> go.Figure:
    """Age-band shares per segment (demographic_mix(...).age_band) or overall (explore.age_distribution)."""
    return _share_bars(mix, "age_band", {}, "Age bands", "Age")


def location_bar(locations: pd.DataFrame) -> go.Figure:
    """Biggest locations as horizontal bars (explore.top_locations), or grouped per segment (demographic_mix)."""
    title = "Top locations"
    if locations.empty:
        return empty_figure(title)
    fig = new_figure(title)
    if "segment" not in locations:
        fig.add_trace(
            go.Bar(
                y=plain_text(locations["location"]),
                x=locations["customers"],
                orientation="h",
                marker={"color": BASE_COLOUR},
                customdata=locations["share"],
                name="All customers",
                hovertemplate="<b>%{y}</b><br>Customers: %{x:,}<br>Share: %{customdata:.1%}<extra></extra>",
            )
        )
        fig.update_xaxes(title={"text": "Customers"}, tickformat=",")
        fig.update_layout(showlegend=False)
    else:
        colours = colours_for(locations)
        totals = locations.groupby("location", sort=False)["customers"].sum()
        totals = totals.sort_values(ascending=False, kind="stable")
        for name in segments_present(locations):
            part = locations[locations["segment"] == name]
            fig.add_trace(
                go.Bar(
                    y=plain_text(part["location"]),
                    x=part["share"],
                    orientation="h",
                    name=name,
                    marker={"color": colours[name]},
                    customdata=part["customers"],
                    hovertemplate="<b>%{y}</b><br>Share of segment: %{x:.1%}<br>Customers: %{customdata:,}"
                    + f"<extra>{name}</extra>",
                )
            )
        fig.update_layout(barmode="group")
        fig.update_xaxes(title={"text": "Share of segment"}, tickformat=".0%")
        fig.update_yaxes(categoryorder="array", categoryarray=list(plain_text(totals.index)))
    fig.update_yaxes(autorange="reversed", title={"text": ""})
    return fig


# ---- activity over time -----------------------------------------------------------------------------------


# ---- relationships and model quality ----------------------------------------------------------------------


def correlation_heatmap(correlations: pd.DataFrame) -> go.Figure:
    """Rank correlations between features (explore.feature_correlations), -1 blue to +1 red."""
    title = "How features move together (Spearman rank correlation)"
    if correlations.empty:
        return empty_figure(title)
    labels = [FEATURES[f].label if f in FEATURES else str(f) for f in correlations.index]
    z = correlations.to_numpy(dtype="float64")
    fig = new_figure(title, legend_title=None)
    fig.add_trace(
        go.Heatmap(
            z=z,
            x=labels,
            y=labels,
            colorscale="RdBu_r",
            zmin=-1,
            zmax=1,
            zmid=0,
            text=cell_text(z, 2),
            texttemplate="%{text}",
            hovertemplate="%{y} vs %{x}: %{z:.2f}<extra></extra>",
            colorbar={"title": {"text": "ρ"}},
        )
    )
    fig.update_yaxes(autorange="reversed")
    return fig
