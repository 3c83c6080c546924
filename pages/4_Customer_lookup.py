"""Customer lookup: many customers at once by ID, with their segment, scores and what sets each apart."""

import streamlit as st

from core.analysis.sql.lookup import first_ids
from core.config import MAX_DETAILS, MAX_ID_OPTIONS, MAX_LOOKUP
from core.present.markdown import escape_markdown
from core.scoring.lookup import look_up_in_source, parse_id_list
from core.scoring.lookup import scores_table as readable_scores
from ui.cache import per_query, source_of
from ui.forms import customer_details, lookup_columns
from ui.page import open_page
from ui.sidebar import sidebar_query_filters
from ui.tables import coloured_segments, lookup_column_config
from ui.widgets import download_csv, segment_heading

st.set_page_config(page_title="Customer lookup · Segment Studio", page_icon="assets/icon.svg", layout="wide")
artifacts = open_page("Customer lookup", "Which segment is this customer in, and why?")
filters, _ = sidebar_query_filters(artifacts)
models = artifacts.models
names = list(models.segment_names)

options = per_query(artifacts, filters, first_ids, limit=MAX_ID_OPTIONS)
pick_col, paste_col = st.columns(2)
picked = pick_col.multiselect(
    "Pick customers",
    options,
    key="lookup_pick",
    accept_new_options=True,
    placeholder="Type a customer ID, e.g. " + (options[0] if options else "C1010006"),
    help=f"Offers the first {len(options):,} customers matching the sidebar filters (in ID order); type any "
    "other ID and press Enter to add it.",
)
pasted = paste_col.text_area(
    "…or paste a list of IDs",
    key="lookup_paste",
    height=100,
    placeholder="C1010006, C1010022\nC1010032",
    help=f"Separated by commas, semicolons, spaces or new lines; up to {MAX_LOOKUP:,} at once. The whole customer "
    "base is searched, whatever the filters. Press Ctrl+Enter (or click outside) to look them up.",
)
ids = [*picked, *parse_id_list(pasted or "")]
if not ids:
    st.info(
        "Pick customers above or paste a list of IDs to see their segment, how sure the model is, and what "
        "sets each of them apart.",
        icon=":material/person_search:",
    )
    st.stop()

result = look_up_in_source(models, source_of(artifacts), ids, filters)  # the sorted Parquet, not a scan
if result.unknown:
    shown = ", ".join(result.unknown[:50]) + (
        f" and {len(result.unknown) - 50:,} more" if len(result.unknown) > 50 else ""
    )
    st.warning(
        f"{len(result.unknown):,} ID{'s' if len(result.unknown) > 1 else ''} not found in this dataset: "
        f"{escape_markdown(shown)}. Check for typing mistakes.",
        icon=":material/help:",
    )
if result.skipped:
    st.warning(f"Only the first {MAX_LOOKUP:,} distinct IDs were looked up; {result.skipped:,} more were skipped.")
table = result.table
if table.empty:
    st.stop()

st.subheader(f"{len(table):,} customer{'s' if len(table) > 1 else ''} found")
if result.outside_filters:
    st.caption(
        f"{len(result.outside_filters):,} of them do not match the sidebar filters (see 'In filters'); "
        "they are shown anyway because a lookup searches every customer."
    )
st.dataframe(
    coloured_segments(table, names),
    hide_index=True,
    column_order=lookup_columns(filters.is_active),
    column_config=lookup_column_config(names, filters.is_active),
    placeholder="–",
)
st.caption(
    "Stands out: first what decides the segment, then what else differs from the typical customer. Classifier "
    "agrees: the classifier's probability for that segment. The download also has every feature, each segment's "
    "probability, the distance to each segment's centre and the dates."
)
download_csv(
    lambda: readable_scores(table),
    "customer_lookup",
    filters,
    key="lookup_download",
    label="Download these customers (CSV)",
    as_customers=False,
    rows=len(table),
)

st.subheader("Customer by customer")
if len(table) > MAX_DETAILS:
    st.caption(f"Details of the first {MAX_DETAILS} customers; every customer is in the table and the download.")
for i, row in table.head(MAX_DETAILS).iterrows():
    edge = f" · {escape_markdown(row['boundary'])}" if row["boundary"] else ""
    with st.expander(
        f"{escape_markdown(row['CustomerID'])} · {escape_markdown(row['segment'])}{edge}", expanded=i == 0
    ):
        segment_heading(str(row["segment"]), names, prefix="Segment ")
        customer_details(models, row, names)
