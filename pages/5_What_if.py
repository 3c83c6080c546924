"""What-if: the segment of a customer with the numbers you type, what would move them up, and batch scoring."""

import streamlit as st

from core.present.formats import format_share
from core.present.model_charts import probability_bar
from core.present.scatter import customer_position_chart
from core.present.score_text import describe_move
from core.scoring.moves import suggest_next_segment
from core.scoring.score import score_customers, segment_probabilities
from core.scoring.whatif import coherence_notes, segment_centres, what_if_fields, what_if_row
from ui.cache import cached_background
from ui.forms import batch_scoring, feature_inputs, prospect_result
from ui.page import open_page
from ui.sidebar import sidebar_filters
from ui.widgets import segment_heading

st.set_page_config(page_title="What-if · Segment Studio", page_icon="assets/icon.svg", layout="wide")
artifacts = open_page("What-if", "Which segment would a customer with these numbers fall in? What would move them up?")
filters, view = sidebar_filters(artifacts)
models = artifacts.models
names = list(models.segment_names)
version = str(artifacts.folder)

mode = st.segmented_control(
    "Who are you scoring?",
    ["Customer", "Prospect"],
    default="Customer",
    required=True,
    key="what_if_mode",
    help="Customer: someone whose balance and spending you know; the exact segment. Prospect: only age, gender, "
    "location and timing are known; the prospect model estimates the likely segment.",
)
prospect = mode == "Prospect"
with st.form("what_if_prospect" if prospect else "what_if"):
    st.caption(
        "Prefilled with the median customer. Change any number, then press the button. "
        + (
            "Prospect mode: no money is asked, the prospect model guesses from the rest."
            if prospect
            else "Money in INR."
        )
    )
    values = feature_inputs(what_if_fields(models, prospect), key_prefix="wp" if prospect else "wi")
    st.form_submit_button(
        "Estimate the segment" if prospect else "Find the segment",
        type="primary",
        key="what_if_submit",
        icon=":material/calculate:",
    )
row = what_if_row(values)

if prospect:
    prospect_result(models, row, artifacts.quality.prospect_model)
else:
    scored = score_customers(models, row).iloc[0]
    segment = str(scored["segment"])
    left, right = st.columns([2, 3])
    with left:
        segment_heading(segment, names, prefix="Segment: ")
        st.metric(
            "Classifier agrees",
            format_share(scored[f"p_{segment}"]),
            border=True,
            help="The segment is the exact K-Means assignment; this is the classifier's probability for the "
            "same segment. Low values mean the customer sits near a boundary.",
        )
        st.success(
            describe_move(suggest_next_segment(models, row.iloc[0]), segment, names[-1]), icon=":material/trending_up:"
        )
        for note in coherence_notes(values):
            st.caption(f"Note: {note} The segment uses the numbers as entered.")
    right.plotly_chart(
        customer_position_chart(
            row.iloc[0],
            cached_background(version, filters, view),
            segment_centres(models),
            segment=segment,
            names=names,
        ),
        key="what_if_position",
    )
    right.caption(
        "Faint points: a sample of the customers matching the filters; crosses: segment centres. "
        "Segments are set by balance, average transaction and total spend together, so the star can sit "
        "in another segment's cloud on these two axes."
    )
    left.plotly_chart(probability_bar(segment_probabilities(scored, names), names), key="what_if_probabilities")

batch_scoring(models, version)
