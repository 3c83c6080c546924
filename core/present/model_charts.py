"""Model quality and What-if figures: elbow, silhouettes, confusion matrices, importances, probabilities."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from core.pipeline.features import FEATURES
from core.present.figures import (
    BASE_COLOUR,
    HIGHLIGHT_COLOUR,
    SEGMENT_COLOURS,
    colours_for,
    empty_figure,
    new_figure,
    segment_colour_map,
)


def elbow_chart(k: Sequence[int], inertia: Sequence[float], chosen_k: int | None = None) -> go.Figure:
    """Within-segment spread (K-Means inertia) against the number of segments; the bend suggests k."""
    fig = new_figure("Spread within segments by number of segments", legend_title=None)
    fig.add_trace(
        go.Scatter(
            x=list(k),
            y=list(inertia),
            mode="lines+markers",
            line={"color": BASE_COLOUR},
            hovertemplate="k = %{x}<br>Inertia: %{y:,.0f}<extra></extra>",
            name="Inertia",
        )
    )
    if chosen_k is not None:
        fig.add_vline(
            x=chosen_k, line={"dash": "dash", "color": SEGMENT_COLOURS[-1]}, annotation_text=f"chosen k = {chosen_k}"
        )
    fig.update_xaxes(title={"text": "Number of segments (k)"}, dtick=1)
    fig.update_yaxes(title={"text": "Inertia (lower = tighter segments)"}, tickformat=",")
    fig.update_layout(showlegend=False)
    return fig


def silhouette_by_k_chart(
    k: Sequence[int],
    mean: Sequence[float],
    std: Sequence[float] | None = None,
    chosen_k: int | None = None,
    reference: Sequence[float] | None = None,
) -> go.Figure:
    """Mean silhouette by number of segments (higher = better separated), with the structureless reference dotted."""
    fig = new_figure("Separation of segments by number of segments", legend_title=None)
    ref = [float(v) for v in reference] if reference is not None else []
    if ref and np.isfinite(ref).all():
        fig.add_trace(
            go.Scatter(
                x=list(k),
                y=ref,
                mode="lines",
                name="Structureless reference",
                line={"color": "#888", "dash": "dot"},
                hovertemplate="k = %{x}<br>Reference: %{y:.3f}<extra></extra>",
            )
        )
    error = {"type": "data", "array": list(std), "visible": True} if std is not None else None
    fig.add_trace(
        go.Scatter(
            x=list(k),
            y=list(mean),
            error_y=error,
            mode="lines+markers",
            name="Silhouette",
            line={"color": BASE_COLOUR},
            hovertemplate="k = %{x}<br>Silhouette: %{y:.3f}<extra></extra>",
        )
    )
    if chosen_k is not None:
        fig.add_vline(
            x=chosen_k, line={"dash": "dash", "color": SEGMENT_COLOURS[-1]}, annotation_text=f"chosen k = {chosen_k}"
        )
    fig.update_xaxes(title={"text": "Number of segments (k)"}, dtick=1)
    fig.update_yaxes(title={"text": "Mean silhouette (-1 to 1, higher is better)"})
    fig.update_layout(showlegend=bool(ref))
    return fig


def silhouette_by_segment_bar(
    scores: Mapping[str, float] | pd.Series, overall: float | None = None, names: Sequence[str] | None = None
) -> go.Figure:
    """Mean silhouette per segment in segment colours, with the overall mean as a dashed line."""
    series = pd.Series(scores, dtype="float64") if isinstance(scores, Mapping) else scores.astype("float64")
    colours = colours_for(scores if isinstance(scores, pd.Series) else dict(scores), names)
    labels = [str(s) for s in series.index]
    fig = new_figure("How well each segment is separated", legend_title=None)
    fig.add_trace(
        go.Bar(
            x=labels,
            y=series.to_numpy(),
            marker={"color": [colours.get(n, BASE_COLOUR) for n in labels]},
            hovertemplate="<b>%{x}</b><br>Mean silhouette: %{y:.3f}<extra></extra>",
        )
    )
    if overall is not None:
        fig.add_hline(
            y=overall,
            line={"dash": "dash", "color": BASE_COLOUR},
            annotation_text=f"overall {overall:.3f}",
            annotation_position="top left",
        )
    fig.update_xaxes(title={"text": "Segment"})
    fig.update_yaxes(title={"text": "Mean silhouette"})
    fig.update_layout(showlegend=False)
    return fig


def confusion_matrix_heatmap(matrix: np.ndarray | Sequence[Sequence[int]], labels: Sequence[str]) -> go.Figure:
    """Actual (rows) vs predicted (columns) segments, coloured by row share, labelled with counts and shares."""
    counts = np.asarray(matrix, dtype="float64")
    totals = counts.sum(axis=1, keepdims=True)
    shares = np.divide(counts, totals, out=np.zeros_like(counts), where=totals > 0)
    text = [
        [f"{int(c):,}<br>{s:.0%}" for c, s in zip(crow, srow, strict=True)]
        for crow, srow in zip(counts, shares, strict=True)
    ]
    labels = [str(lab) for lab in labels]
    fig = new_figure("Which segment the model predicts for each actual segment", legend_title=None)
    fig.add_trace(
        go.Heatmap(
            z=shares,
            x=labels,
            y=labels,
            text=text,
            texttemplate="%{text}",
            colorscale="Blues",
            zmin=0,
            zmax=1,
            colorbar={"title": {"text": "Row share"}, "tickformat": ".0%"},
            hovertemplate="Actual %{y}, predicted %{x}<br>%{text}<extra></extra>",
        )
    )
    fig.update_xaxes(title={"text": "Predicted segment"})
    fig.update_yaxes(title={"text": "Actual segment"}, autorange="reversed")
    return fig


def importance_bar(importances: pd.DataFrame, x_title: str = "Importance") -> go.Figure:
    """Feature importances (frame with feature, mean, std) as horizontal bars, most important at the top."""
    title = "What the model relies on"
    if importances.empty:
        return empty_figure(title, "No importances to show.")
    data = importances.sort_values("mean", ascending=True, kind="stable")
    labels = [FEATURES[f].label if f in FEATURES else str(f) for f in data["feature"]]
    error = {"type": "data", "array": data["std"].to_numpy(), "visible": True} if "std" in data else None
    fig = new_figure(title, legend_title=None)
    fig.add_trace(
        go.Bar(
            y=labels,
            x=data["mean"],
            orientation="h",
            error_x=error,
            marker={"color": BASE_COLOUR},
            hovertemplate="<b>%{y}</b><br>" + x_title + ": %{x:.3f}<extra></extra>",
        )
    )
    fig.update_xaxes(title={"text": x_title})
    fig.update_layout(showlegend=False)
    return fig


def probability_bar(probabilities: Mapping[str, float], names: Sequence[str] | None = None) -> go.Figure:
    """Predicted probability of each segment for one customer, most likely segment outlined."""
    labels = [str(n) for n in (names or probabilities.keys())]
    values = [float(probabilities.get(n, 0.0)) for n in labels]
    colours = segment_colour_map(labels)
    best = int(np.argmax(values)) if values else -1
    fig = new_figure("How likely each segment is", legend_title=None)
    fig.add_trace(
        go.Bar(
            x=labels,
            y=values,
            text=[f"{v:.0%}" for v in values],
            textposition="outside",
            marker={
                "color": [colours[n] for n in labels],
                "line": {
                    "color": [HIGHLIGHT_COLOUR if i == best else "rgba(0,0,0,0)" for i in range(len(labels))],
                    "width": 2,
                },
            },
            hovertemplate="<b>%{x}</b><br>Probability: %{y:.1%}<extra></extra>",
        )
    )
    fig.update_xaxes(title={"text": "Segment"})
    fig.update_yaxes(title={"text": "Probability"}, tickformat=".0%", range=[0, 1.1])
    fig.update_layout(showlegend=False)
    return fig


def gains_chart(gains: pd.DataFrame, names: Sequence[str] | None = None) -> go.Figure:
    """Cumulative gains of the prospect model: share of each segment found against share of prospects contacted.

    `gains` has columns segment, contacted, found (core.present.prospect_report.gains_frame); the diagonal is a
    random list. The further a line bends above it, the better the model ranks that segment.
    """
    title = "Who a ranked list reaches"
    if gains.empty:
        return empty_figure(title, "This model was trained before the gains were measured.")
    labels = [str(n) for n in (names or gains["segment"].unique())]
    colours = segment_colour_map(labels)
    fig = new_figure(title)
    fig.add_trace(
        go.Scatter(
            x=[0, 1],
            y=[0, 1],
            mode="lines",
            name="Random list",
            line={"dash": "dot", "color": "#888"},
            hoverinfo="skip",
        )
    )
    for name in labels:
        rows = gains[gains["segment"] == name]
        fig.add_trace(
            go.Scatter(
                x=rows["contacted"],
                y=rows["found"],
                mode="lines",
                name=name,
                line={"color": colours[name]},
                hovertemplate=f"<b>{name}</b><br>Top %{{x:.0%}} of prospects<br>finds %{{y:.0%}} of {name}"
                "<extra></extra>",
            )
        )
    fig.add_vline(x=0.1, line={"dash": "dash", "color": "#bbb"}, annotation_text="top 10%")
    fig.update_xaxes(title={"text": "Share of prospects contacted, most likely first"}, tickformat=".0%", range=[0, 1])
    fig.update_yaxes(title={"text": "Share of the segment found"}, tickformat=".0%", range=[0, 1])
    return fig
