"""One-page summaries per segment (Segment profiles): KPIs, persona, top locations and four key charts on one
Plotly figure, drawn as a PNG by kaleido (core.present.images) and handed out as a zip of one PNG per segment.

Each page compares the segment's customers in the view with all customers of the bank (the yardstick of the
personas and of "Compared with the average customer"): how far the segment sits from the average customer on
each feature, its gender mix, age bands and hours of transactions beside the whole bank's.
"""

from __future__ import annotations

import html
import io
import textwrap
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.analysis.filters import Filters
from core.analysis.profiles import DemographicMix, compare_to_base, demographic_mix, profile_segments, timing_by_segment
from core.analysis.segments import segment_names
from core.analysis.sql import profiles as sql_profiles
from core.analysis.sql.aggregates import profile_segments as sql_profile_segments
from core.analysis.sql.source import VersionSource
from core.pipeline.features import FEATURES
from core.present.figures import TEMPLATE, segment_colour_map
from core.present.filter_text import safe_slug
from core.present.formats import GENDER_LABELS, format_count, format_inr, format_share
from core.present.images import Picture, render_pngs
from core.present.insights import describe_personas

PAGE_WIDTH, PAGE_HEIGHT, PAGE_SCALE = 1000, 1300, 1.5  # CSS pixels; the PNG is 1500 x 1950
CHARTS_TOP = 0.64  # the charts fill the page below this share of its height; KPIs and persona sit above
ABOVE, BELOW = "#B2182B", "#2166AC"  # the heatmap's red and blue (RdBu_r)
BANK_COLOUR = "#CBD5E1"  # all customers of the bank, hatched so it never reads as a segment
TEXT, MUTED = "#111827", "#475569"
WRAP = 105  # characters per persona line


def _text(value: object) -> str:
    """Data as Plotly annotation text: HTML-escaped, so a location like '<b>x' is shown as written."""
    return html.escape(str(value), quote=False)


def _bank_shares(mix: pd.DataFrame, column: str) -> pd.Series:
    """Shares of each category over all segments of a (segment, category, customers) table."""
    counts = mix.groupby(column, observed=True, sort=False)["customers"].sum()
    return counts / max(counts.sum(), 1)


def _segment_shares(mix: pd.DataFrame, column: str, segment: str) -> pd.Series:
    """One segment's shares of a (segment, category, share) table, by category."""
    rows = mix[mix["segment"].astype(str) == segment]
    return rows.set_index(rows[column].astype(str))["share"]


def _kpis(fig: go.Figure, row: pd.Series, colour: str) -> None:
    """Five KPI boxes across the top of the page."""
    items = [
        ("Customers", format_count(row["customers"]), f"{format_share(row['share'])} of the selection"),
        ("Median balance", format_inr(row["median_balance"]), "money held"),
        ("Median transaction", format_inr(row["median_mean_amount"]), "average payment"),
        ("Median age", "unknown" if pd.isna(row["median_age"]) else f"{row['median_age']:.0f}", "years"),
        ("Repeat customers", format_share(row["share_repeat"]), "2+ transactions"),
    ]
    width, gap, top, bottom = 0.188, 0.015, 0.975, 0.885
    for i, (label, value, note) in enumerate(items):
        x0 = i * (width + gap)
        fig.add_shape(
            type="rect", xref="paper", yref="paper", x0=x0, x1=x0 + width, y0=bottom, y1=top,
            line={"color": colour, "width": 2}, fillcolor="#F8FAFC", layer="below",
        )  # fmt: skip
        fig.add_annotation(
            x=x0 + width / 2, y=(top + bottom) / 2, xref="paper", yref="paper", xanchor="center", yanchor="middle",
            showarrow=False, align="center", font={"size": 24},
            text=f"<span style='font-size:13px;color:{MUTED}'>{_text(label)}</span><br>"
            f"<b><span style='font-size:24px;color:{TEXT}'>{_text(value)}</span></b><br>"
            f"<span style='font-size:12px;color:{MUTED}'>{_text(note)}</span>",
        )  # fmt: skip


def _persona(fig: go.Figure, persona: str, locations: pd.DataFrame) -> None:
    """The persona in words and the segment's biggest locations, under the KPIs."""
    lines = textwrap.wrap(persona, WRAP) or ["No persona: no customer of this segment matches the filters."]
    pairs = zip(locations["location"], locations["share"], strict=True)
    where = ", ".join(f"{loc} ({format_share(share)})" for loc, share in pairs)
    text = "<b>Persona</b><br>" + "<br>".join(_text(line) for line in lines)
    if where:
        text += "<br><br><b>Biggest locations</b><br>" + "<br>".join(_text(x) for x in textwrap.wrap(where, WRAP))
    fig.add_annotation(
        x=0.0, y=0.86, xref="paper", yref="paper", xanchor="left", yanchor="top", showarrow=False, align="left",
        text=f"<span style='font-size:15px;color:{TEXT}'>{text}</span>",
    )  # fmt: skip


def _pair(fig: go.Figure, cats: list[str], seg: pd.Series, bank: pd.Series, colour: str, cell: tuple, legend: bool):
    """Grouped bars: the segment in its colour beside the whole bank (hatched)."""
    labels = [GENDER_LABELS.get(c, c) for c in cats]
    fig.add_trace(
        go.Bar(x=labels, y=seg.reindex(cats).fillna(0.0), name="This segment", marker={"color": colour},
               showlegend=legend, legendgroup="segment"),
        *cell,
    )  # fmt: skip
    fig.add_trace(
        go.Bar(x=labels, y=bank.reindex(cats).fillna(0.0), name="All customers of the bank", showlegend=legend,
               legendgroup="bank", marker={"color": BANK_COLOUR, "pattern": {"shape": "/", "fgcolor": MUTED}}),
        *cell,
    )  # fmt: skip


def segment_summary_figure(
    segment: str,
    row: pd.Series,
    persona: str,
    comparison: pd.Series,
    mixes: Mapping[str, pd.DataFrame],
    timing: pd.DataFrame,
    context: str,
    colour: str,
) -> go.Figure:
    """The one-page summary of one segment: KPIs, persona, locations, and four charts against the whole bank.

    `mixes` holds the view's demographic_mix tables ('gender', 'age_band', 'locations') and the bank's
    ('bank_gender', 'bank_age_band'); `timing` is timing_by_segment of the view with the bank's hourly shares
    in a 'bank_share' column.
    """
    fig = make_subplots(
        rows=2, cols=2, horizontal_spacing=0.16, vertical_spacing=0.14,
        subplot_titles=("Compared with the average customer (SD)", "Gender mix", "Age bands", "Transactions by hour"),
    )  # fmt: skip
    z = comparison.dropna()
    labels = [FEATURES[f].label if f in FEATURES else str(f) for f in z.index]
    fig.add_trace(
        go.Bar(y=labels, x=z.to_numpy(), orientation="h", marker={"color": [ABOVE if v >= 0 else BELOW for v in z]},
               text=[f"{v:+.1f}" for v in z], textposition="outside", showlegend=False, cliponaxis=False),
        1, 1,
    )  # fmt: skip
    limit = max(float(z.abs().max()) if len(z) else 0.0, 0.5) * 1.5
    fig.update_xaxes(range=[-limit, limit], zeroline=True, zerolinecolor=MUTED, row=1, col=1)
    fig.update_yaxes(autorange="reversed", ticklabelstandoff=10, row=1, col=1)
    gender_cats = [c for c in GENDER_LABELS if c in set(mixes["bank_gender"]["gender"].astype(str))]
    gender = _segment_shares(mixes["gender"], "gender", segment)
    _pair(fig, gender_cats, gender, _bank_shares(mixes["bank_gender"], "gender"), colour, (1, 2), True)
    age_cats = list(dict.fromkeys(mixes["bank_age_band"]["age_band"].astype(str)))
    age = _segment_shares(mixes["age_band"], "age_band", segment)
    _pair(fig, age_cats, age, _bank_shares(mixes["bank_age_band"], "age_band"), colour, (2, 1), False)
    hours = timing[timing["segment"].astype(str) == segment]
    fig.add_trace(go.Scatter(x=hours["hour"], y=hours["share"], mode="lines", line={"color": colour, "width": 3},
                             showlegend=False, legendgroup="segment"), 2, 2)  # fmt: skip
    bank = timing.drop_duplicates("hour")
    fig.add_trace(go.Scatter(x=bank["hour"], y=bank["bank_share"], mode="lines", showlegend=False,
                             line={"color": MUTED, "width": 2, "dash": "dash"}, legendgroup="bank"), 2, 2)  # fmt: skip
    fig.update_xaxes(title={"text": "Hour of day"}, dtick=3, range=[-0.5, 23.5], row=2, col=2)
    for r, c in ((1, 2), (2, 1), (2, 2)):
        fig.update_yaxes(tickformat=".0%", rangemode="tozero", row=r, col=c)
    fig.update_xaxes(domain=(0.2, 0.44), row=1, col=1)  # room for the feature names inside the page
    for axis in fig.layout:  # the charts share the page below the KPIs and persona
        if axis.startswith("yaxis"):
            d0, d1 = fig.layout[axis].domain
            fig.layout[axis].domain = (d0 * CHARTS_TOP, d1 * CHARTS_TOP)
    for note in fig.layout.annotations:  # the subplot titles move with their charts
        note.y = note.y * CHARTS_TOP
        note.font = {"size": 15, "color": TEXT}
    _kpis(fig, row, colour)
    _persona(fig, persona, mixes["locations"][mixes["locations"]["segment"].astype(str) == segment])
    fig.update_layout(
        template=TEMPLATE, width=PAGE_WIDTH, height=PAGE_HEIGHT, barmode="group", bargap=0.25,
        margin={"l": 40, "r": 40, "t": 95, "b": 50}, font={"family": "DejaVu Sans, Arial, sans-serif", "size": 13},
        title={"text": f"<b>{_text(segment)}</b> segment · summary", "font": {"size": 26, "color": colour},
               "subtitle": {"text": _text(context), "font": {"size": 13, "color": MUTED}}, "x": 0.0, "xref": "paper"},
        legend={"orientation": "h", "x": 1.0, "xanchor": "right", "y": CHARTS_TOP + 0.035, "yanchor": "bottom"},
    )  # fmt: skip
    return fig


def segment_summary_figures(
    view: pd.DataFrame, customers: pd.DataFrame, transactions: pd.DataFrame, context: str
) -> dict[str, go.Figure]:
    """One summary page per segment of the view, in segment order (context: one line, e.g. dataset and filters)."""
    profile = profile_segments(view)
    if profile.empty:
        return {}
    colours = segment_colour_map(segment_names(customers) if "segment" in customers else segment_names(view))
    pieces = SummaryPieces(
        profile,
        describe_personas(view, customers, profile),
        compare_to_base(view, customers),
        demographic_mix(view),
        demographic_mix(customers),
        timing_by_segment(view, transactions),
        timing_by_segment(customers, transactions),
    )
    return summary_figures_of(pieces, colours, context)


def queried_summary_figures(source: VersionSource, filters: Filters, context: str) -> dict[str, go.Figure]:
    """segment_summary_figures answered by the engine (the view's and the whole bank's numbers are queries)."""
    profile = sql_profile_segments(source, filters)
    if profile.empty:
        return {}
    everyone = Filters()
    pieces = SummaryPieces(
        profile,
        describe_personas(profile=profile, reference=sql_profiles.base_profile(source)),
        sql_profiles.compare_to_base(source, filters),
        sql_profiles.demographic_mix(source, filters),
        sql_profiles.demographic_mix(source, everyone),
        sql_profiles.timing_by_segment(source, filters),
        sql_profiles.timing_by_segment(source, everyone),
    )
    return summary_figures_of(pieces, segment_colour_map(list(source.segment_names)), context)


@dataclass(frozen=True)
class SummaryPieces:
    """The numbers the summary pages are drawn from: the view's, and the bank's mixes and hours beside them."""

    profile: pd.DataFrame
    personas: dict[str, str]
    comparison: pd.DataFrame
    mix: DemographicMix
    bank_mix: DemographicMix
    timing: pd.DataFrame
    bank_timing: pd.DataFrame


def summary_figures_of(pieces: SummaryPieces, colours: Mapping[str, str], context: str) -> dict[str, go.Figure]:
    """One summary figure per segment of the profile, from the pieces."""
    mix, bank_mix, comparison = pieces.mix, pieces.bank_mix, pieces.comparison
    mixes = {"gender": mix.gender, "age_band": mix.age_band, "locations": mix.locations}
    mixes |= {"bank_gender": bank_mix.gender, "bank_age_band": bank_mix.age_band}
    bank_hours = pieces.bank_timing.groupby("hour")["transactions"].sum()
    timing = pieces.timing.assign(bank_share=pieces.timing["hour"].map(bank_hours / max(bank_hours.sum(), 1)))
    figures = {}
    for _, row in pieces.profile.iterrows():
        name = str(row["segment"])
        column = comparison[name] if name in comparison.columns else pd.Series(dtype="float64")
        figures[name] = segment_summary_figure(
            name, row, pieces.personas.get(name, ""), column, mixes, timing, context, colours.get(name, MUTED)
        )
    return figures


def summary_pngs(figures: Mapping[str, go.Figure]) -> dict[str, bytes]:
    """Each summary page as PNG bytes (one browser for all); ImageRenderError when pictures cannot be drawn."""
    pictures = [Picture(fig, PAGE_WIDTH, PAGE_HEIGHT, PAGE_SCALE) for fig in figures.values()]
    return dict(zip(figures, render_pngs(pictures), strict=True))


def summaries_zip(pngs: Mapping[str, bytes], notes: Sequence[str] = ()) -> bytes:
    """A zip of one 'segment_summary_<segment>.png' per segment, plus README.txt when there are notes."""
    sink = io.BytesIO()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_STORED) as archive:  # PNGs are compressed already
        for i, (name, png) in enumerate(pngs.items(), start=1):
            archive.writestr(f"{i}_segment_summary_{safe_slug(name) or 'segment'}.png", png)
        if notes:
            archive.writestr("README.txt", "\n".join(notes) + "\n")
    return sink.getvalue()
