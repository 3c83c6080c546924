"""What-if: the segment of a customer with the numbers you type, what would move them up, and batch scoring."""

import streamlit as st

from core.analysis.profiles import format_share
from core.errors import DataError
from core.present.charts import customer_position_chart, probability_bar
from core.present.markdown import escape_markdown
from core.present.model_report import describe_prospect_quality
from core.scoring.lookup import describe_scored
from core.scoring.lookup import scores_table as readable_scores
from core.scoring.score import (
    describe_move,
    describe_prospect_guess,
    predict_prospect,
    score_customers,
    segment_probabilities,
    suggest_next_segment,
)
from core.scoring.whatif import coherence_notes, segment_centres, what_if_fields, what_if_row
from ui.cache import cached_background, cached_score_upload
from ui.forms import feature_inputs, show_scored
from ui.page import open_page
from ui.sidebar import sidebar_filters
from ui.widgets import download_csv, segment_heading

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
    guess = predict_prospect(models, row).iloc[0]
    left, right = st.columns([2, 3])
    with left:
        segment_heading(str(guess["predicted_segment"]), names, prefix="Most likely segment: ")
        st.metric(
            "Probability of that segment",
            format_share(guess[f"p_{guess['predicted_segment']}"]),
            help="The prospect model's probability for its most likely segment.",
            border=True,
        )
        st.caption(describe_prospect_guess(segment_probabilities(guess, names)))
        st.info(describe_prospect_quality(artifacts.quality["prospect_model"]), icon=":material/info:")
    right.plotly_chart(probability_bar(segment_probabilities(guess, names), names), key="prospect_probabilities")
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

st.subheader("Score a file of customers")
st.caption(
    "A CSV (or .csv.gz / Parquet) of customer features (columns named like the app's downloads, e.g. "
    "'Account balance (INR)', or balance, mean_amount, total_amount…) or of raw transactions (the bank's "
    "export schema). Each customer gets a segment, probabilities and distances."
)
upload = st.file_uploader("Customers or transactions file", type=["csv", "gz", "parquet"], key="batch_upload")
if upload is not None:
    try:
        batch = cached_score_upload(version, upload.getvalue(), upload.name, models)
    except DataError as exc:
        st.error(f"This file can't be scored: {escape_markdown(exc)}")
        st.stop()
    st.success(describe_scored(batch, names), icon=":material/task_alt:")
    show_scored(batch, names)
    download_csv(
        lambda: readable_scores(batch),
        f"scored_{upload.name.split('.')[0]}",
        None,
        key="batch_download",
        label="Download the scored file (CSV)",
        as_customers=False,
        rows=len(batch),
    )
