"""The sidebar filters shared by every page.

A new session takes its filters from the URL; the widgets' values are then kept in session state from page to
page, and every run writes the filters back to the URL, so a view can be bookmarked or shared as a link.
(Streamlit's `bind="query-params"` drops a page's bound parameters when switching pages, hence this.)
The filtered customers are cached per (dataset version, filters) in ui.cache, so switching pages costs nothing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from core.analysis.filter_urls import audience_from_query, filters_from_query, filters_to_query
from core.analysis.filters import FilterOptions, Filters, normalise_filters
from core.analysis.sql.aggregates import count_customers
from core.config import MAX_LOCATION_OPTIONS
from core.pipeline.persistence import Artifacts
from core.present.filter_text import describe_filters
from core.present.formats import format_inr, gender_label
from core.present.markdown import escape_markdown
from ui.audiences import audience_store
from ui.cache import cached_options, cached_query_options, cached_rule_mask, cached_view, per_query
from ui.navigation import draw_navigation
from ui.state import DATASET_KEY, FILTER_KEYS, KEPT_KEY, SEEDED_KEY

# Balances span 0 to 10^8: a slider over round, log-spaced steps is usable where a linear one is not.
BALANCE_STEPS = (
    0,
    100,
    500,
    1_000,
    2_500,
    5_000,
    10_000,
    25_000,
    50_000,
    100_000,
    250_000,
    500_000,
    1_000_000,
    2_500_000,
    5_000_000,
    10_000_000,
    25_000_000,
    50_000_000,
    100_000_000,
)


def _balance_steps(options: FilterOptions) -> list[int]:
    """The round balance steps covering this dataset's balances."""
    top = options.balance_max or 0
    steps = [s for s in BALANCE_STEPS if s < top] + [int(np.ceil(top))]
    return sorted(set(steps))


def _nearest_step(value: float, steps: list[int]) -> int:
    """The balance step closest to a value from the URL."""
    return min(steps, key=lambda s: abs(s - value))


def _restore_filters(options: FilterOptions, version: str) -> dict:
    """The filter values to start the widgets with: from the URL on a new session or dataset, else the kept copy.

    The URL seeds a session once (a bookmark or a shared link); after that the values kept from page to page
    are the truth. Switching dataset re-reads the URL, clamping the filters to the new ranges.
    """
    if st.session_state.get(SEEDED_KEY) != version:
        for key in FILTER_KEYS:  # widget state of another dataset may lie outside this one's ranges
            st.session_state.pop(key, None)
        st.session_state[SEEDED_KEY] = version
        st.session_state[KEPT_KEY] = _url_values(options)
    return st.session_state[KEPT_KEY]


def _keep_values(values: dict) -> None:
    """Remember the widgets' values for the next page (Streamlit drops a widget's state on pages without it)."""
    st.session_state[KEPT_KEY] = values


def _url_values(options: FilterOptions) -> dict:
    """Widget values for the filters in the URL, clamped to this dataset's options."""
    f = filters_from_query(st.query_params.to_dict(), options)
    seeds = {
        "audience": audience_from_query(st.query_params.to_dict()) or "",
        "rfm": list(f.rfm_segments),
        "segment": list(f.segments),
        "gender": list(f.genders),
        "location": list(f.locations),
        "age_unknown": f.include_unknown_age,
    }
    if options.age_min is not None:
        seeds["age"] = f.age_range or (options.age_min, options.age_max)
    if options.balance_max is not None:
        steps = _balance_steps(options)
        lo, hi = f.balance_range or (steps[0], steps[-1])
        seeds["balance"] = (_nearest_step(lo, steps), _nearest_step(hi, steps))
    if options.date_min is not None:
        seeds["dates"] = f.date_range or (options.date_min, options.date_max)
    return seeds


def _write_url(filters: Filters) -> dict[str, str]:
    """Put the active filters (and the dataset) in the URL so the view can be bookmarked; return that query."""
    query = filters_to_query(filters)
    if DATASET_KEY in st.query_params:
        query[DATASET_KEY] = st.query_params[DATASET_KEY]
    if st.query_params.to_dict() != query:
        st.query_params.from_dict(query)
    return query


def sidebar_filters(artifacts: Artifacts) -> tuple[Filters, pd.DataFrame]:
    """Draw the filters; return them and the matching customers, and say how many match."""
    version = str(artifacts.folder)
    options = cached_options(version, artifacts.customers, artifacts.transactions)
    filters, query = _draw_filters(artifacts, options)
    view = cached_view(version, filters, artifacts.customers, artifacts.transactions)
    _say_matches(filters, query, len(view), len(artifacts.customers))
    return filters, view


def sidebar_query_filters(artifacts: Artifacts) -> tuple[Filters, int]:
    """Draw the same filters for a page answered by engine queries: return them and how many customers match.

    The options and the count are queries (core.analysis.sql), so no filtered frame is built for these pages.
    """
    options = cached_query_options(str(artifacts.folder), tuple(artifacts.card.params.segment_names))
    filters, query = _draw_filters(artifacts, options)
    matching = per_query(artifacts, filters, count_customers)
    _say_matches(filters, query, matching, artifacts.card.rows.customers)
    return filters, matching


def _say_matches(filters: Filters, query: dict[str, str], matching: int, total: int) -> None:
    """'**n** of N customers match', the filters in words, and the page links that keep them."""
    st.sidebar.markdown(f"**{matching:,}** of {total:,} customers match")
    if filters.is_active:
        st.sidebar.caption(escape_markdown(describe_filters(filters)))
    draw_navigation(query)


def _draw_filters(artifacts: Artifacts, options: FilterOptions) -> tuple[Filters, dict[str, str]]:
    """The filter widgets, seeded from the URL or the kept values; the Filters they say and the URL query."""
    version = str(artifacts.folder)
    start = _restore_filters(options, version)
    side = st.sidebar
    side.header("Filters")
    segments = side.multiselect(
        "Segment",
        options.segments,
        start["segment"],
        key="segment",
        placeholder="All segments",
        help="Budget segments, lowest to highest.",
    )
    genders = side.multiselect(
        "Gender",
        options.genders,
        start["gender"],
        key="gender",
        placeholder="All genders",
        format_func=gender_label,
    )
    age, include_unknown, balance, dates = None, True, None, None
    if options.age_min is not None and options.age_min == options.age_max:  # a slider needs min < max
        side.caption(f"Age: every customer of known age is {options.age_min}.")
        include_unknown = side.checkbox("Include customers of unknown age", start["age_unknown"], key="age_unknown")
    elif options.age_min is not None:
        age = side.slider(
            "Age",
            options.age_min,
            options.age_max,
            start["age"],
            key="age",
            help="Age in years at the latest transaction.",
        )
        include_unknown = side.checkbox("Include customers of unknown age", start["age_unknown"], key="age_unknown")
    steps = _balance_steps(options) if options.balance_max is not None else []
    if len(steps) == 1:
        side.caption(f"Account balance: at most {format_inr(steps[0])} for every customer.")
    elif steps:
        balance = side.select_slider(
            "Account balance (INR)",
            steps,
            start["balance"],
            key="balance",
            format_func=format_inr,
            help="Latest balance. Both ends at the extremes: no "
            "balance filter (overdrafts and unknown balances included).",
        )
    locations = side.multiselect(
        "Location",
        options.locations[:MAX_LOCATION_OPTIONS],
        start["location"],
        key="location",
        placeholder="All locations (type to search)",
        help="Biggest first. Type to search.",
    )
    if options.date_min is not None:
        dates = side.date_input(
            "Transaction dates",
            start["dates"],
            options.date_min,
            options.date_max,
            key="dates",
            format="DD/MM/YYYY",
            help="Customers with at least one transaction in this period.",
        )
        if not (isinstance(dates, tuple | list) and len(dates) == 2):
            dates = start["dates"]  # half-picked range: keep the previous one until the second date is chosen
    rfm = rfm_filter(options, start)
    audience = audience_filter(artifacts, start)
    _keep_values(
        {
            "audience": audience[0] if audience else "",
            "rfm": rfm,
            "segment": segments,
            "gender": genders,
            "location": locations,
            "age_unknown": include_unknown,
            "age": age,
            "balance": balance,
            "dates": tuple(dates) if dates else None,
        }
    )
    whole_balance = balance is None or tuple(balance) == (steps[0], steps[-1])
    filters = normalise_filters(
        Filters(
            segments=segments,
            genders=genders,
            age_range=age,
            include_unknown_age=include_unknown,
            balance_range=None if whole_balance else balance,
            locations=locations,
            date_range=dates,
            rfm_segments=rfm,
            audience=audience,
        ),
        options,
    )
    return filters, _write_url(filters)


def rfm_filter(options: FilterOptions, start: dict) -> list[str]:
    """The RFM segment filter (when the data has RFM segments)."""
    if not options.rfm_segments:
        return []
    chosen = [s for s in start.get("rfm", []) if s in options.rfm_segments]
    return st.sidebar.multiselect(
        "RFM segment",
        options.rfm_segments,
        chosen,
        key="rfm",
        placeholder="All RFM segments",
        help="Recency-frequency segments, best first (see Segment profiles).",
    )


def audience_filter(artifacts: Artifacts, start: dict) -> tuple[str, str] | None:
    """The saved-audience filter: (name, rule) of the chosen audience, or None for everyone."""
    audiences = {a.name: a for a in audience_store(artifacts).list()}
    if not audiences:
        return None
    names = ["", *audiences]
    wanted = next((n for n in audiences if n.casefold() == str(start.get("audience", "")).casefold()), "")
    picked = st.sidebar.selectbox(
        "Audience",
        names,
        names.index(wanted),
        key="audience",
        format_func=lambda n: n or "Everyone (no audience)",
        help="A saved audience (see the Audiences page).",
    )
    if not picked:
        return None
    try:
        cached_rule_mask(str(artifacts.folder), audiences[picked].rule, artifacts.customers)
    except ValueError as exc:
        st.sidebar.warning(f"The audience {escape_markdown(picked)} can't be applied here: {escape_markdown(exc)}")
        return None
    return (picked, audiences[picked].rule)
