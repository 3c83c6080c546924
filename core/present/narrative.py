"""Plain-English sentences about the models: how good the segmentation is and how old the model is."""

from __future__ import annotations

from datetime import UTC, datetime


def silhouette_word(value: float) -> str:
    """A reading of a silhouette score (Kaufman & Rousseeuw's usual bands)."""
    if value >= 0.5:
        return "well separated"
    if value >= 0.25:
        return "reasonably separated"
    return "overlapping"


def describe_segment_quality(segmentation: dict) -> str:
    """One line: silhouette with its spread and sample, Davies-Bouldin, and what that means."""
    sil = segmentation["silhouette"]
    if sil["repeats"] > 1:
        value = f"{sil['mean']:.2f} ± {sil['std']:.3f} ({sil['repeats']} samples of {sil['sample_size']:,} customers"
    else:
        value = f"{sil['mean']:.2f} (all {sil['sample_size']:,} customers"
    return (
        f"Segments are {silhouette_word(sil['mean'])}: silhouette {value}; 1 is perfect, 0 means overlapping), "
        f"Davies–Bouldin {segmentation['davies_bouldin']:.2f} (lower is better)."
    )


def describe_model_age(card: dict, now: datetime | None = None) -> str:
    """'Model trained 3 hours ago (26 Nov 2026 14:02 UTC)' from the model card."""
    created = datetime.fromisoformat(card["created"])
    now = now or datetime.now(UTC)
    seconds = max((now - created).total_seconds(), 0)
    if seconds < 120:
        ago = "just now"
    elif seconds < 7200:
        ago = f"{seconds // 60:.0f} minutes ago"
    elif seconds < 172_800:
        ago = f"{seconds // 3600:.0f} hours ago"
    else:
        ago = f"{seconds // 86_400:.0f} days ago"
    return f"model trained {ago} ({created:%d %b %Y %H:%M} UTC)"
