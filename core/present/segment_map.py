"""Figures of the Segment map page that core.present.charts doesn't have: the 2-D main-directions view, visible centres.

The projection itself is core.analysis.profiles.pca_projection; this module only draws it, reusing the customer
scatter of core.present.charts so points carry their CustomerID (box/lasso selections read it back).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from core.present.scatter import segment_scatter, segment_scatter_3d

DIRECTIONS_3D = ("Direction 1", "Direction 2", "Direction 3")  # the components' names in hover text
PCA_TITLE = "Segments on the two main directions of variation"
PCA_3D_TITLE = "Segments on the three main directions of variation"
PCA_SUBTITLE = (
    "Each direction blends all the features (money on a log scale); customers close together have similar profiles"
)


def direction_title(index: int, explained: Sequence[float] | None) -> str:
    """Axis title of principal component `index` (0-based), e.g. 'Direction 1 (41% of the variation)'."""
    share = None if explained is None or index >= len(explained) else float(explained[index])
    known = share is not None and share == share  # NaN when there were too few customers to project
    return f"Direction {index + 1}" + (f" ({share:.0%} of the variation)" if known else "")


def short_direction_title(index: int, explained: Sequence[float] | None) -> str:
    """A 3-D axis title short enough to fit, e.g. 'Dir. 1 · 41%' (the share of the variation it carries)."""
    share = None if explained is None or index >= len(explained) else float(explained[index])
    return f"Dir. {index + 1}" + (f" · {share:.0%}" if share is not None and share == share else "")


def pca_scatter(
    projected: pd.DataFrame, centroids: pd.DataFrame | None = None, explained: Sequence[float] | None = None
) -> go.Figure:
    """Customers on PC1/PC2 of analysis.profiles.pca_projection, one WebGL trace per segment, centres as crosses."""
    labels = {"PC1": "Direction 1", "PC2": "Direction 2"}
    fig = segment_scatter(projected, "PC1", "PC2", log_x=False, log_y=False, centroids=centroids, labels=labels)
    fig.update_layout(
        title={"text": PCA_TITLE, "subtitle": {"text": PCA_SUBTITLE}},
        margin={"t": 80},
        legend={"itemsizing": "constant"},
    )
    if not projected.empty:
        fig.update_xaxes(title={"text": direction_title(0, explained)})
        fig.update_yaxes(title={"text": direction_title(1, explained)})
    return fig


def pca_scatter_3d(
    projected: pd.DataFrame, centroids: pd.DataFrame | None = None, explained: Sequence[float] | None = None
) -> go.Figure:
    """Customers on PC1-PC3 (core.present.charts.segment_scatter_3d) with the same axis words as the 2-D view."""
    fig = segment_scatter_3d(projected, centroids, explained, axis_labels=DIRECTIONS_3D)
    fig.update_layout(
        title={"text": PCA_3D_TITLE, "subtitle": {"text": PCA_SUBTITLE}},
        margin={"t": 80},
        legend={"itemsizing": "constant"},
    )
    if not projected.empty:
        # Short titles and few small ticks fit the 3-D box; the camera sits back so nothing is cut off.
        axis_style = {"nticks": 5, "tickfont": {"size": 10}, "title": {"font": {"size": 12}}}
        fig.update_layout(
            scene={
                **{
                    axis: {**axis_style, "title": {**axis_style["title"], "text": short_direction_title(i, explained)}}
                    for i, axis in enumerate(("xaxis", "yaxis", "zaxis"))
                },
                "aspectmode": "cube",
                "camera": {"eye": {"x": 1.45, "y": 1.45, "z": 0.95}},
            },
            margin={"l": 0, "r": 0, "t": 80, "b": 0},
        )
        for trace in fig.data:
            if trace.customdata is None:  # the segment centres: dark, outlined and named, so they show in the cloud
                trace.update(
                    mode="markers+text",
                    textposition="top center",
                    textfont={"size": 13, "color": "#111827"},
                    marker={"size": 12, "color": "#111827", "line": {"color": "white", "width": 2}},
                )
            else:
                trace.marker.opacity = 0.12  # a light cloud lets the centres show through it
    return fig
