"""Model-quality report: cards, the honest prospect sentence, tables built from the saved quality and card."""

from dataclasses import replace

from core.present.model_report import (
    agreement_cards,
    describe_k_choice,
    elbow_frame,
    full_model_cards,
    importance_frame,
    importance_note,
    model_card_table,
    per_class_table,
    segmentation_cards,
    spread_cards,
)


def test_segmentation_cards_show_the_saved_numbers(trained):
    seg = trained.quality.segmentation
    cards = dict((label, value) for label, value, _ in [*segmentation_cards(seg), *spread_cards(seg)])
    assert cards["Davies–Bouldin"] == f"{seg['davies_bouldin']:.2f}"
    assert cards["Calinski–Harabasz"] == f"{seg['calinski_harabasz']:,.0f}"
    assert all(tip for _, _, tip in segmentation_cards(seg))


def test_silhouette_card_shows_spread_only_for_repeated_samples():
    seg = {
        "silhouette": {"mean": 0.334, "std": 0.0031, "sample_size": 10_000, "repeats": 3, "method": "disjoint samples"},
        "davies_bouldin": 1.03,
        "calinski_harabasz": 656_388.7,
        "sizes": {"Low": 1, "High": 2},
    }
    label, value, tip = segmentation_cards(seg)[0]
    assert (label, value) == ("Silhouette", "0.33 ± 0.003")
    assert "3 disjoint random samples of 10,000 customers" in tip and "weak structure that could be artificial" in tip
    seg["silhouette"].update(repeats=1, sample_size=6_000, method="exact")
    assert segmentation_cards(seg)[0][1] == "0.33"
    assert "exact, over all 6,000 customers" in segmentation_cards(seg)[0][2]


def test_reference_and_agreement_cards_show_the_saved_numbers(trained):
    seg = trained.quality.segmentation
    cards = {label: value for label, value, _ in segmentation_cards(seg)}
    assert cards["Structureless reference"] == f"{seg['reference_silhouette']['mean']:.2f}"
    assert cards["On a boundary"] == f"{seg['borderline_share']:.1%}"
    agreement = {label: (value, tip) for label, value, tip in agreement_cards(seg)}
    assert agreement["Follows account balance"][0] == f"{seg['agreement']['balance']:.1%}"
    assert "terciles" in agreement["Follows account balance"][1] and "33%" in agreement["Follows account balance"][1]


def test_full_model_is_called_agreement_not_accuracy(trained):
    labels = [label for label, _, _ in full_model_cards(trained.quality.full_model)]
    assert labels[0] == "Agreement with the segments" and "Accuracy" not in labels


def test_tables_from_the_saved_quality(trained):
    full = trained.quality.full_model
    table = per_class_table(full)
    assert list(table.columns) == ["Segment", "Precision", "Recall", "F1", "Customers"]
    assert table["Customers"].sum() == full["n_test"]
    imp = importance_frame(full)
    assert imp["mean"].is_monotonic_decreasing
    grouped = {f for row in full["importances"] for f in row["features"]}
    assert grouped == set(trained.models.full_features)  # every feature in exactly one group
    assert sum(len(row["features"]) for row in full["importances"]) == len(trained.models.full_features)
    elbow = elbow_frame(trained.quality.segmentation)
    assert list(elbow.columns) == ["k", "inertia", "silhouette", "reference_silhouette"] and elbow["k"].iloc[0] == 2


def test_k_advice_says_k_is_a_business_choice_when_no_k_stands_out():
    flat = [{"k": k, "silhouette": 0.53, "reference_silhouette": 0.535, "gap": -0.005} for k in range(2, 9)]
    text = describe_k_choice({"elbow": flat}, 3)
    assert "No number of segments stands out" in text and "business choice" in text


def test_k_advice_names_the_k_that_stands_out():
    rows = [
        {"k": 2, "silhouette": 0.6, "gap": 0.02},
        {"k": 3, "silhouette": 0.7, "gap": 0.2},
        {"k": 4, "silhouette": 0.62, "gap": 0.08},
    ]
    assert describe_k_choice({"elbow": rows}, 3).startswith("3 segments stands out most")
    assert "k = 3 stands out more" in describe_k_choice({"elbow": rows}, 4)


def test_k_advice_of_an_old_model_does_not_guess():
    old = [{"k": 2, "silhouette": 0.42}, {"k": 3, "silhouette": 0.34}]
    assert "retrain it to see" in describe_k_choice({"elbow": old}, 3)


def test_importance_note_states_the_groups_without_overclaiming():
    model = {
        "n_test": 9_000,
        "importances": [
            {
                "feature": "Spending (average, total, largest transaction)",
                "features": ["mean_amount", "total_amount", "max_amount"],
                "mean": 0.5,
            },
            {"feature": "balance", "features": ["balance"], "mean": 0.3},
        ],
    }
    note = importance_note(model)
    assert "3,000 held-out customers" in note and "Spending (average, total, largest transaction)" in note
    assert "does not need" not in note and "not proof" in note


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
