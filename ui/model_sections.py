"""Two sections of the Model quality page: the choice of k (elbow and silhouette by k), and one classifier."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from core.present.model_charts import confusion_matrix_heatmap, elbow_chart, importance_bar, silhouette_by_k_chart
from core.present.model_report import describe_k_choice, elbow_frame, importance_frame, importance_note, per_class_table
from ui.tables import per_class_config
from ui.widgets import kpi_row

IMPORTANCE_TITLE = "Drop in macro-F1 when shuffled"


def k_choice_section(segmentation: Mapping, chosen_k: int) -> None:
    """The elbow and the silhouette by number of segments, each next to the structureless reference."""
    elbow = elbow_frame(segmentation)
    left, right = st.columns(2)
    left.plotly_chart(elbow_chart(elbow["k"], elbow["inertia"], chosen_k), key="elbow")
    right.plotly_chart(
        silhouette_by_k_chart(
            elbow["k"], elbow["silhouette"], chosen_k=chosen_k, reference=elbow["reference_silhouette"]
        ),
        key="silhouette_k",
    )
    st.caption(
        f"Both charts refit K-Means for each number of segments on one random sample of "
        f"{segmentation['elbow_sample_size']:,} customers, started from the budget bands like the deployed model; "
        "the dotted line is the same on structureless data. The spread (inertia: squared distances of customers to "
        "their segment centre) always falls as segments are added, so look for its bend, not its lowest value. "
        f"{describe_k_choice(segmentation, chosen_k)}"
    )


def classifier_section(model: Mapping, key: str, cards: list) -> None:
    """Cards, confusion matrix, per-segment scores and importances of one classifier."""
    kpi_row(cards)
    left, right = st.columns(2)
    left.plotly_chart(confusion_matrix_heatmap(model["confusion_matrix"], model["labels"]), key=f"cm_{key}")
    right.plotly_chart(importance_bar(importance_frame(model), IMPORTANCE_TITLE), key=f"imp_{key}")
    left.dataframe(per_class_table(model), hide_index=True, column_config=per_class_config(), key=f"pc_{key}")
    right.caption(importance_note(model))
