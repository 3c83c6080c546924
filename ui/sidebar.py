"""The sidebar filters shared by every page.

A new session takes its filters from the URL; the widgets' values are then kept in session state from page to
page, and every run writes the filters back to the URL, so a view can be bookmarked or shared as a link.
(Streamlit's `bind="query-params"` drops a page's bound parameters when switching pages, hence this.)
Values of a link that can't be used are named in a note. Page choices such as the map's axes travel the same
way (page_setting / keep_page_setting). The widgets themselves are in ui.filter_widgets. Every page draws them with
sidebar_query_filters: the options and the match count are engine queries cached per (dataset version, filters)
in ui.cache, so switching pages costs nothing and no filtered frame of customers is built.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import streamlit as st

from core.analysis.filter_urls import audience_from_query, filters_to_query, read_filters_query
from core.analysis.filters import FilterOptions, Filters, normalise_filters
from core.analysis.sql.aggregates import count_customers
from core.pipeline.persistence import Artifacts
from core.present.filter_text import describe_filters
from core.present.formats import gender_label
from core.present.markdown import escape_markdown
from ui.cache import cached_query_options, per_query
from ui.filter_widgets import (
    age_filter,
    audience_filter,
    audience_names,
    balance_filter,
    balance_steps,
    location_filter,
    nearest_step,
    rfm_filter,
    unknown_age_note,
)
from ui.navigation import draw_navigation
from ui.state import (
    DATASET_KEY,
    FILTER_KEYS,
    KEPT_KEY,
    LINK_NOTES_KEY,
    PAGE_SETTING_NAMES,
    PAGE_SETTINGS_KEY,
    SEEDED_KEY,
)


def _restore_filters(artifacts: Artifacts, options: FilterOptions, version: str) -> dict:
    """The filter values to start the widgets with: from the URL on a new session or dataset, else the kept copy.

    The URL seeds a session once (a bookmark or a shared link); after that the values kept from page to page
    are the truth. Switching dataset re-reads the URL, clamping the filters to the new ranges. Values of the
    link that can't be used are noted (shown until the filters change).
    """
    if st.session_state.get(SEEDED_KEY) != version:
        for key in FILTER_KEYS:  # widget state of another dataset may lie outside this one's ranges
            st.session_state.pop(key, None)
        st.session_state[SEEDED_KEY] = version
        params = st.query_params.to_dict()
        filters, notes = read_filters_query(params, options)
        audience = audience_from_query(params) or ""
        if audience and audience.casefold() not in {n.casefold() for n in audience_names(artifacts)}:
            notes = [*notes, f"Audience '{audience}' is not saved for this dataset"]
        st.session_state[KEPT_KEY] = {**_widget_values(filters, options), "audience": audience}
        st.session_state[LINK_NOTES_KEY] = (filters, notes)
        st.session_state[PAGE_SETTINGS_KEY] = {k: str(params[k]) for k in PAGE_SETTING_NAMES if k in params}
    return st.session_state[KEPT_KEY]


def _widget_values(f: Filters, options: FilterOptions) -> dict:
    """The widget values that show these filters (ranges clamped to this dataset's options)."""
    seeds = {
        "audience": f.audience[0] if f.audience else "",
        "rfm": list(f.rfm_segments),
        "segment": list(f.segments),
        "gender": list(f.genders),
        "location": list(f.locations),
        "age_unknown": f.include_unknown_age,
    }
    if options.age_min is not None:
        seeds["age"] = f.age_range or (options.age_min, options.age_max)
    if options.balance_max is not None:
        steps = balance_steps(options)
        lo, hi = f.balance_range or (steps[0], steps[-1])
        seeds["balance"] = (nearest_step(lo, steps), nearest_step(hi, steps))
    if options.date_min is not None:
        seeds["dates"] = f.date_range or (options.date_min, options.date_max)
    return seeds


def _reset_filters(options: FilterOptions) -> None:
    """Every filter back to 'all customers' (a button callback: runs before the widgets are drawn)."""
    for key in FILTER_KEYS:
        st.session_state.pop(key, None)
    st.session_state[KEPT_KEY] = _widget_values(Filters(), options)
    st.session_state[LINK_NOTES_KEY] = (None, [])


def page_setting(name: str, default: str) -> str:
    """A page choice kept in the URL and from page to page (e.g. the map's axes); `default` when never set."""
    return st.session_state.setdefault(PAGE_SETTINGS_KEY, {}).get(name, default)


def keep_page_setting(name: str, value: object) -> None:
    """Remember a page choice for the next visit and put it in the URL (so a link or bookmark keeps it)."""
    text = str(value)
    st.session_state.setdefault(PAGE_SETTINGS_KEY, {})[name] = text
    if st.query_params.get(name) != text:
        st.query_params[name] = text


def _write_url(filters: Filters) -> dict[str, str]:
    """Put the active filters, the dataset and kept page choices in the URL (to bookmark the view); return it."""
    query = filters_to_query(filters)
    if DATASET_KEY in st.query_params:
        query[DATASET_KEY] = st.query_params[DATASET_KEY]
    query.update(st.session_state.get(PAGE_SETTINGS_KEY, {}))
    if st.query_params.to_dict() != query:
        st.query_params.from_dict(query)
    return query


def sidebar_query_filters(artifacts: Artifacts) -> tuple[Filters, int]:
    """Draw the same filters for a page answered by engine queries: return them and how many customers match.

    The options and the counts are queries (core.analysis.sql), so no filtered frame is built for these pages.
    """
    options = cached_query_options(str(artifacts.folder), tuple(artifacts.card.params.segment_names))

    def unknown_ages(filters: Filters) -> int:  # the customers the unknown-age choice adds or leaves out
        others = replace(filters, age_range=None, include_unknown_age=True)
        known = replace(others, include_unknown_age=False)
        return per_query(artifacts, others, count_customers) - per_query(artifacts, known, count_customers)

    filters, query = _draw_filters(artifacts, options, unknown_ages)
    matching = per_query(artifacts, filters, count_customers)
    _say_matches(filters, query, matching, artifacts.card.rows.customers)
    return filters, matching


def _say_matches(filters: Filters, query: dict[str, str], matching: int, total: int) -> None:
    """'**n** of N customers match', the filters in words, and the page links that keep them."""
    st.sidebar.markdown(f"**{matching:,}** of {total:,} customers match")
    if filters.is_active:
        st.sidebar.caption(escape_markdown(describe_filters(filters)))
    draw_navigation(query)


def _draw_filters(
    artifacts: Artifacts, options: FilterOptions, unknown_ages: Callable[[Filters], int]
) -> tuple[Filters, dict[str, str]]:
    """The filter widgets, seeded from the URL or the kept values; the Filters they say and the URL query.

    `unknown_ages(filters)` counts the customers of unknown age matching the other filters (for the note under
    the unknown-age choice).
    """
    version = str(artifacts.folder)
    start = _restore_filters(artifacts, options, version)
    side = st.sidebar
    head, button = side.columns([3, 2], vertical_alignment="center")
    head.header("Filters")
    button.button(
        "Reset",
        key="reset_filters",
        icon=":material/restart_alt:",
        on_click=_reset_filters,
        args=(options,),
        help="Show all customers again.",
    )
    notes_place = side.empty()
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
    age, include_unknown, age_note = age_filter(options, start)
    balance, steps = balance_filter(options, start)
    locations = location_filter(options, start)
    dates = None
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
    st.session_state[KEPT_KEY] = {  # for the next page (Streamlit drops a widget's state on pages without it)
        "audience": audience[0] if audience else "",
        "rfm": rfm,
        "segment": segments,
        "gender": genders,
        "location": locations,
        "age_unknown": filters.include_unknown_age,
        "age": age,
        "balance": balance,
        "dates": tuple(dates) if dates else None,
    }
    if age_note is not None:
        unknown_age_note(age_note, filters, unknown_ages(filters))
    linked, notes = st.session_state.get(LINK_NOTES_KEY, (None, []))
    if notes and linked == replace(filters, audience=None):  # shown until the filters change
        notes_place.warning(
            escape_markdown("Some filters in the link could not be used: " + "; ".join(notes) + "."),
            icon=":material/link_off:",
        )
    return filters, _write_url(filters)
