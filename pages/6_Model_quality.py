"""Model quality: how separated the segments really are, how far the classifiers can be trusted, the model card."""

import streamlit as st

from core.present.glossary import glossary_markdown
from core.present.markdown import escape_markdown
from core.present.model_charts import (
    confusion_matrix_heatmap,
    elbow_chart,
    gains_chart,
    importance_bar,
    silhouette_by_k_chart,
    silhouette_by_segment_bar,
)
from core.present.model_report import (
    agreement_cards,
    card_warnings,
    describe_k_choice,
    elbow_frame,
    full_model_cards,
    importance_frame,
    importance_note,
    model_card_table,
    per_class_table,
    segmentation_cards,
    spread_cards,
)
from core.present.narrative import describe_model_age, describe_separation
from core.present.prospect_report import describe_prospect_quality, gains_frame, prospect_model_cards, ranking_table
from ui.page import open_page
from ui.sidebar import sidebar_query_filters
from ui.tables import per_class_config, ranking_config
from ui.widgets import kpi_row

st.set_page_config(page_title="Model quality · Segment Studio", page_icon="assets/icon.svg", layout="wide")
artifacts = open_page(
    "Model quality", "How separated are the segments really, and how far can the classifiers be trusted?"
)
sidebar_query_filters(artifacts)
quality, card = artifacts.quality, artifacts.card
segmentation, prospect = quality.segmentation, quality.prospect_model
names = list(artifacts.models.segment_names)
st.caption(
    f"Measured once at training time on every customer of the dataset (the sidebar filters don't change "
    f"these numbers) · {describe_model_age(card)}"
)
for warning in card_warnings(card):
    st.warning(escape_markdown(warning), icon=":material/warning:")

with st.expander("Glossary: the words on this page", icon=":material/menu_book:"):
    st.markdown(glossary_markdown())

st.header("Segments")
st.info(describe_separation(segmentation), icon=":material/insights:")
kpi_row(segmentation_cards(segmentation))
kpi_row([*agreement_cards(segmentation), *spread_cards(segmentation)])
st.caption(
    "Calinski–Harabasz: higher is better, but it grows with the number of customers, so compare it only between "
    "segmentations of the same data."
)
elbow, chosen_k = elbow_frame(segmentation), card.params.k
left, right = st.columns(2)
left.plotly_chart(elbow_chart(elbow["k"], elbow["inertia"], chosen_k), key="elbow")
right.plotly_chart(
    silhouette_by_k_chart(elbow["k"], elbow["silhouette"], chosen_k=chosen_k, reference=elbow["reference_silhouette"]),
    key="silhouette_k",
)
st.caption(
    f"Both charts refit K-Means for each number of segments on one random sample of "
    f"{segmentation['elbow_sample_size']:,} customers, started from the budget bands like the deployed model; "
    "the dotted line is the same on structureless data. The spread (inertia: squared distances of customers to "
    "their segment centre) always falls as segments are added, so look for its bend, not its lowest value. "
    f"{describe_k_choice(segmentation, chosen_k)}"
)
st.plotly_chart(
    silhouette_by_segment_bar(segmentation["silhouette_by_segment"], segmentation["silhouette"]["mean"], names),
    key="silhouette_segment",
)

IMPORTANCE_TITLE = "Drop in macro-F1 when shuffled"


def model_section(key: str, cards: list) -> None:
    """Cards, confusion matrix, per-segment scores and importances of one classifier."""
    model = getattr(quality, key)
    kpi_row(cards)
    left, right = st.columns(2)
    left.plotly_chart(confusion_matrix_heatmap(model["confusion_matrix"], model["labels"]), key=f"cm_{key}")
    right.plotly_chart(importance_bar(importance_frame(model), IMPORTANCE_TITLE), key=f"imp_{key}")
    left.dataframe(per_class_table(model), hide_index=True, column_config=per_class_config(), key=f"pc_{key}")
    right.caption(importance_note(model))


st.header("Full model: a stand-in for the segmentation")
st.caption(
    "Predicts the segment from every feature. It exists to explain segments (which features matter), so its "
    "score is agreement with the segments, not a forecast."
)
model_section("full_model", full_model_cards(quality.full_model))

st.header("Prospect model: the likely segment of someone new")
st.caption(
    "Only what a bank knows about a prospect: age, gender, location and time-of-day habits; no money and no "
    "transaction history. Its chances are calibrated. This is what the What-if page uses in prospect mode."
)
st.info(describe_prospect_quality(prospect), icon=":material/info:")
model_section("prospect_model", prospect_model_cards(prospect))
left, right = st.columns(2)
left.plotly_chart(gains_chart(gains_frame(prospect), names), key="gains")
right.dataframe(ranking_table(prospect), hide_index=True, column_config=ranking_config(), key="ranking")
right.caption(
    "Measured on the held-out customers. A list of the prospects rated most likely to be in a segment: the "
    "further its line bends above the diagonal, the more of the segment it reaches for the same effort."
)

st.header("Model card")
st.caption("What was trained, on what, with which settings and library versions: enough to reproduce or audit it.")
st.table(model_card_table(card), hide_index=True)
with st.expander("The model card as saved (JSON)"):
    st.json(card, expanded=False)
