"""Model quality: how separated the segments really are, how far the classifiers can be trusted, the model card."""

import streamlit as st

from core.present.glossary import glossary_markdown
from core.present.markdown import escape_markdown
from core.present.model_charts import (
    gains_chart,
    silhouette_by_segment_bar,
)
from core.present.model_report import (
    agreement_cards,
    card_warnings,
    full_model_cards,
    model_card_table,
    segmentation_cards,
    spread_cards,
)
from core.present.narrative import describe_model_age, describe_separation
from core.present.prospect_report import describe_prospect_quality, gains_frame, prospect_model_cards, ranking_table
from ui.model_sections import classifier_section, k_choice_section
from ui.page import open_page
from ui.sidebar import sidebar_query_filters
from ui.tables import ranking_config
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

segments, full, prospect_tab, card_tab = st.tabs(
    ["Segments", "Full model", "Prospect model", "Model card"], key="quality_tab", on_change="rerun"
)  # only the open tab is drawn: eight charts at once took the browser about 1.5 s

if segments.open:
    with segments:
        st.info(describe_separation(segmentation), icon=":material/insights:")
        kpi_row(segmentation_cards(segmentation))
        kpi_row([*agreement_cards(segmentation), *spread_cards(segmentation)])
        st.caption(
            "Calinski–Harabasz: higher is better, but it grows with the number of customers, so compare it only "
            "between segmentations of the same data."
        )
        k_choice_section(segmentation, card.params.k)
        st.plotly_chart(
            silhouette_by_segment_bar(segmentation["silhouette_by_segment"], segmentation["silhouette"]["mean"], names),
            key="silhouette_segment",
        )

if full.open:
    with full:
        st.subheader("Full model: a stand-in for the segmentation")
        st.caption(
            "Predicts the segment from every feature. It exists to explain segments (which features matter), so its "
            "score is agreement with the segments, not a forecast."
        )
        classifier_section(quality.full_model, "full_model", full_model_cards(quality.full_model))

if prospect_tab.open:
    with prospect_tab:
        st.subheader("Prospect model: the likely segment of someone new")
        st.caption(
            "Only what a bank knows about a prospect: age, gender, location and time-of-day habits; no money and no "
            "transaction history. Its chances are calibrated. This is what the What-if page uses in prospect mode."
        )
        st.info(describe_prospect_quality(prospect), icon=":material/info:")
        classifier_section(prospect, "prospect_model", prospect_model_cards(prospect))
        left, right = st.columns(2)
        left.plotly_chart(gains_chart(gains_frame(prospect), names), key="gains")
        right.dataframe(ranking_table(prospect), hide_index=True, column_config=ranking_config(), key="ranking")
        right.caption(
            "Measured on the held-out customers. A list of the prospects rated most likely to be in a segment: the "
            "further its line bends above the diagonal, the more of the segment it reaches for the same effort."
        )

if card_tab.open:
    with card_tab:
        st.caption(
            "What was trained, on what, with which settings and library versions: enough to reproduce or audit it."
        )
        st.table(model_card_table(card), hide_index=True)
        with st.expander("The model card as saved (JSON)"):
            st.json(card, expanded=False)
