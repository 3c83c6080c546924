"""The Segment profiles report pack: one workbook with a sheet per table of the page and its chart beside it.

Sheets: Summary (insights and personas in words), Segment profiles, Compared with average, Gender mix, Age bands,
Top locations, Timing, Budget x RFM, then About (dataset, model version, filters, time). Charts are native Excel
charts drawn from each sheet's own cells (core.present.excel.SheetChart), in the app's segment colours, so they
stay editable; under each (or in its place on Top locations) the page's own Plotly chart as a PNG picture, drawn
by kaleido with Chromium (core.present.images). Where pictures cannot be drawn, the workbook keeps its native
charts and its About sheet says why.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from core.analysis.filters import Filters
from core.analysis.profiles import DemographicMix, compare_to_base, demographic_mix, profile_segments, timing_by_segment
from core.analysis.rfm import rfm_crosstab
from core.analysis.segments import segment_names
from core.analysis.sql import profiles as sql_profiles
from core.analysis.sql.aggregates import profile_segments as sql_profile_segments
from core.analysis.sql.source import VersionSource
from core.pipeline.features import FEATURES
from core.pipeline.rfm import SEGMENT_COLUMN
from core.present.activity_charts import hourly_activity_line
from core.present.charts import age_band_bar, gender_mix_bar, location_bar, segment_comparison_heatmap
from core.present.excel import PICTURE_SIZE, SheetChart, to_xlsx_bytes
from core.present.figures import segment_colour_map
from core.present.formats import gender_label
from core.present.images import ImageRenderError, Picture, render_pngs
from core.present.insights import describe_personas, segment_insights

PROFILE_HEADERS = {
    "segment": "Segment",
    "customers": "Customers",
    "share": "Share of the selection (%)",
    "median_balance": "Median balance (INR)",
    "median_mean_amount": "Median transaction (INR)",
    "median_total_amount": "Median total spend (INR)",
    "median_max_amount": "Median largest transaction (INR)",
    "mean_n_transactions": "Average transactions",
    "share_repeat": "Repeat customers (%)",
    "median_age": "Median age",
    "median_recency_days": "Median days since last transaction",
    "mean_active_span_days": "Average active span (days)",
    "mean_hour": "Average hour",
    "mean_night_share": "Night share (%)",
    "mean_weekend_share": "Weekend share (%)",
    "share_female": "Female (%)",
    "share_male": "Male (%)",
    "share_unknown_age": "Unknown age (%)",
}


def _wide_shares(table: pd.DataFrame, key: str, names: Sequence[str], label: str) -> pd.DataFrame:
    """A long (segment, key, share) table as one row per `key` value and one '<segment> (%)' column each."""
    wide = table.pivot_table(index=key, columns="segment", values="share", observed=False, sort=False)
    wide = wide.reindex(columns=list(names)).fillna(0.0)
    wide.columns = [f"{name} (%)" for name in names]
    return wide.rename_axis(label).reset_index()


@dataclass(frozen=True)
class ProfileNumbers:
    """What the report pack is made of: the page's numbers for one view, however they were computed."""

    names: list[str]
    profile: pd.DataFrame
    mix: DemographicMix
    comparison: pd.DataFrame
    insights: list[str]
    personas: dict[str, str]
    timing: pd.DataFrame
    crosstab: pd.DataFrame | None


def profile_numbers(view: pd.DataFrame, customers: pd.DataFrame, transactions: pd.DataFrame) -> ProfileNumbers:
    """The pack's numbers from the in-memory view, the whole base and the transactions."""
    profile = profile_segments(view)
    return ProfileNumbers(
        segment_names(view),
        profile,
        demographic_mix(view),
        compare_to_base(view, customers),
        segment_insights(view, profile),
        describe_personas(view, customers, profile),
        timing_by_segment(view, transactions),
        rfm_crosstab(view) if SEGMENT_COLUMN in view else None,
    )


def profile_tables(view: pd.DataFrame, customers: pd.DataFrame, transactions: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Every table of the Segment profiles page for the view, with readable headers, in page order."""
    return tables_of(profile_numbers(view, customers, transactions))


def tables_of(numbers: ProfileNumbers) -> dict[str, pd.DataFrame]:
    """profile_tables from the pack's numbers."""
    names, profile, mix = numbers.names, numbers.profile, numbers.mix
    comparison = numbers.comparison.rename(index=lambda f: FEATURES[f].label if f in FEATURES else f)
    comparison = comparison.rename_axis("Feature")
    gender = mix.gender.assign(gender=mix.gender["gender"].map(gender_label))
    summary = [("Insight", line) for line in numbers.insights]
    summary += [(f"Persona: {seg}", text) for seg, text in numbers.personas.items()]
    tables = {
        "Summary": pd.DataFrame(summary, columns=["Item", "Text"]),
        "Segment profiles": profile.assign(segment=profile["segment"].astype(str)).rename(columns=PROFILE_HEADERS),
        "Compared with average": comparison.reset_index(),
        "Gender mix": _wide_shares(gender, "gender", names, "Gender"),
        "Age bands": _wide_shares(mix.age_band, "age_band", names, "Age band"),
        "Top locations": mix.locations.assign(segment=mix.locations["segment"].astype(str)).rename(
            columns={
                "segment": "Segment",
                "rank": "Rank",
                "location": "Location",
                "customers": "Customers",
                "share": "Share of the segment (%)",
            }
        ),
        "Timing": _wide_shares(numbers.timing, "hour", names, "Hour of day"),
    }
    if numbers.crosstab is not None:
        tables["Budget x RFM"] = numbers.crosstab.reset_index()
    return tables


def profile_charts(tables: dict[str, pd.DataFrame], names: Sequence[str]) -> dict[str, SheetChart]:
    """The chart of each sheet: sizes, comparison, mixes and timing by segment in the segment colours."""
    colours = tuple(segment_colour_map(names).values())
    by_segment = tuple(range(1, len(names) + 1))
    charts = {
        "Segment profiles": SheetChart("column", "Customers per segment", 0, (1,), colours=("#475569",)),
        "Compared with average": SheetChart(
            "bar", "Segment average vs the whole bank (standard deviations)", 0, by_segment, colours=colours
        ),
        "Gender mix": SheetChart("column", "Gender mix", 0, by_segment, percent=True, colours=colours),
        "Age bands": SheetChart("column", "Age bands", 0, by_segment, percent=True, colours=colours),
        "Timing": SheetChart("line", "Share of transactions by hour", 0, by_segment, percent=True, colours=colours),
    }
    if "Budget x RFM" in tables:
        rfm = tables["Budget x RFM"]
        charts["Budget x RFM"] = SheetChart(
            "column",
            "RFM segments within each budget segment",
            0,
            tuple(range(1, rfm.shape[1] - 1)),
            rows=len(rfm) - 1,
            subtype="percent_stacked",
            percent=True,
        )  # the 'All' row and column are left out of the chart
    return charts


def profile_figures(view: pd.DataFrame, customers: pd.DataFrame, transactions: pd.DataFrame) -> dict[str, go.Figure]:
    """The page's own Plotly charts, by the sheet they illustrate."""
    return figures_of(profile_numbers(view, customers, transactions))


def figures_of(numbers: ProfileNumbers) -> dict[str, go.Figure]:
    """profile_figures from the pack's numbers."""
    mix = numbers.mix
    return {
        "Compared with average": segment_comparison_heatmap(numbers.comparison),
        "Gender mix": gender_mix_bar(mix.gender),
        "Age bands": age_band_bar(mix.age_band),
        "Top locations": location_bar(mix.locations),
        "Timing": hourly_activity_line(numbers.timing),
    }


def profile_pictures(figures: dict[str, go.Figure]) -> dict[str, bytes]:
    """Each figure as a PNG the size of a native chart (twice the pixels); ImageRenderError if none can be drawn."""
    width, height = PICTURE_SIZE
    pngs = render_pngs([Picture(fig, width, height, scale=2.0) for fig in figures.values()])
    return dict(zip(figures, pngs, strict=True))


def profile_report_pack(
    view: pd.DataFrame,
    customers: pd.DataFrame,
    transactions: pd.DataFrame,
    about: Sequence[tuple[str, str]],
    pictures: bool = True,
) -> bytes:
    """The report pack of the Segment profiles page as .xlsx bytes (with chart pictures when they can be drawn)."""
    return report_pack_of(profile_numbers(view, customers, transactions), about, pictures)


def report_pack_of(numbers: ProfileNumbers, about: Sequence[tuple[str, str]], pictures: bool = True) -> bytes:
    """profile_report_pack from the pack's numbers (e.g. answered by the engine)."""
    tables = tables_of(numbers)
    drawn: dict[str, bytes] = {}
    note = "Not asked for."
    if pictures:
        try:
            drawn = profile_pictures(figures_of(numbers))
            note = "The page's charts as PNG pictures (kaleido with Chromium), under the native Excel charts."
        except ImageRenderError as error:
            note = str(error)
    about = [*about, ("Chart pictures", note)]
    return to_xlsx_bytes(tables, about, profile_charts(tables, numbers.names), drawn)


def queried_numbers(source: VersionSource, filters: Filters) -> ProfileNumbers:
    """The pack's numbers answered by the engine (core.analysis.sql): the same tables, no frame of customers."""
    profile = sql_profile_segments(source, filters)
    return ProfileNumbers(
        list(source.segment_names),
        profile,
        sql_profiles.demographic_mix(source, filters),
        sql_profiles.compare_to_base(source, filters),
        segment_insights(profile=profile),
        describe_personas(profile=profile, reference=sql_profiles.base_profile(source)),
        sql_profiles.timing_by_segment(source, filters),
        sql_profiles.rfm_crosstab(source, filters),
    )
