"""The sidebar filters shared by every page.

Every widget is bound to the URL (`bind="query-params"`), so the filters persist across pages, survive a
reload and can be bookmarked or shared as a link. The filtered customers are cached per (dataset version,
filters) so switching pages with the same filters costs nothing.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import streamlit as st

from core.filters import FilterOptions, Filters, apply_filters, describe_filters, filter_options
from core.persistence import Artifacts
from core.profiles import format_inr

GENDER_LABELS = {"M": "Male", "F": "Female", "other": "Other", "unknown": "Unknown"}
# Balances span 0 to 10^8: a slider over round, log-spaced steps is usable where a linear one is not.
BALANCE_STEPS = (0, 100, 500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000,
                 1_000_000, 2_500_000, 5_000_000, 10_000_000, 25_000_000, 50_000_000, 100_000_000)
MAX_LOCATION_OPTIONS = 3_000  # the long tail beyond this holds a handful of customers each


@st.cache_resource(max_entries=4, show_spinner=False)
def cached_options(version: str, _customers: pd.DataFrame, _transactions: pd.DataFrame) -> FilterOptions:
    """Widget choices and bounds of one dataset version."""
    return filter_options(_customers, _transactions)


@st.cache_resource(max_entries=32, show_spinner=False)
def cached_view(version: str, filters: Filters, _customers: pd.DataFrame, _transactions: pd.DataFrame) -> pd.DataFrame:
    """The customers matching the filters (shared, read-only)."""
    return apply_filters(_customers, filters, _transactions)


def balance_steps(options: FilterOptions) -> list[int]:
    """The round balance steps covering this dataset's balances."""
    top = options.balance_max or 0
    steps = [s for s in BALANCE_STEPS if s < top] + [int(np.ceil(top))]
    return sorted(set(steps))


def sidebar_filters(artifacts: Artifacts) -> tuple[Filters, pd.DataFrame]:
    """Draw the filters; return them and the matching customers, and say how many match."""
    version = str(artifacts.folder)
    options = cached_options(version, artifacts.customers, artifacts.transactions)
    side = st.sidebar
    side.header("Filters")
    segments = side.multiselect("Segment", options.segments, key="segment", bind="query-params",
                                placeholder="All segments", help="Budget segments, lowest to highest.")
    genders = side.multiselect("Gender", options.genders, key="gender", bind="query-params",
                               format_func=lambda g: GENDER_LABELS.get(g, g), placeholder="All genders")
    age_range, include_unknown = None, True
    if options.age_min is not None:
        lo, hi = options.age_min, options.age_max
        picked = side.slider("Age", lo, hi, (lo, hi), key="age", bind="query-params",
                             help="Age in years at the latest transaction.")
        include_unknown = side.checkbox("Include customers of unknown age", True, key="age_unknown",
                                        bind="query-params")
        age_range = None if tuple(picked) == (lo, hi) else tuple(picked)
    balance_range = None
    if options.balance_max is not None:
        steps = balance_steps(options)
        picked = side.select_slider("Account balance (INR)", steps, (steps[0], steps[-1]), key="balance",
                                    bind="query-params", format_func=lambda v: format_inr(v))
        balance_range = None if tuple(picked) == (steps[0], steps[-1]) else tuple(picked)
    locations = side.multiselect("Location", options.locations[:MAX_LOCATION_OPTIONS], key="location",
                                 bind="query-params", placeholder="All locations (type to search)",
                                 help="Biggest first. Type to search.")
    date_range = None
    if options.date_min is not None:
        picked = side.date_input("Transaction dates", (options.date_min, options.date_max), options.date_min,
                                 options.date_max, key="dates", bind="query-params", format="DD/MM/YYYY",
                                 help="Customers with at least one transaction in this period.")
        if isinstance(picked, tuple | list) and len(picked) == 2 and tuple(picked) != (options.date_min,
                                                                                        options.date_max):
            date_range = (date.fromisoformat(str(picked[0])), date.fromisoformat(str(picked[1])))
    filters = Filters(segments=segments, genders=genders, age_range=age_range, include_unknown_age=include_unknown,
                      balance_range=balance_range, locations=locations, date_range=date_range)
    view = cached_view(version, filters, artifacts.customers, artifacts.transactions)
    total = len(artifacts.customers)
    side.markdown(f"**{len(view):,}** of {total:,} customers match")
    if filters.is_active:
        side.caption(describe_filters(filters))
    return filters, view
