"""The sidebar's filter widgets that need more than one Streamlit call: age, balance, location, RFM, audience.

ui.sidebar draws them in order and turns their values into Filters; each function here draws one filter and
returns its value (callbacks run before the widgets are drawn, so they change the kept values, not the widgets).
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from core.analysis.filters import FilterOptions, Filters
from core.analysis.sql.audiences import check_rule
from core.config import MAX_LOCATION_OPTIONS
from core.pipeline.persistence import Artifacts
from core.present.formats import format_inr, format_inr_short
from core.present.markdown import escape_markdown
from ui.audiences import audience_store, listed_audiences
from ui.cache import per_source
from ui.state import KEPT_KEY, LOCATION_MATCH_KEY

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


def balance_steps(options: FilterOptions) -> list[int]:
    """The round balance steps covering this dataset's balances."""
    top = options.balance_max or 0
    steps = [s for s in BALANCE_STEPS if s < top] + [int(np.ceil(top))]
    return sorted(set(steps))


def nearest_step(value: float, steps: list[int]) -> int:
    """The balance step closest to a value from the URL."""
    return min(steps, key=lambda s: abs(s - value))


def age_filter(options: FilterOptions, start: dict) -> tuple[tuple[int, int] | None, bool | None, object]:
    """The age slider and the unknown-age choice: a narrowed range leaves unknown ages out unless ticked.

    Returns the range (None for a dataset without ages), the unknown-age choice and a place under it for
    unknown_age_note (None when there is no slider).
    """
    side, chosen = st.sidebar, start["age_unknown"]
    if options.age_min is None:
        return None, None, None
    if options.age_min == options.age_max:  # a slider needs min < max
        side.caption(f"Age: every customer of known age is {options.age_min}.")
        include = side.checkbox("Include customers of unknown age", chosen is not False, key="age_unknown")
        return None, include, None
    age = side.slider(
        "Age", options.age_min, options.age_max, start["age"], key="age", help="Age in years at the latest transaction."
    )
    if tuple(age) != (options.age_min, options.age_max):
        include = side.checkbox(
            "Also include customers of unknown age",
            bool(chosen),
            key="age_unknown_narrowed",
            help="A narrowed age range shows customers whose age is known and in the range; tick this to add the "
            "customers whose birth date is unknown.",
        )
    else:
        include = side.checkbox("Include customers of unknown age", chosen is not False, key="age_unknown")
    return age, include, side.empty()


def unknown_age_note(place, filters: Filters, count: int) -> None:
    """Under the unknown-age choice: how many customers it adds or leaves out with the other filters."""
    if place is None or count == 0:
        return
    many = f"{count:,} customer{'s' if count != 1 else ''} of unknown age"
    if filters.unknown_age_included:
        place.caption(f"Includes {many}.")
    else:
        place.caption(f"Leaves out {many}{'; tick to add them' if filters.age_range else ''}.")


def balance_filter(options: FilterOptions, start: dict) -> tuple[tuple[int, int] | None, list[int]]:
    """The balance slider over round steps shown in lakh and crore; returns its value and the steps."""
    steps = balance_steps(options) if options.balance_max is not None else []
    if len(steps) == 1:
        st.sidebar.caption(f"Account balance: at most {format_inr(steps[0])} for every customer.")
    if len(steps) < 2:
        return None, steps
    balance = st.sidebar.select_slider(
        "Account balance (INR)",
        steps,
        start["balance"],
        key="balance",
        format_func=format_inr_short,
        help=f"Latest balance, from {format_inr(steps[0])} to {format_inr(steps[-1])} "
        f"({format_inr_short(steps[-1])}; 1 lakh = ₹1,00,000, 1 crore = ₹1,00,00,000). Both ends at the extremes: "
        "no balance filter (overdrafts and unknown balances included).",
    )
    return balance, steps


def matching_locations(options: FilterOptions, text: str | None) -> list[str]:
    """The offered locations whose name contains the text (any letter case), biggest first."""
    needle = (text or "").strip().casefold()
    return [loc for loc in options.locations[:MAX_LOCATION_OPTIONS] if needle and needle in loc.casefold()]


def _add_matching_locations(options: FilterOptions) -> None:
    """Add every offered location containing the typed text to the location filter (a button callback)."""
    chosen = list(st.session_state.get("location", st.session_state[KEPT_KEY]["location"]))
    chosen += [
        loc for loc in matching_locations(options, st.session_state.get(LOCATION_MATCH_KEY)) if loc not in chosen
    ]
    st.session_state[KEPT_KEY] = {**st.session_state[KEPT_KEY], "location": chosen}
    st.session_state.pop("location", None)  # redrawn from the kept values, which now hold the matches
    st.session_state[LOCATION_MATCH_KEY] = ""


def location_filter(options: FilterOptions, start: dict) -> list[str]:
    """Locations: Enter picks the first match (the exact name when there is one); adding all matches is separate."""
    side = st.sidebar
    locations = side.multiselect(
        "Location",
        options.locations[:MAX_LOCATION_OPTIONS],
        start["location"],
        key="location",
        placeholder="All locations (type to search)",
        select_all=False,  # else Enter selects every match ('19 matches' for MUMBAI), not the location typed
        help="Biggest first. Type a name and press Enter to pick it; to pick every location containing a word "
        "(MUMBAI, NAVI MUMBAI...), use 'Add all matching locations' below.",
    )
    with side.popover("Add all matching locations", icon=":material/playlist_add:"):
        text = st.text_input("Locations containing", key=LOCATION_MATCH_KEY, placeholder="e.g. MUMBAI")
        matches = [m for m in matching_locations(options, text) if m not in locations]
        st.caption(
            escape_markdown(", ".join(matches[:8]) + (f" and {len(matches) - 8:,} more" if len(matches) > 8 else ""))
        )
        st.button(
            f"Add {len(matches):,} location{'s' if len(matches) != 1 else ''}",
            key="location_add_matches",
            disabled=not matches,
            on_click=_add_matching_locations,
            args=(options,),
        )
    return locations


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


def audience_names(artifacts: Artifacts) -> list[str]:
    """The names of the active dataset's saved audiences."""
    listed, _ = listed_audiences(audience_store(artifacts))  # the audience filter shows the problem, if any
    return [a.name for a in listed]


def audience_filter(artifacts: Artifacts, start: dict) -> tuple[str, str] | None:
    """The saved-audience filter: (name, rule) of the chosen audience, or None for everyone."""
    listed, problem = listed_audiences(audience_store(artifacts))
    if problem:
        st.sidebar.warning(escape_markdown(problem), icon=":material/database:")
    audiences = {a.name: a for a in listed}
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
        per_source(artifacts, check_rule, rule=audiences[picked].rule)
    except ValueError as exc:
        st.sidebar.warning(f"The audience {escape_markdown(picked)} can't be applied here: {escape_markdown(exc)}")
        return None
    return (picked, audiences[picked].rule)
