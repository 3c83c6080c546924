"""Figures of the Compare page: the two groups' shares side by side (gender, age band)."""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

from core.present.figures import TEMPLATE, group_colour_map

GENDER_NAMES = {"M": "Male", "F": "Female", "other": "Other", "unknown": "Unknown"}


def group_share_bar(table: pd.DataFrame, key: str, labels: tuple[str, str], title: str) -> go.Figure:
    """Grouped bars: the share of each group in each category of `key` (a demographic_comparison table)."""
    colours = list(group_colour_map(labels).values())
    names = [html.escape(str(v)) for v in labels]
    categories = [html.escape(GENDER_NAMES.get(str(c), str(c))) for c in table[key]]
    fig = go.Figure(
        layout={
            "template": TEMPLATE,
            "title": {"text": title},
            "barmode": "group",
            "legend": {"title": {"text": "Group"}},
        }
    )
    for column, name, colour in zip(("share_a", "share_b"), names, colours, strict=True):
        fig.add_trace(
            go.Bar(
                x=categories,
                y=table[column],
                name=name,
                marker={"color": colour},
                hovertemplate="%{x}: %{y:.1%}<extra>" + name + "</extra>",
            )
        )
    fig.update_yaxes(title={"text": "Share of the group"}, tickformat=".0%")
    return fig
