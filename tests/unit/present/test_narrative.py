"""Plain-English sentences about segment separation (Kaufman & Rousseeuw's bands, the reference) and model age."""

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from core.present.narrative import describe_model_age, describe_segment_quality, silhouette_word


def segmentation(mean: float, reference: float | None, repeats: int = 1, size: int = 19_984) -> dict:
    out = {"silhouette": {"mean": mean, "std": 0.007, "repeats": repeats, "sample_size": size}, "davies_bouldin": 0.6}
    if reference is not None:
        out.update(reference_silhouette={"mean": reference}, silhouette_gap=mean - reference, borderline_share=0.041)
    return out


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (0.75, "strong structure"),
        (0.531, "reasonable structure"),
        (0.33, "weak structure that could be artificial"),
        (0.25, "no substantial structure"),
    ],
)
def test_silhouette_words_follow_kaufman_and_rousseeuw(value, words):
    assert silhouette_word(value) == words


def test_a_silhouette_no_better_than_the_reference_is_called_a_continuum():
    text = describe_segment_quality(segmentation(0.531, 0.536))
    assert text.startswith("The segments are budget tiers cut from a continuum")
    assert "0.53 (all 19,984 customers)" in text and "score 0.54" in text and "reasonable structure" in text
    assert "well separated" not in text and "4.1% of customers sit on a boundary" in text


def test_a_silhouette_well_above_the_reference_is_called_separated():
    text = describe_segment_quality(segmentation(0.72, 0.52, repeats=3, size=10_000))
    assert "more separated than a structureless continuum" in text and "strong structure" in text
    assert "0.72 ± 0.007 (3 samples of 10,000 customers)" in text


def test_a_model_without_a_reference_says_so():
    text = describe_segment_quality(segmentation(0.33, None))
    assert "weak structure that could be artificial" in text and "no structureless reference" in text


def test_model_age_in_words(trained):
    card = replace(trained.card, created="2026-11-26T10:00:00+00:00")
    assert describe_model_age(card, datetime(2026, 11, 26, 10, 1, tzinfo=UTC)).startswith("model trained just now")
    assert "3 hours ago" in describe_model_age(card, datetime(2026, 11, 26, 13, 0, tzinfo=UTC))
    assert "5 days ago (26 Nov 2026 10:00 UTC)" in describe_model_age(card, datetime(2026, 12, 1, 10, 0, tzinfo=UTC))
