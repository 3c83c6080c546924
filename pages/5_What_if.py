"""What-if: the segment of a customer with the numbers you type, what would move them up, and batch scoring."""

import streamlit as st

from core.analysis.filters import Filters
from core.analysis.sql.aggregates import feature_maxima, typical_values
from core.analysis.sql.sample import sample_view
from core.config import BACKGROUND_POINTS
from core.present.filter_text import filters_slug
from core.scoring.whatif import what_if_fields, what_if_row
from ui.cache import per_query
from ui.forms import batch_scoring, feature_inputs, prospect_result
from ui.page import open_page
from ui.sidebar import sidebar_query_filters
from ui.what_if import customer_result, position_chart

st.set_page_config(page_title="What-if · Segment Studio", page_icon="assets/icon.svg", layout="wide")
artifacts = open_page("What-if", "Which segment would a customer with these numbers fall in? What would move them up?")
filters, matching = sidebar_query_filters(artifacts)
models = artifacts.models
version = str(artifacts.folder)

mode = st.segmented_control(
    "Who are you scoring?",
    ["Customer", "Prospect"],
    default="Customer",
    required=True,
    key="what_if_mode",
    help="Customer: someone whose balance and spending you know; the exact segment. Prospect: only age, gender, "
    "location and time-of-day habits are known; the prospect model estimates the chance of each segment.",
)
prospect = mode == "Prospect"
typical = per_query(artifacts, filters, typical_values) if matching else None
if prospect:
    # Few inputs: the prospect model's guess sits right under them.
    st.caption("Prefilled with the median customer. No money is asked: the prospect model guesses from the rest.")
    values = feature_inputs(what_if_fields(models, True, typical), key_prefix="wp")
    prospect_result(models, what_if_row(values), artifacts.quality.prospect_model)
else:
    inputs, result = st.columns([3, 2], gap="large")
    with inputs:
        st.caption(
            (
                "Prefilled with the median customer matching the filters. "
                if filters.is_active and typical
                else "Prefilled with the median customer. "
            )
            + "Change any number: the result beside updates at once. Money in INR."
        )
        # The keys follow the filters, so changing them starts the inputs again from the new median customer.
        prefix = "wi" + ("" if not filters.is_active else "_" + filters_slug(filters))
        values = feature_inputs(what_if_fields(models, False, typical), key_prefix=prefix, n_columns=2)
    row = what_if_row(values)
    with result:
        maxima = per_query(artifacts, Filters(), feature_maxima)
        segment = customer_result(models, row, values, maxima)
    position_chart(models, row, segment, per_query(artifacts, filters, sample_view, n=BACKGROUND_POINTS))

batch_scoring(models, version)
