"""Model-quality report: cards, the honest prospect sentence, tables built from the saved quality and card."""

from dataclasses import replace

import pytest

from core.present.model_report import (
    describe_k_choice,
    describe_prospect_quality,
    elbow_frame,
    full_model_cards,
    importance_frame,
    model_card_table,
    per_class_table,
    prospect_model_cards,
    segmentation_cards,
    silhouette_sample_text,
)


def prospect(acc, base_acc, f1, base_f1):
    return {
        "accuracy": acc,
        "baseline_accuracy": base_acc,
        "macro_f1": f1,
        "baseline_macro_f1": base_f1,
        "baseline_class": "Medium",
    }


def test_segmentation_cards_show_the_saved_numbers(trained):
    seg = trained.quality.segmentation
    cards = dict((label, value) for label, value, _ in segmentation_cards(seg))
    assert cards["Davies–Bouldin"] == f"{seg['davies_bouldin']:.2f}"
    assert cards["Calinski–Harabasz"] == f"{seg['calinski_harabasz']:,.0f}"
    assert all(tip for _, _, tip in segmentation_cards(seg))


def test_silhouette_card_shows_spread_only_for_repeated_samples():
    seg = {
        "silhouette": {"mean": 0.334, "std": 0.0031, "sample_size": 10_000, "repeats": 3},
        "davies_bouldin": 1.03,
        "calinski_harabasz": 656_388.7,
        "sizes": {"Low": 1, "High": 2},
    }
    label, value, tip = segmentation_cards(seg)[0]
    assert (label, value) == ("Silhouette", "0.33 ± 0.003")
    assert "3 random samples of 10,000 customers" in tip and "weak structure that could be artificial" in tip
    seg["silhouette"].update(repeats=1, sample_size=6_000)
    assert segmentation_cards(seg)[0][1] == "0.33"
    assert silhouette_sample_text(seg["silhouette"]) == "all 6,000 customers"


def test_full_model_is_called_agreement_not_accuracy(trained):
    labels = [label for label, _, _ in full_model_cards(trained.quality.full_model)]
    assert labels[0] == "Agreement with the segments" and "Accuracy" not in labels


def test_prospect_cards_put_baselines_next_to_scores(trained):
    q = trained.quality.prospect_model
    cards = {label: value for label, value, _ in prospect_model_cards(q)}
    assert cards["Accuracy"] == f"{q['accuracy']:.1%}" and cards["Baseline accuracy"] == f"{q['baseline_accuracy']:.1%}"


@pytest.mark.parametrize(
    ("scores", "phrases", "absent"),
    [
        (
            (0.43, 0.45, 0.43, 0.21),
            ["43%", "slightly less often than always guessing Medium (45%)", "macro-F1 0.43 vs 0.21", "weak hint"],
            [],
        ),
        ((0.452, 0.45, 0.23, 0.21), ["about the same as always guessing Medium", "little ability", "weak hint"], []),
        ((0.80, 0.45, 0.78, 0.21), ["35 points better", "rank prospects"], ["weak hint"]),
    ],
)
def test_prospect_quality_is_described_honestly(scores, phrases, absent):
    text = describe_prospect_quality(prospect(*scores))
    assert [p for p in phrases if p not in text] == []
    assert [p for p in absent if p in text] == []


def test_tables_from_the_saved_quality(trained):
    full = trained.quality.full_model
    table = per_class_table(full)
    assert list(table.columns) == ["Segment", "Precision", "Recall", "F1", "Customers"]
    assert table["Customers"].sum() == full["n_test"]
    imp = importance_frame(full)
    assert imp["mean"].is_monotonic_decreasing
    grouped = [f for row in full["importances"] for f in row["features"]]
    assert sorted(grouped) == sorted(trained.models.full_features)  # every feature in exactly one group
    elbow = elbow_frame(trained.quality.segmentation)
    assert list(elbow.columns) == ["k", "inertia", "silhouette"] and elbow["k"].iloc[0] == 2


def test_k_choice_is_explained():
    elbow = [{"k": 2, "silhouette": 0.42}, {"k": 3, "silhouette": 0.34}, {"k": 4, "silhouette": 0.36}]
    assert "k = 2 separates slightly better" in describe_k_choice({"elbow": elbow}, 3)
    assert "0.42 vs 0.34" in describe_k_choice({"elbow": elbow}, 3)
    assert describe_k_choice({"elbow": elbow}, 2).startswith("2 segments is also the best-separated choice")


def test_model_card_table_is_all_text(trained):
    table = model_card_table(trained.card)
    assert set(table["Section"]) >= {
        "Training",
        "Rows",
        "Segmentation",
        "Classifiers",
        "Stage timings",
        "Library versions",
    }
    assert table["Value"].map(type).eq(str).all()
    assert trained.card.input_sha256 in set(table["Value"])


def test_model_card_settings_are_flattened_and_readable(trained):
    params = replace(
        trained.card.params,
        k=3,
        segment_features=("balance", "mean_amount"),
        kmeans={"init": "budget bands", "inertia": 1026120.886},
        classifier={"max_samples": 0.3},
    )
    card = replace(trained.card, params=params)
    rows = {(s, i): v for s, i, v in model_card_table(card).itertuples(index=False)}
    assert rows[("Segmentation", "segment features")] == "Account balance, Average transaction"
    assert rows[("Segmentation", "kmeans · init")] == "budget bands"
    assert rows[("Segmentation", "kmeans · inertia")] == "1,026,120.89"
    assert rows[("Classifiers", "max samples")] == "0.3"
