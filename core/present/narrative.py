"""Plain-English sentences about the models: how separated the segments really are and how old the model is.

Separation follows Kaufman & Rousseeuw's bands for the silhouette and, above all, the structureless reference
measured at training time: a silhouette no higher than the reference's means the segments are tiers cut from a
continuum, whatever band it falls in.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from core.pipeline.card import ModelCard
from core.pipeline.evaluate import SMALL_GAP

# Kaufman & Rousseeuw (1990), Finding Groups in Data, p. 88: the reading of an average silhouette width.
KR_BANDS: tuple[tuple[float, str], ...] = (
    (0.70, "strong structure"),
    (0.50, "reasonable structure"),
    (0.25, "weak structure that could be artificial"),
)
KR_BELOW = "no substantial structure"


def silhouette_word(value: float) -> str:
    """Kaufman & Rousseeuw's reading of an average silhouette: above 0.70 strong, 0.51-0.70 reasonable, ..."""
    for floor, words in KR_BANDS:
        if value > floor:
            return words
    return KR_BELOW


def measurement_text(silhouette: Mapping) -> str:
    """How the silhouette was measured: 'exact, over all 882,793 customers' or '3 disjoint samples of 10,000'."""
    method = silhouette.get("method", "samples" if silhouette.get("repeats", 1) > 1 else "exact")
    if method == "exact":
        return f"exact, over all {silhouette['sample_size']:,} customers"
    if silhouette.get("repeats", 1) > 1:
        disjoint = "disjoint " if method == "disjoint samples" else ""
        return (
            f"mean of {silhouette['repeats']} {disjoint}random samples of {silhouette['sample_size']:,} "
            f"customers, ± {silhouette['std']:.3f} between them"
        )
    return silhouette.get("note") or f"one sample of {silhouette['sample_size']:,} customers"


def is_continuum(segmentation: Mapping) -> bool | None:
    """True when the silhouette is less than SMALL_GAP above the structureless reference (None: not measured)."""
    gap = segmentation.get("silhouette_gap")
    return None if gap is None else gap < SMALL_GAP


def describe_separation(segmentation: Mapping) -> str:
    """How separated the segments are, read against Kaufman & Rousseeuw's bands and the reference."""
    sil = segmentation["silhouette"]
    value, band = sil["mean"], silhouette_word(sil["mean"])
    continuum = is_continuum(segmentation)
    if continuum is None:  # a model trained before the reference was measured
        return (
            f"Silhouette {value:.2f} ({measurement_text(sil)}): {band} on Kaufman & Rousseeuw's scale. No "
            "structureless reference was measured for this model; retrain it to see one."
        )
    reference = segmentation["reference_silhouette"]["mean"]
    if continuum:
        return (
            f"The segments are budget tiers cut from a continuum: useful for targeting, but not natural groups. "
            f"Their silhouette, {value:.2f} ({measurement_text(sil)}), would read as {band} on Kaufman & "
            f"Rousseeuw's scale, yet customers with no groups at all, spread the same way, score {reference:.2f}."
        )
    return (
        f"The segments are more separated than a structureless continuum would be: silhouette {value:.2f} "
        f"({measurement_text(sil)}; {band} on Kaufman & Rousseeuw's scale) against {reference:.2f} for data "
        f"with no groups, spread the same way."
    )


def describe_borderline(segmentation: Mapping) -> str:
    """'4.1% of customers sit near a segment boundary ...', or '' for a model trained before it was measured."""
    share = segmentation.get("borderline_share")
    if share is None:
        return ""
    return (
        f"{share * 100:.1f}% of customers sit on a boundary: their second-nearest segment centre is at most 10% "
        "further away than their own, so a small change in balance or spending moves them across."
    )


def describe_segment_quality(segmentation: Mapping) -> str:
    """Home's line: how separated the segments are, and how many customers sit on a boundary."""
    return " ".join(part for part in (describe_separation(segmentation), describe_borderline(segmentation)) if part)


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


def describe_median_method(method: str) -> str | None:
    """What the medians of a dataset are, when they are not all exact ('sampled', see quantiles.plan_quantiles)."""
    if method != "sampled":
        return None
    from core.analysis.sql.quantiles import EXACT_QUANTILE_ROWS

    return (
        f"medians of groups of more than {EXACT_QUANTILE_ROWS:,} customers are those of a fixed sample of "
        f"{_smallest_sample()}"
    )


def _smallest_sample() -> str:
    """'about N or more of them (within about x percentage points in rank)': the smallest sample a large group's
    quantiles can read (its size varies by a few hundred with the hash) and two standard errors of its median's rank."""
    from core.analysis.sql.quantiles import MIN_TABLE_SAMPLE

    return (
        f"about {MIN_TABLE_SAMPLE:,} or more of them (within about {100 / MIN_TABLE_SAMPLE**0.5:.1f} percentage "
        "points in rank)"
    )


def describe_drift_edges(method: str) -> str | None:
    """What the drift's decile edges are, when they are not those of every customer of A ('sampled', see
    sql.movement_drift.reference_edges)."""
    if method != "sampled":
        return None
    from core.analysis.sql.quantiles import EXACT_QUANTILE_ROWS

    return (
        f"A has more than {EXACT_QUANTILE_ROWS:,} customers, so its deciles are those of a fixed sample of "
        f"{_smallest_sample()}; every customer of A and B is counted in the bins."
    )
