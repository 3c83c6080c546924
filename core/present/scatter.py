"""Customer scatters (2-D, 3-D, one customer among the segments) and reading a box/lasso selection back.

The customer scatters carry each point's CustomerID in `customdata[0]`, so

    event = st.plotly_chart(segment_scatter(sample, "balance", "mean_amount"), on_select="rerun", key="sc")
    ids = selected_customer_ids(event.selection.points)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from core.analysis.sampling import sample_customers
from core.analysis.segments import segment_codes, segment_names
from core.config import MAX_SCATTER_POINTS
from core.pipeline.features import FEATURES
from core.present.figures import (
    BASE_COLOUR,
    CENTROID_SYMBOL,
    HIGHLIGHT_COLOUR,
    default_log,
    empty_figure,
    feature_axis,
    hover_text,
    new_figure,
    plain_text,
    require_numeric,
    segment_colour_map,
)
from core.present.formats import format_count


def _sampled(sample: pd.DataFrame, max_points: int) -> tuple[pd.DataFrame, str | None]:
    """The frame cut to max_points (stratified, fixed seed), plus a note saying so."""
    total = sample.attrs.get("sampled_from", len(sample))
    if len(sample) > max_points:
        sample = sample_customers(sample, max_points)
    if total <= len(sample):
        return sample, None
    return sample, f"Stratified sample of {format_count(len(sample))} of {format_count(total)} customers"


def _centroid_trace(
    centroids: pd.DataFrame, columns: Sequence[str], colours: dict[str, str], three_d: bool
) -> go.Scattergl | go.Scatter3d:
    """All segment centres in one trace: a large cross (or diamond in 3-D) in each segment's colour."""
    names = [str(s) for s in centroids["segment"]]
    marker = {"color": [colours.get(n, BASE_COLOUR) for n in names], "line": {"color": "black", "width": 2}}
    common = {
        "name": "Segment centre",
        "mode": "markers",
        "text": names,
        "hovertemplate": "<b>%{text} centre</b><extra></extra>",
    }
    if three_d:
        return go.Scatter3d(
            x=centroids[columns[0]],
            y=centroids[columns[1]],
            z=centroids[columns[2]],
            marker={**marker, "symbol": "diamond", "size": 9},
            **common,
        )
    # WebGL like the customer points: browsers draw WebGL above SVG, so an SVG trace would sit under them.
    return go.Scattergl(
        x=centroids[columns[0]],
        y=centroids[columns[1]],
        marker={**marker, "symbol": CENTROID_SYMBOL, "size": 16},
        **common,
    )


def segment_scatter(
    sample: pd.DataFrame,
    x: str,
    y: str,
    log_x: bool | None = None,
    log_y: bool | None = None,
    centroids: pd.DataFrame | None = None,
    max_points: int = MAX_SCATTER_POINTS,
    labels: Mapping[str, str] | None = None,
) -> go.Figure:
    """Customers as WebGL points on two features, one trace per segment, CustomerID in customdata[0].

    `labels` names columns outside the catalogue in the hover text (e.g. {"PC1": "Direction 1"}).

    `centroids` (e.g. core.analysis.profiles.segment_centroids(view, [x, y])) adds each segment's centre as a cross.
    Points without a value (or <= 0 on a log axis) are left out and counted in the subtitle.
    """
    require_numeric(x)
    require_numeric(y)
    log_x, log_y = default_log(x, log_x), default_log(y, log_y)
    title = f"{FEATURES[y].label if y in FEATURES else y} vs {FEATURES[x].label if x in FEATURES else x}"
    if sample.empty:
        return empty_figure(title)
    sample, note = _sampled(sample, max_points)
    codes, names = segment_codes(sample)
    xs, ys = sample[x].to_numpy(dtype="float64"), sample[y].to_numpy(dtype="float64")
    ok = np.isfinite(xs) & np.isfinite(ys) & (codes >= 0)
    ok &= ((xs > 0) if log_x else True) & ((ys > 0) if log_y else True)
    hidden = int((~ok).sum())
    notes = [n for n in (note, f"{format_count(hidden)} without a plottable value not shown" if hidden else None) if n]
    fig = new_figure(title, "; ".join(notes) or None)
    colours = segment_colour_map(names)
    ids = sample["CustomerID"].astype(str).to_numpy(dtype=object)
    # customdata[0] is the raw id (read back from selections); customdata[1] the same id escaped, for the hover
    data = np.column_stack([ids, plain_text(ids)])
    labels = labels or {}
    hover = f"<b>%{{customdata[1]}}</b><br>{hover_text(x, 'x', labels.get(x))}<br>{hover_text(y, 'y', labels.get(y))}"
    for s, name in enumerate(names):
        rows = ok & (codes == s)
        if not rows.any():
            continue
        fig.add_trace(
            go.Scattergl(
                x=xs[rows],
                y=ys[rows],
                mode="markers",
                name=name,
                legendgroup=name,
                marker={"color": colours[name], "size": 5, "opacity": 0.6},
                customdata=data[rows],
                hovertemplate=hover + f"<extra>{name}</extra>",
            )
        )
    if centroids is not None and len(centroids):
        fig.add_trace(_centroid_trace(centroids, (x, y), colours, three_d=False))
    fig.update_xaxes(**feature_axis(x, log_x, xs[ok]))
    fig.update_yaxes(**feature_axis(y, log_y, ys[ok]))
    return fig


def segment_scatter_3d(
    sample_projected: pd.DataFrame,
    centroids: pd.DataFrame | None = None,
    explained_variance: Sequence[float] | None = None,
    axis_labels: Sequence[str] = ("PC1", "PC2", "PC3"),
) -> go.Figure:
    """Customers on the first three principal components (analysis.projection), centres as diamonds.

    `axis_labels` name the three components in the hover text.
    """
    title = "Segments on the three main directions of variation"
    if sample_projected.empty:
        return empty_figure(title)
    sample, note = _sampled(sample_projected, MAX_SCATTER_POINTS)
    codes, names = segment_codes(sample)
    colours = segment_colour_map(names)
    ids = sample["CustomerID"].astype(str).to_numpy(dtype=object)
    pcs = ["PC1", "PC2", "PC3"]
    lx, ly, lz = axis_labels
    fig = new_figure(title, note)
    for s, name in enumerate(names):
        rows = codes == s
        if not rows.any():
            continue
        fig.add_trace(
            go.Scatter3d(
                x=sample["PC1"].to_numpy()[rows],
                y=sample["PC2"].to_numpy()[rows],
                z=sample["PC3"].to_numpy()[rows],
                mode="markers",
                name=name,
                legendgroup=name,
                marker={"color": colours[name], "size": 2.5, "opacity": 0.6},
                customdata=np.column_stack([ids[rows], plain_text(ids[rows])]),
                hovertemplate=f"<b>%{{customdata[1]}}</b><br>{lx} %{{x:.2f}}, {ly} %{{y:.2f}}, {lz} %{{z:.2f}}"
                + f"<extra>{name}</extra>",
            )
        )
    if centroids is not None and len(centroids):
        fig.add_trace(_centroid_trace(centroids, pcs, colours, three_d=True))
    ev = list(explained_variance) if explained_variance is not None else []
    axis_titles = [f"{pc} ({ev[i]:.0%} of variance)" if i < len(ev) else pc for i, pc in enumerate(pcs)]
    fig.update_layout(
        scene={
            "xaxis": {"title": {"text": axis_titles[0]}},
            "yaxis": {"title": {"text": axis_titles[1]}},
            "zaxis": {"title": {"text": axis_titles[2]}},
        }
    )
    return fig


def selected_customer_ids(points: Iterable[Mapping]) -> list[str]:
    """CustomerIDs of the selected points of a scatter (Streamlit's event.selection.points), de-duplicated.

    Points without a customer id (such as segment centres) are ignored.
    """
    ids: dict[str, None] = {}
    for point in points or []:
        data = point.get("customdata")
        if isinstance(data, (list, tuple)):
            data = data[0] if data else None
        if data is not None:
            ids[str(data)] = None
    return list(ids)


def customer_position_chart(
    customer: Mapping[str, float] | pd.Series,
    background: pd.DataFrame | None = None,
    centroids: pd.DataFrame | None = None,
    x: str = "balance",
    y: str = "mean_amount",
    segment: str | None = None,
    names: Sequence[str] | None = None,
) -> go.Figure:
    """Where one customer sits among the segments: a star over faint segment clouds and segment centres.

    `background` is a customer sample (plotted faintly, no hover), `centroids` e.g. segment_centroids(...),
    `segment` the customer's (predicted) segment, which colours the star; `names` the full segment list.
    """
    log_x, log_y = default_log(x, None), default_log(y, None)
    fig = new_figure("Where this customer sits")
    colour_names = names or (
        segment_names(background)
        if background is not None and "segment" in background
        else [str(s) for s in centroids["segment"]]
        if centroids is not None
        else []
    )
    colours = segment_colour_map(colour_names)
    if background is not None and len(background):
        bg, _ = _sampled(background, MAX_SCATTER_POINTS)
        codes, bg_names = segment_codes(bg)
        for s, name in enumerate(bg_names):
            rows = codes == s
            if rows.any():
                fig.add_trace(
                    go.Scattergl(
                        x=bg[x].to_numpy()[rows],
                        y=bg[y].to_numpy()[rows],
                        mode="markers",
                        name=name,
                        legendgroup=name,
                        marker={"color": colours.get(name, BASE_COLOUR), "size": 4, "opacity": 0.15},
                        hoverinfo="skip",
                    )
                )
    if centroids is not None and len(centroids):
        fig.add_trace(_centroid_trace(centroids, (x, y), colours, three_d=False))
    cx, cy = float(customer.get(x, np.nan)), float(customer.get(y, np.nan))
    plottable = np.isfinite(cx) and np.isfinite(cy) and (cx > 0 or not log_x) and (cy > 0 or not log_y)
    if plottable:
        fig.add_trace(
            go.Scatter(
                x=[cx],
                y=[cy],
                mode="markers",
                name="This customer",
                marker={
                    "symbol": "star",
                    "size": 22,
                    "color": colours.get(segment or "", HIGHLIGHT_COLOUR),
                    "line": {"color": HIGHLIGHT_COLOUR, "width": 2},
                },
                hovertemplate=f"<b>This customer</b>{' (' + segment + ')' if segment else ''}<br>"
                f"{hover_text(x, 'x')}<br>{hover_text(y, 'y')}<extra></extra>",
            )
        )
    else:
        fig.update_layout(
            title={
                "subtitle": {
                    "text": "This customer's values cannot be placed on these axes (missing, or zero on a log scale)"
                }
            }
        )
    shown = [trace for trace in fig.data if trace.x is not None]
    fig.update_xaxes(
        **feature_axis(x, log_x, np.concatenate([np.asarray(t.x, dtype="float64") for t in shown] or [[]]))
    )
    fig.update_yaxes(
        **feature_axis(y, log_y, np.concatenate([np.asarray(t.y, dtype="float64") for t in shown] or [[]]))
    )
    return fig
