"""Plain-English sentences about the models: how good the segmentation is and how old the model is."""

from __future__ import annotations

from datetime import UTC, datetime

from core.pipeline.card import ModelCard


def silhouette_word(value: float) -> str:
    """Kaufman & Rousseeuw's reading of an average silhouette: above 0.70 strong, 0.51-0.70 reasonable, ..."""
    if value > 0.70:
        return "strong structure"
    if value > 0.50:
        return "reasonable structure"
    if value > 0.25:
        return "weak structure that could be artificial"
    return "no substantial structure"


def describe_segment_quality(segmentation: dict) -> str:
    """One line: the silhouette on Kaufman & Rousseeuw's scale, read against the structureless reference."""
    from core.pipeline.evaluate import SMALL_GAP  # noqa: PLC0415 (kept local: one hunk for parallel edits)

    sil = segmentation["silhouette"]
    if sil["repeats"] > 1:
        value = f"{sil['mean']:.2f} ± {sil['std']:.3f} ({sil['repeats']} samples of {sil['sample_size']:,} customers)"
    else:
        value = f"{sil['mean']:.2f} (all {sil['sample_size']:,} customers)"
    band = silhouette_word(sil["mean"])
    gap = segmentation.get("silhouette_gap")
    if gap is None:
        return f"Silhouette {value}: {band} on Kaufman & Rousseeuw's scale (no structureless reference measured)."
    reference = segmentation["reference_silhouette"]["mean"]
    if gap < SMALL_GAP:
        text = (
            f"The segments are budget tiers cut from a continuum: useful for targeting, but not natural groups. "
            f"Their silhouette, {value}, would read as {band} on Kaufman & Rousseeuw's scale, yet customers with no "
            f"groups at all, spread the same way, score {reference:.2f}."
        )
    else:
        text = (
            f"The segments are more separated than a structureless continuum would be: silhouette {value} ({band} "
            f"on Kaufman & Rousseeuw's scale) against {reference:.2f} for data with no groups."
        )
    share = segmentation.get("borderline_share")
    if share is not None:
        text += f" {share * 100:.1f}% of customers sit on a boundary (second-nearest centre at most 10% further)."
    return text


def describe_model_age(card: ModelCard, now: datetime | None = None) -> str:
    """'Model trained 3 hours ago (26 Nov 2026 14:02 UTC)' from the model card."""
    created = datetime.fromisoformat(card.created)
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


GENERATED_SOURCE = "default_transactions.csv.gz"  # the file core.pipeline.synth writes for the default dataset


def describe_source(source: str | None, dataset: str) -> str:
    """Where the data comes from, saying plainly when it is the generated default rather than real customers."""
    source = str(source or "")
    if dataset == "default" and source in ("", GENERATED_SOURCE):
        return "source: generated default data (synthetic transactions in the bank's format, not real customers)"
    return f"source: {source or 'unknown'}"
