"""Audiences in the app: the active dataset's store, who is saving, audience sizes counted by the engine, and the
rule builder widgets."""

from __future__ import annotations

from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from core.analysis.audience_rules import DATE_FIELDS, FIELD_LABELS, NUMBER_FIELDS, TEXT_FIELDS, parse_rule
from core.analysis.sql.audiences import customer_columns, field_range, field_values, saved_sizes
from core.config import AUDIENCE_DB_URL
from core.pipeline.audience_store import Audience, AudienceDatabaseError, AudienceStore
from core.pipeline.audiences import open_audience_store
from core.pipeline.persistence import Artifacts
from ui.auth import sign_in_mode
from ui.cache import per_source

RULE_KEY = "audience_rule"
AUDIENCE_PARAM = "audience"  # the URL parameter (and sidebar filter) of a saved audience
OPERATORS = {
    "text": ("=", "!=", "in", "not in"),
    "number": (">=", "<=", "=", "!=", ">", "<", "between"),
    "date": (">=", "<=", "between"),
}


def audience_store(artifacts: Artifacts) -> AudienceStore:
    """The saved audiences of the active dataset (shared by every user of the app; SEGMENTATION_AUDIENCE_DB: by
    every app server pointed at that database)."""
    return open_audience_store(artifacts.folder, AUDIENCE_DB_URL)


def listed_audiences(store: AudienceStore) -> tuple[list[Audience], str | None]:
    """The saved audiences, or none and the message to show when the audience database can't be used."""
    try:
        return store.list(), None
    except AudienceDatabaseError as exc:
        return [], f"Saved audiences can't be shown: {exc}."


def signed_in_name() -> str | None:
    """The signed-in user's e-mail or name with OIDC sign-in; None when the app cannot tell who is using it."""
    if sign_in_mode() != "oidc":
        return None
    return st.user.get("email") or st.user.get("name") or None


def _quoted(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _number(value: float) -> str:
    """A number as the rule language reads it: '1000000', '2.5'."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _kind(field: str) -> str:
    return "text" if field in TEXT_FIELDS else ("date" if field in DATE_FIELDS else "number")


def _append(condition: str) -> None:
    """Add a condition to the rule being built, joined with 'and'."""
    current = str(st.session_state.get(RULE_KEY, "")).strip()
    st.session_state[RULE_KEY] = f"{current} and {condition}" if current else condition


def condition_builder(artifacts: Artifacts) -> None:
    """Pick a field, an operator and a value, then add the condition to the rule text (joined with 'and')."""
    columns = per_source(artifacts, customer_columns)
    fields = [f for f in (*TEXT_FIELDS, *NUMBER_FIELDS, *DATE_FIELDS) if f in columns]
    cols = st.columns([2, 1, 3, 1], vertical_alignment="bottom")
    field = cols[0].selectbox("Field", fields, key="builder_field", format_func=lambda f: FIELD_LABELS.get(f, f))
    kind = _kind(field)
    op = cols[1].selectbox("Operator", OPERATORS[kind], key=f"builder_op_{kind}")
    if kind == "text":
        choices = per_source(artifacts, field_values, field=field)
        picked = cols[2].multiselect(
            "Values", choices, key=f"builder_values_{field}", max_selections=None if op in ("in", "not in") else 1
        )
        condition = (
            (
                f"{field} {op} ({', '.join(map(_quoted, picked))})"
                if op in ("in", "not in")
                else f"{field} {op} {_quoted(picked[0])}"
            )
            if picked
            else None
        )
    elif kind == "number":
        if op == "between":
            low, high = cols[2].columns(2)
            a = low.number_input("From", value=0.0, key="builder_from")
            b = high.number_input("To", value=100.0, key="builder_to")
            condition = f"{field} between {_number(a)} and {_number(b)}"
        else:
            condition = f"{field} {op} {_number(cols[2].number_input('Value', value=0.0, key='builder_value'))}"
    else:
        first, last = per_source(artifacts, field_range, field=field)
        picked = cols[2].date_input(
            "Dates" if op == "between" else "Date",
            key=f"builder_date_{op}",
            value=(first, last) if op == "between" else first,
            format="DD/MM/YYYY",
        )
        dates = list(picked) if isinstance(picked, tuple | list) else [picked]
        condition = (
            (
                f"{field} between '{dates[0]:%Y-%m-%d}' and '{dates[-1]:%Y-%m-%d}'"
                if op == "between"
                else f"{field} {op} '{dates[0]:%Y-%m-%d}'"
            )
            if dates and dates[0]
            else None
        )
    cols[3].button(
        "Add",
        key="builder_add",
        on_click=_append,
        args=(condition,),
        disabled=condition is None,
        help="Adds this condition to the rule with 'and'. Edit the text for 'or' and parentheses.",
    )


def audience_url(name: str) -> str:
    """A link that opens the app with this audience as the sidebar filter."""
    return "/?" + urlencode({AUDIENCE_PARAM: name})


def saved_table(audiences: list[Audience], sizes: list[int | None]) -> pd.DataFrame:
    """The saved audiences as a table: name, description, rule, size, who and when, and a link."""
    return pd.DataFrame(
        {
            "Audience": [a.name for a in audiences],
            "Customers": pd.array(sizes, dtype="Int64"),
            "Description": [a.description for a in audiences],
            "Rule": [a.rule for a in audiences],
            "Created by": [a.created_by for a in audiences],
            "Created (UTC)": pd.to_datetime([a.created_at for a in audiences], utc=True).tz_localize(None),
            "Link": [audience_url(a.name) for a in audiences],
        }
    )


def saved_audience_sizes(artifacts: Artifacts, audiences: list[Audience]) -> dict[str, int | None]:
    """Each saved audience's size, counted by the engine (None when its rule no longer applies to this dataset)."""
    sizes = per_source(artifacts, saved_sizes, rules=tuple(a.rule for a in audiences))
    return dict(zip([a.name for a in audiences], sizes, strict=True))


def forget_deleted(key: str, names: list[str]) -> None:
    """Drop audiences that no longer exist (deleted here or by another user) from a picker's remembered choice.

    Streamlit keeps a widget's value in the session; without this, an overlap picker would still hold a deleted
    audience. An emptied multi-choice is forgotten altogether, so the picker starts from its default again.
    """
    if key not in st.session_state:
        return
    value = st.session_state[key]
    if isinstance(value, list | tuple):
        kept = [v for v in value if v in names]
        if kept:
            st.session_state[key] = kept
        else:
            del st.session_state[key]
    elif value not in names:
        del st.session_state[key]


def save_audience(store: AudienceStore, name: str, description: str, rule: str, author: str) -> Audience:
    """Check the rule, then save; ValueError (RuleError or AudienceError) with a message when it can't be saved."""
    parse_rule(rule)
    try:
        return store.save(name, description, rule, author)
    except AudienceDatabaseError as exc:
        raise AudienceDatabaseError(
            f"{exc}. Your rule, name and description are still here: save again once it is back"
        ) from None


def usable_audiences(artifacts: Artifacts) -> dict[str, str]:
    """Saved audiences whose rule applies to this dataset, as name -> rule."""
    audiences, _ = listed_audiences(audience_store(artifacts))  # the sidebar says when the database is down
    sizes = saved_audience_sizes(artifacts, audiences)
    return {a.name: a.rule for a in audiences if sizes[a.name] is not None}
