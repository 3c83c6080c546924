"""Figures and words of the Segment movement page: the from → to matrix, the Sankey diagram, drift bars, cell names.

Upgrades are teal and downgrades terracotta everywhere on the page (matrix cells, Sankey links), unchanged
customers grey, new and gone customers light blue and light sand; segments keep their house colours as nodes.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import date

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from core.analysis.drift import ACT_ABOVE, STABLE_BELOW
from core.analysis.movement import NEW, MovementCounts, cell_direction, direction_grid
from core.present.figures import empty_figure, new_figure, segment_colour_map
from core.present.formats import format_count, format_share

DIRECTION_COLOURS: dict[str, str] = {
    "up": "#2A9D8F",  # teal: moved to a higher segment
    "down": "#E76F51",  # terracotta: moved to a lower segment
    "unchanged": "#CBD5E1",  # light slate
    "new": "#BFDBFE",  # light blue: only in B
    "gone": "#E7E5E4",  # light sand: only in A
    "": "#FFFFFF",  # New → Gone cannot happen
}
DIRECTION_WORDS = {"up": "Moved up", "down": "Moved down", "unchanged": "Unchanged", "new": "New", "gone": "Gone"}
PSI_COLOURS = {"stable": "#94A3B8", "moderate": "#E9C46A", "act": "#9B2226"}


def _rgba(colour: str, alpha: float) -> str:
    """A '#RRGGBB' colour with transparency, for Sankey links."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def _escaped(labels: tuple[str, str]) -> tuple[str, str]:
    """Population labels made safe for plotly's HTML subset (dataset names and dates, but never trusted)."""
    return html.escape(str(labels[0]), quote=False), html.escape(str(labels[1]), quote=False)


def period_label(start: date, end: date) -> str:
    """A period as a short label: '1 Aug – 10 Sep 2016' (the year once when both dates share it)."""
    first = f"{start:%-d %b}" if start.year == end.year else f"{start:%-d %b %Y}"
    return f"{first} – {end:%-d %b %Y}"


def cell_description(from_state: str, to_state: str, names: Sequence[str], labels: tuple[str, str]) -> str:
    """A matrix cell in words: 'dropped from High to Medium', 'moved up from Low to High', 'stayed in Medium',
    'new in Low (not in A)', 'gone from High (not in B)'."""
    direction = cell_direction(from_state, to_state, names)
    if direction == "new":
        return f"new in {to_state} (not in {labels[0]})"
    if direction == "gone":
        return f"gone from {from_state} (not in {labels[1]})"
    if direction == "unchanged":
        return f"stayed in {from_state}"
    if direction == "":
        return "in neither"
    verb = "moved up" if direction == "up" else "dropped"
    return f"{verb} from {from_state} to {to_state}"


def movement_sentences(counts: MovementCounts, labels: tuple[str, str]) -> list[str]:
    """The KPIs in words: how many of the customers in both moved up or down, how many arrived or left."""
    a, b = labels
    if not counts.matched:
        return [
            f"No customer is in both {a} and {b}: {format_count(counts.gone)} are only in {a}, "
            f"{format_count(counts.new)} only in {b}, so nobody can be followed from one to the other."
        ]
    return [
        f"Of the {format_count(counts.matched)} customers in both, {format_count(counts.up)} "
        f"({format_share(counts.up / counts.matched, 1)}) moved up, {format_count(counts.down)} "
        f"({format_share(counts.down / counts.matched, 1)}) moved down and {format_count(counts.unchanged)} stayed.",
        f"{format_count(counts.new)} customers are only in {b} (new) and {format_count(counts.gone)} only in {a} "
        "(gone): a customer with no transaction in a period has no segment in it.",
    ]


def transition_heatmap(
    matrix: pd.DataFrame, shares: pd.DataFrame, names: Sequence[str], labels: tuple[str, str]
) -> go.Figure:
    """The from → to matrix: each cell coloured by direction (up, down, unchanged, new, gone), with its count and
    the share of its row."""
    labels = _escaped(labels)
    title = f"From {labels[0]} to {labels[1]}"
    if int(matrix.to_numpy().sum()) == 0:
        return empty_figure(title, "No customer in either population.")
    grid = direction_grid(matrix, names)
    order = list(DIRECTION_COLOURS)
    codes = grid.map(order.index).to_numpy(dtype="float64")
    n = len(order)
    scale = []
    for i, key in enumerate(order):
        scale += [[i / n, DIRECTION_COLOURS[key]], [(i + 1) / n, DIRECTION_COLOURS[key]]]
    counts, pct = matrix.to_numpy(), shares.to_numpy()
    text = [
        [
            "" if grid.iat[r, c] == "" else f"{format_count(counts[r, c])}<br>{format_share(pct[r, c], 1)}"
            for c in range(counts.shape[1])
        ]
        for r in range(counts.shape[0])
    ]
    words = [[DIRECTION_WORDS.get(grid.iat[r, c], "") for c in range(counts.shape[1])] for r in range(counts.shape[0])]
    rows = [html.escape(str(v)) for v in matrix.index]
    cols = [html.escape(str(v)) for v in matrix.columns]
    fig = new_figure(title, "Count and share of the row; teal moved up, terracotta moved down", legend_title=None)
    fig.add_trace(
        go.Heatmap(
            z=codes + 0.5,  # code i sits in the middle of its band [i, i + 1] of the discrete scale
            x=cols,
            y=rows,
            zmin=0,
            zmax=n,
            colorscale=scale,
            showscale=False,
            text=text,
            texttemplate="%{text}",
            customdata=np.dstack([counts, np.nan_to_num(pct), np.array(words, dtype=object)]),
            hovertemplate="%{y} → %{x}<br>%{customdata[2]}: %{customdata[0]:,} customers "
            "(%{customdata[1]:.1%} of the row)<extra></extra>",
            xgap=2,
            ygap=2,
        )
    )
    fig.update_xaxes(title={"text": f"Segment in {labels[1]}"}, side="top", type="category")
    fig.update_yaxes(title={"text": f"Segment in {labels[0]}"}, autorange="reversed", type="category")
    fig.update_layout(height=170 + 70 * len(rows), margin={"t": 150})  # room for the title above the top axis
    return fig


def movement_sankey(matrix: pd.DataFrame, names: Sequence[str], labels: tuple[str, str]) -> go.Figure:
    """Flows from A's segments (and 'New') to B's segments (and 'Gone'), links coloured by direction."""
    labels = _escaped(labels)
    title = f"Where the customers of {labels[0]} went in {labels[1]}"
    if int(matrix.to_numpy().sum()) == 0:
        return empty_figure(title, "No customer in either population.")
    grid = direction_grid(matrix, names)
    colours = segment_colour_map(names)
    rows, cols = [str(v) for v in matrix.index], [str(v) for v in matrix.columns]
    node_colour = [colours.get(v, DIRECTION_COLOURS["new" if v == NEW else "gone"]) for v in rows + cols]
    node_label = [f"{html.escape(v)} ({labels[0]})" for v in rows] + [f"{html.escape(v)} ({labels[1]})" for v in cols]
    source, target, value, link_colour, words = [], [], [], [], []
    for r in range(len(rows)):
        for c in range(len(cols)):
            count = int(matrix.iat[r, c])
            if count:
                direction = grid.iat[r, c]
                source.append(r)
                target.append(len(rows) + c)
                value.append(count)
                link_colour.append(_rgba(DIRECTION_COLOURS[direction], 0.55))
                words.append(DIRECTION_WORDS[direction])
    fig = new_figure(title, "Link width: customers; teal moved up, terracotta moved down", legend_title=None)
    fig.add_trace(
        go.Sankey(
            arrangement="fixed",
            node={"label": node_label, "color": node_colour, "pad": 18, "thickness": 18},
            link={
                "source": source,
                "target": target,
                "value": value,
                "color": link_colour,
                "customdata": words,
                "hovertemplate": "%{source.label} → %{target.label}<br>%{customdata}: %{value:,} customers"
                "<extra></extra>",
            },
            valueformat=",d",
        )
    )
    fig.update_layout(height=420)
    return fig


def psi_band(psi: float) -> str:
    """'stable', 'moderate' or 'act': the colour band of a PSI."""
    if not np.isfinite(psi) or psi < STABLE_BELOW:
        return "stable"
    return "moderate" if psi <= ACT_ABOVE else "act"


def drift_bar(table: pd.DataFrame, segment_psi: float, labels: tuple[str, str]) -> go.Figure:
    """Horizontal bars of each feature's PSI (and the segment shares'), with the 0.10 and 0.25 reading lines."""
    labels = _escaped(labels)
    title = f"Population stability index, {labels[0]} → {labels[1]}"
    rows = table.dropna(subset=["PSI"])
    if rows.empty:
        return empty_figure(title, "Nothing to compare.")
    names = ["Segment shares", *rows["Feature"]]
    values = np.r_[segment_psi if np.isfinite(segment_psi) else 0.0, rows["PSI"].to_numpy(dtype="float64")]
    fig = new_figure(title, "Below 0.10 stable · 0.10–0.25 moderate shift · above 0.25 act", legend_title=None)
    fig.add_trace(
        go.Bar(
            x=values,
            y=[html.escape(str(n)) for n in names],
            orientation="h",
            marker={"color": [PSI_COLOURS[psi_band(v)] for v in values]},
            hovertemplate="%{y}: PSI %{x:.3f}<extra></extra>",
            showlegend=False,
        )
    )
    for line in (STABLE_BELOW, ACT_ABOVE):
        fig.add_vline(x=line, line={"dash": "dot", "color": "#475569", "width": 1})
    fig.update_xaxes(title={"text": "PSI"}, rangemode="tozero")
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(height=140 + 26 * len(names))
    return fig
