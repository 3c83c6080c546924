"""Model quality page: the numbers measured at training time, per-segment tables and the model card, one tab each
(only the open tab is drawn)."""

import pytest

from tests.app.conftest import assert_clean, run_page

PAGE = "pages/6_Model_quality.py"


TABS = ("Segments", "Full model", "Prospect model", "Model card")


@pytest.fixture(scope="module")
def tabs():
    """The page with each tab open (what a click on the tab does), by tab."""
    opened = {}
    for label in TABS:
        at = run_page(PAGE)
        if label != TABS[0]:
            at.session_state["quality_tab"] = label
            at.run()
        assert_clean(at)
        opened[label] = at
    return opened


@pytest.fixture(scope="module")
def page(tabs):
    """The page as it opens: on the segments tab."""
    return tabs["Segments"]


def test_only_the_open_tab_is_drawn(tabs):
    charts = {label: len(at.get("plotly_chart")) for label, at in tabs.items()}
    assert charts == {"Segments": 3, "Full model": 2, "Prospect model": 3, "Model card": 0}
    assert not tabs["Segments"].table and len(tabs["Model card"].table) == 1


def metrics(at) -> list[tuple[str, str]]:
    return [(m.label, m.value) for m in at.metric]


def test_segmentation_metrics_match_the_saved_quality(page, trained):
    seg = trained.quality.segmentation
    sil = seg["silhouette"]
    shown = dict(metrics(page)[:7])
    assert sil["method"] == "exact"  # one budget score: every customer, no sampling
    assert shown["Silhouette"] == f"{sil['mean']:.2f}"
    assert shown["Structureless reference"] == f"{seg['reference_silhouette']['mean']:.2f}"
    assert shown["On a boundary"] == f"{seg['borderline_share']:.1%}"
    assert shown["Davies–Bouldin"] == f"{seg['davies_bouldin']:.2f}"
    assert shown["Calinski–Harabasz"] == f"{seg['calinski_harabasz']:,.0f}"
    assert shown["Follows account balance"] == f"{seg['agreement']['balance']:.1%}"
    assert shown["Follows average transaction"] == f"{seg['agreement']['mean_amount']:.1%}"
    help_text = next(m for m in page.metric if m.label == "Silhouette").proto.help
    assert f"exact, over all {sil['sample_size']:,} customers" in help_text and "Kaufman" in help_text
    assert any(f"{seg['elbow_sample_size']:,} customers" in c.value and "budget bands" in c.value for c in page.caption)
    reference = f"{seg['reference_silhouette']['mean']:.2f}"
    assert any(reference in i.value and "Kaufman" in i.value for i in page.info)


def test_classifier_metrics_match_the_saved_quality(tabs, trained):
    full, prospect = trained.quality.full_model, trained.quality.prospect_model
    shown = metrics(tabs["Full model"])
    assert ("Agreement with the segments", f"{full['accuracy']:.1%}") in shown
    assert ("Held-out customers", f"{full['n_test']:,}") in shown
    assert "Accuracy" not in [label for label, _ in shown]  # full model: agreement, not "accuracy"
    shown = metrics(tabs["Prospect model"])
    assert ("Accuracy", f"{prospect['accuracy']:.1%}") in shown
    assert ("Baseline accuracy", f"{prospect['baseline_accuracy']:.1%}") in shown
    assert ("Log-loss", f"{prospect['log_loss']:.3f}") in shown
    assert ("Prior log-loss", f"{prospect['prior_log_loss']:.3f}") in shown
    assert any(prospect["baseline_class"] in i.value for i in tabs["Prospect model"].info)


def test_per_segment_tables_hold_precision_recall_and_f1(tabs, trained):
    per_class = [
        next(d.value for d in tabs[label].dataframe if "Recall" in d.value.columns)
        for label in ("Full model", "Prospect model")
    ]
    for table, key in zip(per_class, ("full_model", "prospect_model"), strict=True):
        saved = getattr(trained.quality, key)["per_class"]
        assert list(table["Segment"]) == list(trained.models.segment_names)
        for _, row in table.iterrows():
            assert row["Recall"] == pytest.approx(saved[row["Segment"]]["recall"])
            assert row["Customers"] == saved[row["Segment"]]["support"]


def test_model_card_table_lists_versions_rows_and_checksum(tabs, trained):
    card = tabs["Model card"].table[0].value
    values = dict(zip(card["Item"], card["Value"], strict=True))
    assert values["Input sha256"] == trained.card.input_sha256
    assert values["scikit-learn"] == trained.card.versions["scikit-learn"]
    assert values["Customers"] == f"{trained.card.rows.customers:,}"
    assert values["k"] == str(trained.card.params.k)
    assert "Stage timings" in set(card["Section"])


def test_separation_is_read_against_the_structureless_reference(page, tabs):
    """The silhouette cards come with the same reading as Home: against data with no groups at all."""
    text = " ".join(info.value for info in page.info)
    assert "Kaufman & Rousseeuw" in text
    assert "no groups" in text
    captions = " ".join(c.value for c in tabs["Full model"].caption)  # under the feature importances
    assert "A bar below 0 is noise" in captions


def test_prospect_ranking_table_and_gains_chart_show_the_saved_lift(tabs, trained):
    page = tabs["Prospect model"]
    prospect = trained.quality.prospect_model
    ranking = next(d.value for d in page.dataframe if "Top-10% lift" in d.value.columns)
    assert list(ranking["Segment"]) == list(trained.models.segment_names)
    for _, row in ranking.iterrows():
        assert row["AUC"] == pytest.approx(prospect["auc"][row["Segment"]])
        assert row["Top-10% lift"] == pytest.approx(prospect["top_decile_lift"][row["Segment"]])
    assert any("Who a ranked list reaches" in c.proto.spec for c in page.get("plotly_chart"))


def test_importance_caption_names_the_groups_and_does_not_overclaim(tabs):
    captions = " ".join(c.value for c in tabs["Full model"].caption)
    assert "Spending (average, total, largest transaction)" in captions
    assert "does not need" not in captions
