"""The sidebar's widget choices and bounds read by the engine (filters.filter_options, without the frames)."""

from __future__ import annotations

import math

import pandas as pd

from core.analysis.explore import GENDER_ORDER
from core.analysis.filters import FilterOptions
from core.analysis.sql.source import VersionSource
from core.pipeline.rfm import RFM_SEGMENTS


def filter_options(source: VersionSource) -> FilterOptions:
    """Segments in order, genders, age and balance bounds, locations biggest first, the date range, RFM segments."""
    bounds = source.query(
        """SELECT min(age) FILTER (WHERE NOT isnan(age)) AS age_lo, max(age) FILTER (WHERE NOT isnan(age)) AS age_hi,
            min(balance) FILTER (WHERE NOT isnan(balance)) AS bal_lo,
            max(balance) FILTER (WHERE NOT isnan(balance)) AS bal_hi FROM base_customers"""
    ).iloc[0]
    dates = source.query("SELECT min(date) AS lo, max(date) AS hi FROM transactions").iloc[0]
    genders = set(
        source.query("SELECT DISTINCT gender::VARCHAR AS g FROM base_customers WHERE gender IS NOT NULL")["g"]
    )
    locations = source.query(
        "SELECT location::VARCHAR AS location, count(*) AS n FROM base_customers WHERE location IS NOT NULL "
        "GROUP BY location ORDER BY n DESC, location ASC"
    )["location"]
    rfm = set(source.query("SELECT DISTINCT rfm_segment AS s FROM customers WHERE rfm_segment IS NOT NULL")["s"])

    def whole(value, rounding):
        return None if pd.isna(value) else rounding(float(value))

    return FilterOptions(
        segments=tuple(source.segment_names),
        genders=tuple(g for g in GENDER_ORDER if g in genders) + tuple(sorted(genders - set(GENDER_ORDER))),
        age_min=whole(bounds["age_lo"], math.floor),
        age_max=whole(bounds["age_hi"], math.ceil),
        balance_min=None if pd.isna(bounds["bal_lo"]) else float(math.floor(bounds["bal_lo"])),
        balance_max=None if pd.isna(bounds["bal_hi"]) else float(math.ceil(bounds["bal_hi"])),
        locations=tuple(locations),
        date_min=None if pd.isna(dates["lo"]) else pd.Timestamp(dates["lo"]).date(),
        date_max=None if pd.isna(dates["hi"]) else pd.Timestamp(dates["hi"]).date(),
        rfm_segments=tuple(s for s in RFM_SEGMENTS if s in rfm),
    )
