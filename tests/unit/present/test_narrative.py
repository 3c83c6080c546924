"""Plain-English sentences about segment separation (Kaufman & Rousseeuw's bands and the reference) and model age."""

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from core.present.narrative import (
    describe_drift_edges,
    describe_model_age,
    describe_segment_quality,
    describe_separation,
    measurement_text,
    silhouette_word,
)


def segmentation(mean: float, reference: float | None, **silhouette) -> dict:
    sil = {"mean": mean, "std": 0.0, "repeats": 1, "sample_size": 19_922, "method": "exact", **silhouette}
    out = {"silhouette": sil, "davies_bouldin": 0.56, "borderline_share": 0.041}
    if reference is not None:
        out.update(reference_silhouette={"mean": reference, "sample_size": 19_922}, silhouette_gap=mean - reference)
    return out


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (0.75, "strong structure"),
        (0.531, "reasonable structure"),
        (0.33, "weak structure that could be artificial"),
        (0.25, "no substantial structure"),
        (0.1, "no substantial structure"),
    ],
)
def test_silhouette_words_follow_kaufman_and_rousseeuw(value, words):
    assert silhouette_word(value) == words


def test_a_silhouette_no_better_than_the_reference_is_called_a_continuum():
    text = describe_separation(segmentation(0.531, 0.536))
    assert text.startswith("The segments are budget tiers cut from a continuum")
    assert "useful for targeting, but not natural groups" in text
    assert "0.53" in text and "score 0.54" in text and "reasonable structure" in text
    assert "reasonably separated" not in text


def test_a_silhouette_well_above_the_reference_is_called_separated():
    text = describe_separation(segmentation(0.72, 0.52))
    assert "more separated than a structureless continuum" in text and "strong structure" in text
    assert "continuum:" not in text


def test_a_model_without_a_reference_says_so():
    text = describe_separation(segmentation(0.33, None))
    assert "weak structure that could be artificial" in text and "retrain" in text


def test_home_line_adds_the_borderline_share():
    text = describe_segment_quality(segmentation(0.531, 0.536))
    assert "4.1% of customers sit on a boundary" in text


def test_how_the_silhouette_was_measured():
    assert measurement_text({"method": "exact", "sample_size": 882_793}) == "exact, over all 882,793 customers"
    sampled = {"method": "disjoint samples", "repeats": 3, "sample_size": 10_000, "std": 0.0021}
    assert measurement_text(sampled) == "mean of 3 disjoint random samples of 10,000 customers, ± 0.002 between them"
    note = "one random sample of 2,500 customers: too few customers for 3 disjoint samples"
    assert measurement_text({"method": "one sample", "repeats": 1, "sample_size": 2_500, "note": note}) == note


def test_model_age_in_words(trained):
    card = replace(trained.card, created="2026-11-26T10:00:00+00:00")
    assert describe_model_age(card, datetime(2026, 11, 26, 10, 1, tzinfo=UTC)).startswith("model trained just now")
    assert "3 hours ago" in describe_model_age(card, datetime(2026, 11, 26, 13, 0, tzinfo=UTC))
    assert "5 days ago (26 Nov 2026 10:00 UTC)" in describe_model_age(card, datetime(2026, 12, 1, 10, 0, tzinfo=UTC))


def test_the_drift_edges_are_described_only_when_sampled():
    assert describe_drift_edges("exact") is None
    text = describe_drift_edges("sampled")
    assert text.startswith("A has more than 2,000,000 customers, so its deciles are those of a fixed sample")
    assert text.endswith("every customer of A and B is counted in the bins.")


def test_the_sampled_medians_caption_states_the_smallest_sample_and_its_precision(monkeypatch):
    """The caption follows the sampling rule's constants: the smallest sample and two standard errors of its
    median's rank (100 / sqrt(n) percentage points); nothing is said when every median is exact."""
    from core.analysis.sql import quantiles
    from core.present.narrative import describe_drift_edges, describe_median_method

    assert describe_median_method("exact") is None and describe_drift_edges("exact") is None
    said = describe_median_method("sampled")
    assert "more than 2,000,000 customers" in said and "about 300,000 or more" in said and "0.2 percentage" in said
    monkeypatch.setattr(quantiles, "MIN_TABLE_SAMPLE", 10_000)
    assert "about 10,000 or more of them (within about 1.0 percentage points in rank)" in describe_median_method(
        "sampled"
    )
    assert "about 10,000 or more" in describe_drift_edges("sampled")
