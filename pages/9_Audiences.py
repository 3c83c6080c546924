"""Audiences: build an audience from rules, see its size live, save it for everyone, and compare saved ones."""

import streamlit as st

from core.analysis.audience_rules import RuleError, field_table
from core.analysis.sql.audiences import rule_size
from core.present.formats import format_count, format_share
from core.present.markdown import escape_markdown
from ui.audience_sections import manage_saved, overlap_section
from ui.audiences import (
    RULE_KEY,
    audience_store,
    condition_builder,
    listed_audiences,
    save_audience,
    saved_audience_sizes,
    saved_table,
    signed_in_name,
)
from ui.cache import per_query
from ui.page import open_page
from ui.sidebar import sidebar_query_filters
from ui.widgets import kpi_row

st.set_page_config(page_title="Audiences · Segment Studio", page_icon="assets/icon.svg", layout="wide")
artifacts = open_page("Audiences", "Who should get this campaign? Build an audience from rules, save it, compare.")
filters, _ = sidebar_query_filters(artifacts)
store = audience_store(artifacts)

st.subheader("Build an audience")
condition_builder(artifacts)
rule = st.text_area(
    "Rule",
    key=RULE_KEY,
    placeholder="segment = 'High' and age between 25 and 40",
    help="Conditions joined by 'and' / 'or', grouped with parentheses; text in quotes; dates "
    "as 'YYYY-MM-DD'. Press Ctrl+Enter to update the size.",
)
with st.expander("Fields and examples"):
    st.markdown(
        "`segment = 'High' and (location in ('MUMBAI', 'PUNE') or balance >= 100000)` · "
        "`rfm_segment = 'Champions' and gender = 'F'` · `age is missing` · "
        "`last_date between '2016-08-01' and '2016-08-31'`"
    )
    st.dataframe(field_table(), hide_index=True)
size = None
if rule.strip():
    try:
        size = per_query(artifacts, filters, rule_size, rule=rule)  # counted by the engine
    except RuleError as exc:
        st.error(f"This rule can't be used: {escape_markdown(exc)}", icon=":material/rule:")
    else:
        kpi_row(
            [
                ("Audience size", format_count(size.customers), "Customers the rule selects, of all customers."),
                ("Share of all customers", format_share(size.share, 1), "Audience size / all customers."),
                (
                    "Also matching the sidebar",
                    format_count(size.in_view),
                    "Of the audience, those who also match the sidebar filters.",
                ),
            ]
        )
        for note in size.notes:
            st.caption(f"Note: {escape_markdown(note)}.")

with st.form("save_audience"):
    name = st.text_input("Name", max_chars=80, key="audience_name")
    description = st.text_area("Description", max_chars=500, key="audience_description", height=68)
    author = signed_in_name() or st.text_input(
        "Your name",
        max_chars=120,
        key="audience_author",
        help="Recorded with the audience (sign-in is not configured).",
    )
    saved = st.form_submit_button("Save audience", type="primary", disabled=size is None)
if saved:
    try:
        audience = save_audience(store, name, description, rule, author)
    except ValueError as exc:
        st.error(f"Not saved: {escape_markdown(exc)}")
    else:
        st.success(f"Saved **{escape_markdown(audience.name)}** ({format_count(size.customers)} customers).")

st.subheader("Saved audiences")
audiences, problem = listed_audiences(store)
if problem:
    st.error(escape_markdown(problem), icon=":material/database:")
    st.stop()
if not audiences:
    st.info("No audience is saved yet for this dataset. Build one above and save it.")
    st.stop()
sizes = saved_audience_sizes(artifacts, audiences)
st.dataframe(
    saved_table(audiences, list(sizes.values())),
    hide_index=True,
    column_config={
        "Link": st.column_config.LinkColumn(display_text="Open in the app", help="Every page, filtered to it."),
        "Customers": st.column_config.NumberColumn(format="%,d", help="Empty: the rule no longer fits this dataset."),
    },
)
rules = {a.name: a.rule for a in audiences}
manage_saved(store, artifacts, rules, sizes)
overlap_section(artifacts, rules, sizes)
