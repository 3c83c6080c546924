"""Plotly figure builders, one per chart, named after what they draw. Each returns a `go.Figure`.

Builders take small aggregated frames (from core.analysis.explore / core.analysis.profiles) or an explicit sample, never
all 884k customers as points. Every segment has one fixed colour everywhere (`segment_colour_map`),
computed from the *full* ordered list of segment names, so a filtered view keeps the same colours.

Reading a box/lasso selection back (Streamlit): the customer scatters carry each point's CustomerID in
`customdata[0]`, so

    event = st.plotly_chart(segment_scatter(sample, "balance", "mean_amount"), on_select="rerun", key="sc")
    ids = selected_customer_ids(event.selection.points)
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.analysis.explore import sample_customers
from core.analysis.profiles import format_count, segment_codes, segment_names
from core.errors import DataError
from core.pipeline.features import FEATURES, feature_label

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
HIGHLIGHT_COLOUR = "#111827"  # the one customer on customer_position_chart
CENTROID_SYMBOL = "x"
MAX_SCATTER_POINTS = 50_000  # WebGL stays smooth up to here; larger inputs are sampled (and the title says so)
HOVER_FORMATS = {  # feature kind -> d3 format used in hover text
    "money": "₹{v:,.0f}",
    "count": "{v:,.0f}",
    "days": "{v:,.0f} days",
    "hour": "{v:.1f}",
    "share": "{v:.0%}",
    "years": "{v:.0f}",
}
GENDER_WORDS = {"M": "Male", "F": "Female", "other": "Other", "unknown": "Unknown"}


# ---- colours and shared layout ----------------------------------------------------------------------------


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


def _colours_for(frame: pd.DataFrame | pd.Series | Mapping, names: Sequence[str] | None = None) -> dict[str, str]:
    """The colour map of the full segment list behind a frame (its Categorical categories) or given names."""
    if names is not None:
        return segment_colour_map(names)
    if isinstance(frame, pd.DataFrame) and "segment" in frame:
        return segment_colour_map(segment_names(frame))
    index = getattr(frame, "index", None)
    if isinstance(index, pd.CategoricalIndex):
        return segment_colour_map(map(str, index.categories))
    return segment_colour_map(map(str, frame.keys() if isinstance(frame, Mapping) else frame.index))


def _present(frame: pd.DataFrame) -> list[str]:
    """Segment names that have rows in the frame, in segment order."""
    codes, names = segment_codes(frame)
    return [names[c] for c in np.unique(codes[codes >= 0])]


def _figure(title: str, subtitle: str | None = None, legend_title: str | None = "Segment") -> go.Figure:
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


def _empty(title: str, message: str = "No customers match the current filters.") -> go.Figure:
    """A figure with a centred message instead of data (never an exception on empty input)."""
    fig = _figure(title)
    fig.add_annotation(text=message, showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5, font={"size": 14})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def _cell_text(values: np.ndarray, decimals: int, signed: bool = False) -> list[list[str]]:
    """Heatmap cell labels; '' for NaN, and no '-0.00' for tiny negatives."""
    fmt = f"{{:{'+' if signed else ''}.{decimals}f}}"
    return [["" if np.isnan(v) else fmt.format(round(float(v), decimals) or 0.0) for v in row] for row in values]


def _kind(feature: str) -> str:
    """The feature's kind from the catalogue ('' for anything not in it)."""
    return FEATURES[feature].kind if feature in FEATURES else ""


def _axis(feature: str, log: bool, values: np.ndarray | pd.Series | None = None) -> dict:
    """Axis settings for a feature: title from the catalogue, log type, rupee or percent ticks.

    On a log axis spanning two or more powers of ten, ticks go at each power of ten (₹100, ₹1,000, ...):
    plotly's default also labels 2s and 5s, which crowd the axis and lose the rupee sign.
    """
    title = feature_label(feature) + (" – log scale" if log else "")
    axis = {"title": {"text": title}, "type": "log" if log else "linear"}
    if log and values is not None:
        v = np.asarray(values, dtype="float64")
        v = v[np.isfinite(v) & (v > 0)]
        if len(v) and np.log10(v.max() / v.min()) >= 2:
            axis["dtick"] = 1
        if len(v) and _kind(feature) == "money":
            # Start at ₹1 at the lowest: below it rupee ticks would read "₹0" on a log axis.
            axis["range"] = [max(np.floor(np.log10(v.min())), 0.0), np.ceil(np.log10(v.max()))]
    kind = _kind(feature)
    if kind == "money":
        axis.update(tickprefix="₹", tickformat=",.0f")
    elif kind == "share":
        axis.update(tickformat=".0%")
    elif kind in ("count", "days"):
        axis.update(tickformat=",.0f")
    return axis


def _hover(feature: str, placeholder: str) -> str:
    """A plotly hover snippet for a feature value, e.g. 'Account balance (INR): ₹%{x:,.0f}'."""
    template = HOVER_FORMATS.get(_kind(feature), "{v:,.2f}")
    prefix, rest = template.split("{v", 1)
    return f"{feature_label(feature)}: {prefix}%{{{placeholder}{rest}"


def _default_log(feature: str, log: bool | None) -> bool:
    """Money features default to a log axis (they span five orders of magnitude); others to linear."""
    return _kind(feature) == "money" if log is None else bool(log)


def _numeric_feature(feature: str) -> None:
    """Refuse categorical features where a numeric one is needed."""
    if _kind(feature) == "category":
        raise DataError(f"'{feature}' is a category, not a number: pick a numeric feature such as balance")


# ---- distributions ----------------------------------------------------------------------------------------


def _histogram_edges(values: np.ndarray, bins: int, log: bool, kind: str) -> np.ndarray:
    """Bin edges: geometric on log axes, one per whole number for small-range counts, else even."""
    lo, hi = float(values.min()), float(values.max())
    if log:
        return np.geomspace(lo, hi * 1.000001, bins + 1) if hi > lo else np.array([lo / 1.1, lo * 1.1])
    if kind in ("count", "days", "years", "hour") and hi - lo + 1 <= bins:
        return np.arange(np.floor(lo) - 0.5, np.ceil(hi) + 1.5)
    return np.linspace(lo, hi, bins + 1) if hi > lo else np.array([lo - 0.5, lo + 0.5])


def feature_histogram(
    customers: pd.DataFrame, feature: str, log: bool | None = None, bins: int = 40, normalise: bool = False
) -> go.Figure:
    """Distribution of a numeric feature coloured by segment: numpy-binned bars, stacked (or overlaid shares).

    With `normalise=True` each segment's bars show its own share of customers, so small segments are
    visible next to big ones. Non-positive values cannot sit on a log axis; they and missing values are
    counted in the subtitle.
    """
    _numeric_feature(feature)
    log = _default_log(feature, log)
    title = f"{FEATURES[feature].label if feature in FEATURES else feature} by segment"
    codes, names = segment_codes(customers)
    values = customers[feature].to_numpy(dtype="float64")
    ok = np.isfinite(values) & (codes >= 0) & ((values > 0) if log else True)
    if not ok.any():
        return _empty(title)
    edges = _histogram_edges(values[ok], bins, log, _kind(feature))
    nb = len(edges) - 1
    idx = np.clip(np.searchsorted(edges, values[ok], side="right") - 1, 0, nb - 1)
    counts = np.bincount(codes[ok] * nb + idx, minlength=len(names) * nb).reshape(len(names), nb)
    hidden = int((~ok & (codes >= 0)).sum())
    fig = _figure(title, f"{format_count(hidden)} customers without a plottable value not shown" if hidden else None)
    colours = segment_colour_map(names)
    lo, hi = edges[:-1], edges[1:]
    range_hover = _hover(feature, "customdata[0]") + " – " + _hover(feature, "customdata[1]").split(": ", 1)[1]
    for s, name in enumerate(names):
        if counts[s].sum() == 0:
            continue
        y = counts[s] / counts[s].sum() if normalise else counts[s]
        fig.add_trace(
            go.Bar(
                x=(lo + hi) / 2,
                y=y,
                width=hi - lo,
                name=name,
                marker={"color": colours[name], "line": {"width": 0}},
                opacity=0.6 if normalise else 1.0,
                customdata=np.column_stack([lo, hi]),
                hovertemplate=f"{range_hover}<br>{'Share of segment: %{y:.1%}' if normalise else 'Customers: %{y:,}'}"
                f"<extra>{name}</extra>",
            )
        )
    fig.update_layout(barmode="overlay" if normalise else "stack", bargap=0, legend={"traceorder": "normal"})
    fig.update_xaxes(**_axis(feature, log, edges))
    fig.update_yaxes(
        title={"text": "Share of segment" if normalise else "Customers"}, tickformat=".0%" if normalise else ","
    )
    return fig


def feature_box_by_segment(summary: pd.DataFrame, log: bool | None = None) -> go.Figure:
    """Box per segment from precomputed quantiles (core.analysis.profiles.feature_summary); whiskers at p5 and p95."""
    if summary.empty:
        return _empty("By segment")
    feature = str(summary["feature"].iloc[0])
    log = _default_log(feature, log)
    label = FEATURES[feature].label if feature in FEATURES else feature
    fig = _figure(f"{label} by segment", "Boxes: middle half of customers; whiskers: 5th to 95th percentile")
    colours = _colours_for(summary)
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
    fig.update_yaxes(**_axis(feature, log, summary[["p05", "p95"]].to_numpy().ravel()))
    fig.update_xaxes(title={"text": "Segment"})
    fig.update_layout(showlegend=False)
    return fig


# ---- customer scatters ------------------------------------------------------------------------------------


def plain_text(values: Iterable[object]) -> np.ndarray:
    """User-supplied text made safe for plotly labels and hovers, which read a subset of HTML (<a>, <b>, <br>)."""
    return np.array([html.escape(str(v), quote=False) for v in values], dtype=object)


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
) -> go.Figure:
    """Customers as WebGL points on two features, one trace per segment, CustomerID in customdata[0].

    `centroids` (e.g. core.analysis.profiles.segment_centroids(view, [x, y])) adds each segment's centre as a cross.
    Points without a value (or <= 0 on a log axis) are left out and counted in the subtitle.
    """
    _numeric_feature(x)
    _numeric_feature(y)
    log_x, log_y = _default_log(x, log_x), _default_log(y, log_y)
    title = f"{FEATURES[y].label if y in FEATURES else y} vs {FEATURES[x].label if x in FEATURES else x}"
    if sample.empty:
        return _empty(title)
    sample, note = _sampled(sample, max_points)
    codes, names = segment_codes(sample)
    xs, ys = sample[x].to_numpy(dtype="float64"), sample[y].to_numpy(dtype="float64")
    ok = np.isfinite(xs) & np.isfinite(ys) & (codes >= 0)
    ok &= ((xs > 0) if log_x else True) & ((ys > 0) if log_y else True)
    hidden = int((~ok).sum())
    notes = [n for n in (note, f"{format_count(hidden)} without a plottable value not shown" if hidden else None) if n]
    fig = _figure(title, "; ".join(notes) or None)
    colours = segment_colour_map(names)
    ids = sample["CustomerID"].astype(str).to_numpy(dtype=object)
    # customdata[0] is the raw id (read back from selections); customdata[1] the same id escaped, for the hover
    data = np.column_stack([ids, plain_text(ids)])
    hover = f"<b>%{{customdata[1]}}</b><br>{_hover(x, 'x')}<br>{_hover(y, 'y')}"
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
    fig.update_xaxes(**_axis(x, log_x, xs[ok]))
    fig.update_yaxes(**_axis(y, log_y, ys[ok]))
    return fig


def segment_scatter_3d(
    sample_projected: pd.DataFrame,
    centroids: pd.DataFrame | None = None,
    explained_variance: Sequence[float] | None = None,
) -> go.Figure:
    """Customers on the first three principal components (analysis.profiles.pca_projection), centres as diamonds."""
    title = "Segments on the three main directions of variation"
    if sample_projected.empty:
        return _empty(title)
    sample, note = _sampled(sample_projected, MAX_SCATTER_POINTS)
    codes, names = segment_codes(sample)
    colours = segment_colour_map(names)
    ids = sample["CustomerID"].astype(str).to_numpy(dtype=object)
    pcs = ["PC1", "PC2", "PC3"]
    fig = _figure(title, note)
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
                hovertemplate="<b>%{customdata[1]}</b><br>PC1 %{x:.2f}, PC2 %{y:.2f}, PC3 %{z:.2f}"
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
    log_x, log_y = _default_log(x, None), _default_log(y, None)
    fig = _figure("Where this customer sits")
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
                f"{_hover(x, 'x')}<br>{_hover(y, 'y')}<extra></extra>",
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
    fig.update_xaxes(**_axis(x, log_x, np.concatenate([np.asarray(t.x, dtype="float64") for t in shown] or [[]])))
    fig.update_yaxes(**_axis(y, log_y, np.concatenate([np.asarray(t.y, dtype="float64") for t in shown] or [[]])))
    return fig


# ---- segment summaries ------------------------------------------------------------------------------------


def segment_comparison_heatmap(comparison: pd.DataFrame) -> go.Figure:
    """How each segment differs from the average customer (analysis.profiles.compare_to_base), in SDs."""
    title = "How each segment differs from the average customer"
    if comparison.empty or comparison.shape[1] == 0:
        return _empty(title)
    z = comparison.to_numpy(dtype="float64")
    limit = float(np.nanmax(np.abs(z))) if np.isfinite(z).any() else 1.0
    limit = min(max(limit, 0.5), 2.0)  # beyond ±2 SD the colour is saturated anyway
    rows = [FEATURES[f].label if f in FEATURES else str(f) for f in comparison.index]
    fig = _figure(
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
            text=_cell_text(z, 1, signed=True),
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
        return _empty(title)
    fig = _figure(title)
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
        colours = _colours_for(frame)
        for name in _present(frame):
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
    return _share_bars(mix, "gender", GENDER_WORDS, "Gender mix", "Gender")


def age_band_bar(mix: pd.DataFrame) -> go.Figure:
    """Age-band shares per segment (demographic_mix(...).age_band) or overall (explore.age_distribution)."""
    return _share_bars(mix, "age_band", {}, "Age bands", "Age")


def location_bar(locations: pd.DataFrame) -> go.Figure:
    """Biggest locations as horizontal bars (explore.top_locations), or grouped per segment (demographic_mix)."""
    title = "Top locations"
    if locations.empty:
        return _empty(title)
    fig = _figure(title)
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
        colours = _colours_for(locations)
        totals = locations.groupby("location", sort=False)["customers"].sum()
        totals = totals.sort_values(ascending=False, kind="stable")
        for name in _present(locations):
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


def hourly_activity_line(timing: pd.DataFrame) -> go.Figure:
    """Share of transactions by hour of day per segment (profiles.timing_by_segment) or overall (activity_by_hour)."""
    title = "When customers transact"
    if timing.empty or timing["transactions"].sum() == 0:
        return _empty(title, "No transactions with a time of day in this selection.")
    fig = _figure(title)
    hover = "%{x}:00<br>Share of transactions: %{y:.1%}<br>Transactions: %{customdata:,}"
    if "segment" not in timing:
        fig.add_trace(
            go.Scatter(
                x=timing["hour"],
                y=timing["share"],
                customdata=timing["transactions"],
                mode="lines+markers",
                name="All customers",
                line={"color": BASE_COLOUR},
                hovertemplate=hover + "<extra></extra>",
            )
        )
        fig.update_layout(showlegend=False)
    else:
        colours = _colours_for(timing)
        for name in _present(timing):
            part = timing[timing["segment"] == name]
            fig.add_trace(
                go.Scatter(
                    x=part["hour"],
                    y=part["share"],
                    customdata=part["transactions"],
                    mode="lines+markers",
                    name=name,
                    line={"color": colours[name]},
                    hovertemplate=hover + f"<extra>{name}</extra>",
                )
            )
    fig.update_xaxes(
        title={"text": "Hour of day"},
        tickvals=list(range(0, 24, 3)),
        ticktext=[f"{h:02d}:00" for h in range(0, 24, 3)],
        range=[-0.5, 23.5],
    )
    fig.update_yaxes(title={"text": "Share of transactions"}, tickformat=".1%", rangemode="tozero")
    return fig


def weekday_bar(weekday: pd.DataFrame) -> go.Figure:
    """Transactions per weekday, Monday first (explore.activity_by_weekday), with the amount in the hover."""
    title = "Transactions by day of the week"
    if weekday.empty or weekday["transactions"].sum() == 0:
        return _empty(title, "No transactions in this selection.")
    fig = _figure(title, legend_title=None)
    fig.add_trace(
        go.Bar(
            x=weekday["day"],
            y=weekday["transactions"],
            customdata=np.column_stack([weekday["total_amount"], weekday["share"]]),
            marker={"color": BASE_COLOUR},
            hovertemplate="<b>%{x}</b><br>Transactions: %{y:,} (%{customdata[1]:.1%})<br>"
            "Amount: ₹%{customdata[0]:,.0f}<extra></extra>",
        )
    )
    fig.update_xaxes(title={"text": ""})
    fig.update_yaxes(title={"text": "Transactions"}, tickformat=",")
    return fig


def daily_activity_line(daily: pd.DataFrame) -> go.Figure:
    """Transactions (left axis) and amount in rupees (right axis) per day (explore.activity_by_date)."""
    title = "Daily activity"
    if daily.empty:
        return _empty(title, "No transactions in this selection.")
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.update_layout(
        template=TEMPLATE,
        title={"text": title},
        hovermode="x unified",
        legend={"orientation": "h", "y": -0.2},
        margin={"l": 60, "r": 60, "t": 60, "b": 50},
    )
    fig.add_trace(
        go.Scatter(
            x=daily["date"],
            y=daily["transactions"],
            name="Transactions",
            mode="lines",
            line={"color": BASE_COLOUR},
            hovertemplate="%{y:,}",
        ),
        secondary_y=False,
    )
    fig.add_trace(
        go.Scatter(
            x=daily["date"],
            y=daily["total_amount"],
            name="Amount (INR)",
            mode="lines",
            line={"color": SEGMENT_COLOURS[-1], "dash": "dot"},
            hovertemplate="₹%{y:,.0f}",
        ),
        secondary_y=True,
    )
    fig.update_xaxes(title={"text": "Date"}, tickformat="%d %b %Y")
    fig.update_yaxes(title={"text": "Transactions"}, tickformat=",", secondary_y=False, rangemode="tozero")
    # tickmode="auto": synced ticks would put the rupee axis on odd values such as ₹629,759.
    fig.update_yaxes(
        title={"text": "Amount (INR)"},
        tickprefix="₹",
        tickformat=",.0f",
        secondary_y=True,
        rangemode="tozero",
        showgrid=False,
        tickmode="auto",
    )
    return fig


# ---- relationships and model quality ----------------------------------------------------------------------


def correlation_heatmap(correlations: pd.DataFrame) -> go.Figure:
    """Rank correlations between features (explore.feature_correlations), -1 blue to +1 red."""
    title = "How features move together (Spearman rank correlation)"
    if correlations.empty:
        return _empty(title)
    labels = [FEATURES[f].label if f in FEATURES else str(f) for f in correlations.index]
    z = correlations.to_numpy(dtype="float64")
    fig = _figure(title, legend_title=None)
    fig.add_trace(
        go.Heatmap(
            z=z,
            x=labels,
            y=labels,
            colorscale="RdBu_r",
            zmin=-1,
            zmax=1,
            zmid=0,
            text=_cell_text(z, 2),
            texttemplate="%{text}",
            hovertemplate="%{y} vs %{x}: %{z:.2f}<extra></extra>",
            colorbar={"title": {"text": "ρ"}},
        )
    )
    fig.update_yaxes(autorange="reversed")
    return fig


def elbow_chart(k: Sequence[int], inertia: Sequence[float], chosen_k: int | None = None) -> go.Figure:
    """Within-segment spread (K-Means inertia) against the number of segments; the bend suggests k."""
    fig = _figure("Spread within segments by number of segments", legend_title=None)
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
    k: Sequence[int], mean: Sequence[float], std: Sequence[float] | None = None, chosen_k: int | None = None
) -> go.Figure:
    """Mean silhouette (with spread over repeats) by number of segments: higher = better separated."""
    fig = _figure("Separation of segments by number of segments", legend_title=None)
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
    fig.update_layout(showlegend=False)
    return fig


def silhouette_by_segment_bar(
    scores: Mapping[str, float] | pd.Series, overall: float | None = None, names: Sequence[str] | None = None
) -> go.Figure:
    """Mean silhouette per segment in segment colours, with the overall mean as a dashed line."""
    series = pd.Series(scores, dtype="float64") if isinstance(scores, Mapping) else scores.astype("float64")
    colours = _colours_for(scores if isinstance(scores, pd.Series) else dict(scores), names)
    labels = [str(s) for s in series.index]
    fig = _figure("How well each segment is separated", legend_title=None)
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
    fig = _figure("Which segment the model predicts for each actual segment", legend_title=None)
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
        return _empty(title, "No importances to show.")
    data = importances.sort_values("mean", ascending=True, kind="stable")
    labels = [FEATURES[f].label if f in FEATURES else str(f) for f in data["feature"]]
    error = {"type": "data", "array": data["std"].to_numpy(), "visible": True} if "std" in data else None
    fig = _figure(title, legend_title=None)
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
    fig = _figure("How likely each segment is", legend_title=None)
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
