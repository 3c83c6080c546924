"""Plain-English sentences about segment quality and model age."""

from datetime import UTC, datetime

from core.present.narrative import describe_model_age, describe_segment_quality, silhouette_word


def segmentation(mean: float, std: float, repeats: int, size: int) -> dict:
    return {"silhouette": {"mean": mean, "std": std, "repeats": repeats, "sample_size": size}, "davies_bouldin": 1.04}


def test_sampled_silhouette_shows_spread_and_sample():
    text = describe_segment_quality(segmentation(0.337, 0.007, 3, 10_000))
    assert "0.34 ± 0.007 (3 samples of 10,000 customers" in text and "reasonably separated" in text
    assert "Davies–Bouldin 1.04" in text


def test_exact_silhouette_has_no_spread():
    text = describe_segment_quality(segmentation(0.6, 0.0, 1, 5_063))
    assert "0.60 (all 5,063 customers" in text and "±" not in text and "well separated" in text


def test_silhouette_words_follow_the_usual_bands():
    assert [silhouette_word(v) for v in (0.7, 0.3, 0.1)] == ["well separated", "reasonably separated", "overlapping"]


def test_model_age_in_words():
    card = {"created": "2026-11-26T10:00:00+00:00"}
    assert describe_model_age(card, datetime(2026, 11, 26, 10, 1, tzinfo=UTC)).startswith("model trained just now")
    assert "3 hours ago" in describe_model_age(card, datetime(2026, 11, 26, 13, 0, tzinfo=UTC))
    assert "5 days ago (26 Nov 2026 10:00 UTC)" in describe_model_age(card, datetime(2026, 12, 1, 10, 0, tzinfo=UTC))
