"""The What-if page's result panels: the exact segment (or the prospect guess) beside the inputs it answers.

There is no form: every change reruns the page and the result is recomputed at once (one K-Means prediction,
a few milliseconds), so a result can never sit beside numbers it no longer matches.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.pipeline.models import Models
from core.present.formats import format_share
from core.present.model_charts import probability_bar
from core.present.scatter import customer_position_chart
from core.present.score_text import describe_move
from core.scoring.moves import suggest_next_segment
from core.scoring.score import score_customers, segment_probabilities
from core.scoring.whatif import bound_notes, coherence_notes, segment_centres
from ui.widgets import segment_heading


def customer_result(models: Models, row: pd.DataFrame, values: dict, maxima: dict[str, float]) -> str:
    """The exact segment, the classifier's agreement, the smallest move up and notes on the numbers; returns it."""
    names = list(models.segment_names)
    scored = score_customers(models, row).iloc[0]
    segment = str(scored["segment"])
    segment_heading(segment, names, prefix="Segment: ")
    for note in bound_notes(models, values, maxima):
        st.warning(note, icon=":material/straighten:")
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
    st.plotly_chart(probability_bar(segment_probabilities(scored, names), names), key="what_if_probabilities")
    return segment


def position_chart(models: Models, row: pd.DataFrame, segment: str, background: pd.DataFrame) -> None:
    """Where the customer sits among a sample of the filtered customers, with the segment centres."""
    names = list(models.segment_names)
    st.plotly_chart(
        customer_position_chart(row.iloc[0], background, segment_centres(models), segment=segment, names=names),
        key="what_if_position",
    )
    st.caption(
        "Faint points: a sample of the customers matching the filters; crosses: segment centres. "
        "Segments are set by balance and average transaction together (one budget score), so the star can sit "
        "in another segment's cloud on these two axes."
    )
