"""Timing figures: transactions by hour of day (per segment), weekday and calendar day."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.present.figures import (
    BASE_COLOUR,
    SEGMENT_COLOURS,
    TEMPLATE,
    colours_for,
    empty_figure,
    money_ticks,
    new_figure,
    segments_present,
)
from core.present.formats import format_inr_tick


def hourly_activity_line(timing: pd.DataFrame) -> go.Figure:
    """Share of transactions by hour of day per segment (profiles.timing_by_segment) or overall (activity_by_hour)."""
    title = "When customers transact"
    if timing.empty or timing["transactions"].sum() == 0:
        return empty_figure(title, "No transactions with a time of day in this selection.")
    fig = new_figure(title)
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
        colours = colours_for(timing)
        for name in segments_present(timing):
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
        return empty_figure(title, "No transactions in this selection.")
    fig = new_figure(title, legend_title=None)
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
        return empty_figure(title, "No transactions in this selection.")
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
    # Round rupee ticks of its own, in lakh and crore (synced ticks would put the axis on odd values such as
    # ₹629,759); hover keeps the exact amount.
    amounts = daily["total_amount"].to_numpy(dtype="float64")
    amounts = amounts[np.isfinite(amounts)]
    ticks = money_ticks(np.r_[0.0, amounts], log=False) if len(amounts) else []
    fig.update_yaxes(
        title={"text": "Amount (INR)"},
        secondary_y=True,
        rangemode="tozero",
        showgrid=False,
        **(
            {"tickmode": "array", "tickvals": ticks, "ticktext": [format_inr_tick(t) for t in ticks]}
            if ticks
            else {"tickprefix": "₹", "tickformat": ",.0f"}
        ),
    )
    return fig
