"""The words of the Model quality page in plain language, one short entry each."""

from __future__ import annotations

GLOSSARY: dict[str, str] = {
    "Segment": "A group of customers with similar balance and spending, found by K-Means; named Low to High by budget.",
    "Silhouette": "For each customer, how much closer they are to their own segment than to the next one, from -1 to "
    "1, averaged. Above 0.5: well separated; 0.25-0.5: reasonably; below 0.25: the segments overlap.",
    "Davies–Bouldin": "How spread out each segment is compared with its distance to the most similar segment, "
    "averaged. Lower is better; 0 would be perfectly separated; below about 1 is good.",
    "Calinski–Harabasz": "Spread between segments divided by spread within them. Higher is better, but it grows "
    "with the number of customers: compare it only between segmentations of the same data.",
    "Inertia": "The sum of squared distances from each customer to their segment centre. It always falls as segments "
    "are added, so the bend of the curve (the elbow) matters, not the lowest value.",
    "Precision": "Of the customers the model puts in a segment, the share that really are in it.",
    "Recall": "Of the customers really in a segment, the share the model finds.",
    "Macro-F1": "The F1 score (balance of precision and recall) of each segment, averaged with equal weight per "
    "segment, so a small segment counts as much as a big one. 1 is perfect.",
    "Baseline": "What a model that always answers the most common segment would score. A model is only useful by "
    "how far it beats this.",
    "Importance": "How much worse the model gets (drop in macro-F1) when one feature's values are shuffled among "
    "held-out customers. Near 0: the model does not need the feature; below 0: shuffling happened to help a "
    "little, which is noise, so the feature does not matter either.",
    "Held-out customers": "A fifth of the customers kept aside during training and used only to score the model, "
    "so the scores are not flattered by customers it has already seen.",
}


def glossary_markdown() -> str:
    """The glossary as a markdown list: '- **Term**: explanation'."""
    return "\n".join(f"- **{term}**: {text}" for term, text in GLOSSARY.items())
