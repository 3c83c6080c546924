"""Model quality: how well separated the segments are, how far the classifiers can be trusted, the model card."""

import streamlit as st

from core.present.glossary import glossary_markdown
from core.present.model_charts import (
    confusion_matrix_heatmap,
    elbow_chart,
    importance_bar,
    silhouette_by_k_chart,
    silhouette_by_segment_bar,
)
from core.present.model_report import (
    describe_k_choice,
    describe_prospect_quality,
    elbow_frame,
    full_model_cards,
    importance_frame,
    importance_note,
    model_card_table,
    per_class_table,
    prospect_model_cards,
    segmentation_cards,
)
from core.present.narrative import describe_model_age, describe_segment_quality
from ui.page import open_page
from ui.sidebar import sidebar_query_filters
from ui.widgets import kpi_row

st.set_page_config(page_title="Model quality · Segment Studio", page_icon="assets/icon.svg", layout="wide")
artifacts = open_page(
    "Model quality", "How well separated are the segments, and how far can the classifiers be trusted?"
)
sidebar_query_filters(artifacts)
quality, card = artifacts.quality, artifacts.card
segmentation = quality.segmentation
names = list(artifacts.models.segment_names)
st.caption(
    f"Measured once at training time on every customer of the dataset (the sidebar filters don't change "
    f"these numbers) · {describe_model_age(card)}"
)

with st.expander("Glossary: the words on this page", icon=":material/menu_book:"):
    st.markdown(glossary_markdown())

st.header("Segments")
kpi_row(segmentation_cards(segmentation))
st.info(describe_segment_quality(segmentation), icon=":material/insights:")
st.caption(
    "Calinski–Harabasz: higher is better, but it grows with the number of customers, so compare it only between "
    "segmentations of the same data."
)
elbow, chosen_k = elbow_frame(segmentation), card.params.k
left, right = st.columns(2)
left.plotly_chart(elbow_chart(elbow["k"], elbow["inertia"], chosen_k), key="elbow")
right.plotly_chart(silhouette_by_k_chart(elbow["k"], elbow["silhouette"], chosen_k=chosen_k), key="silhouette_k")
st.caption(
    f"Both charts refit K-Means for each number of segments on one random sample of "
    f"{segmentation['elbow_sample_size']:,} customers. The spread (inertia: squared distances of customers to their "
    "segment centre) always falls as segments are added, so look for its bend, not its lowest value; a peak in "
    "separation also suggests a good number of segments. "
    f"{describe_k_choice(segmentation, chosen_k)}"
)
st.plotly_chart(
    silhouette_by_segment_bar(segmentation["silhouette_by_segment"], segmentation["silhouette"]["mean"], names),
    key="silhouette_segment",
)

PER_CLASS_CONFIG = {
    "Precision": st.column_config.NumberColumn(
        format="percent", help="Of the customers the model puts in this segment, the share that really are in it."
    ),
    "Recall": st.column_config.NumberColumn(
        format="percent", help="Of the customers really in this segment, the share the model finds."
    ),
    "F1": st.column_config.NumberColumn(format="%.3f", help="Balance of precision and recall (1 is perfect)."),
    "Customers": st.column_config.NumberColumn(format="%,d", help="Held-out customers of this segment."),
}
IMPORTANCE_TITLE = "Drop in macro-F1 when the feature is shuffled"

for model_key, heading, intro, cards in [
    (
        "full_model",
        "Full model: a stand-in for the segmentation",
        "Predicts the segment from every feature. It exists to explain segments (which features matter), so its "
        "score is agreement with the segments, not a forecast.",
        full_model_cards,
    ),
    (
        "prospect_model",
        "Prospect model: predicting the segment of a new customer",
        "Predicts the segment without any money: only age, gender, location and transaction timing. This is what "
        "the What-if page uses in prospect mode.",
        prospect_model_cards,
    ),
]:
    model = getattr(quality, model_key)
    st.header(heading)
    st.caption(intro)
    kpi_row(cards(model))
    if model_key == "prospect_model":
        st.info(describe_prospect_quality(model), icon=":material/info:")
    left, right = st.columns(2)
    left.plotly_chart(confusion_matrix_heatmap(model["confusion_matrix"], model["labels"]), key=f"cm_{model_key}")
    right.plotly_chart(importance_bar(importance_frame(model), IMPORTANCE_TITLE), key=f"imp_{model_key}")
    left.dataframe(per_class_table(model), hide_index=True, column_config=PER_CLASS_CONFIG, key=f"pc_{model_key}")
    right.caption(importance_note(model))

st.header("Model card")
st.caption("What was trained, on what, with which settings and library versions: enough to reproduce or audit it.")
st.table(model_card_table(card), hide_index=True)
with st.expander("The model card as saved (JSON)"):
    st.json(card, expanded=False)
