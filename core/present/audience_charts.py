"""Figures of the Audiences page: an UpSet-style chart of how saved audiences overlap."""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.present.figures import BASE_COLOUR, TEMPLATE

OFF_COLOUR = "#E2E8F0"


def upset_chart(table: pd.DataFrame, names: list[str]) -> go.Figure:
    """Bars: customers in exactly each combination; dots below: which audiences make up the combination."""
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.65, 0.35], vertical_spacing=0.03)
    x = list(range(len(table)))
    labels = [html.escape(n) for n in names]
    fig.add_trace(
        go.Bar(
            x=x,
            y=table["customers"],
            marker={"color": BASE_COLOUR},
            customdata=table["share"],
            hovertemplate="%{y:,} customers (%{customdata:.1%} of the union)<extra></extra>",
            showlegend=False,
        ),
        row=1,
        col=1,
    )
    for j, name in enumerate(names):
        member = table[name].to_numpy(dtype=bool)
        fig.add_trace(
            go.Scatter(
                x=x,
                y=[j] * len(x),
                mode="markers",
                showlegend=False,
                hoverinfo="skip",
                marker={"size": 14, "color": [BASE_COLOUR if m else OFF_COLOUR for m in member]},
            ),
            row=2,
            col=1,
        )
    fig.update_layout(
        template=TEMPLATE,
        title={"text": "Customers in exactly these audiences"},
        bargap=0.4,
        height=180 + 40 * len(names) + 260,
    )
    fig.update_xaxes(showticklabels=False, row=1, col=1)
    fig.update_xaxes(showticklabels=False, row=2, col=1)
    fig.update_yaxes(title={"text": "Customers"}, tickformat=",", row=1, col=1)
    fig.update_yaxes(tickvals=list(range(len(names))), ticktext=labels, range=[-0.5, len(names) - 0.5], row=2, col=1)
    return fig
