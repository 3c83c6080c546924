"""The prospect model in words: calibrated chances, log-loss against the prior, AUC and top-decile lift."""

import pytest

from core.present.prospect_report import (
    chance_label,
    describe_lift,
    describe_prospect_quality,
    gains_frame,
    prospect_model_cards,
    ranking_table,
)


def prospect(acc=0.488, base_acc=0.475, log_loss=0.994, prior=1.053, lift_high=1.76) -> dict:
    return {
        "accuracy": acc,
        "baseline_accuracy": base_acc,
        "baseline_class": "Medium",
        "labels": ["Low", "Medium", "High"],
        "log_loss": log_loss,
        "prior_log_loss": prior,
        "calibrated": True,
        "auc": {"Low": 0.68, "Medium": 0.55, "High": 0.68},
        "top_decile_lift": {"Low": 1.97, "Medium": 1.05, "High": lift_high},
        "share": {"Low": 0.235, "Medium": 0.475, "High": 0.29},
        "mean_chance": {"Low": 0.235, "Medium": 0.478, "High": 0.287},
        "gains": {n: [0.1 * i for i in range(1, 11)] for n in ("Low", "Medium", "High")},
    }


def test_lift_in_a_marketers_words():
    text = describe_lift(prospect(), "High")
    assert text == (
        "Of the 10% of prospects the model rates most likely to be High, 51% are High: 1.8× as many as in "
        "a random list of the same size (29%)."
    )
    assert "hardly helps" in describe_lift(prospect(), "Medium")


def test_quality_compares_log_loss_with_the_prior_and_names_the_best_lift():
    text = describe_prospect_quality(prospect())
    assert "log-loss 0.994 vs 1.053" in text and "better than the segment shares alone" in text
    assert "most likely Low hold 2.0× as many Low customers" in text and "weak hint" in text
    worse = describe_prospect_quality(prospect(acc=0.43, base_acc=0.45, log_loss=1.06, prior=1.05))
    assert "less often than always guessing Medium (45.0%)" in worse and "no better than the segment shares" in worse


def test_cards_and_table_show_the_saved_numbers():
    cards = {label: value for label, value, _ in prospect_model_cards(prospect())}
    assert cards == {"Accuracy": "48.8%", "Baseline accuracy": "47.5%", "Log-loss": "0.994", "Prior log-loss": "1.053"}
    table = ranking_table(prospect())
    assert list(table["Segment"]) == ["Low", "Medium", "High"]
    assert table.set_index("Segment").loc["High", "Top-10% lift"] == pytest.approx(1.76)
    gains = gains_frame(prospect())
    assert len(gains) == 3 * 11 and gains["found"].max() == pytest.approx(1.0)


def test_old_models_without_ranking_metrics_are_described_without_inventing_numbers():
    old = {"accuracy": 0.43, "baseline_accuracy": 0.438, "baseline_class": "Medium", "labels": ["Low", "High"]}
    assert "weak hint" in describe_prospect_quality(old)
    assert "retrain" in describe_lift(old, "High")
    assert ranking_table(old).empty and gains_frame(old).empty
    assert [label for label, _, _ in prospect_model_cards(old)] == ["Accuracy", "Baseline accuracy"]
    assert chance_label(old) == "Estimated chance (not calibrated)"
    assert chance_label(prospect()) == "Estimated chance (calibrated)"


@pytest.mark.parametrize(
    ("acc", "words"),
    [
        (0.524, "52.4% of held-out customers, against 47.9% for always guessing Medium: 4.5 points better."),
        (0.483, "about as often as always guessing Medium (47.9%)"),
        (0.46, "less often than always guessing Medium (47.9%)"),
    ],
)
def test_accuracy_words_follow_the_gain_over_the_baseline(acc, words):
    assert words in describe_prospect_quality(prospect(acc=acc, base_acc=0.479))
