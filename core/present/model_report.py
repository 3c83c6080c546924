"""The model-quality report in plain English: metric cards, per-segment tables and the model card as a table.

Everything reads the dicts saved at training time (`quality.json` and `model_card.json`), so the page shows
exactly what was measured when the models were trained, never a recomputation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, fields

import pandas as pd

from core.pipeline.card import ModelCard
from core.pipeline.classify import MAX_IMPORTANCE_ROWS
from core.pipeline.features import FEATURES
from core.present.formats import format_count, format_share
from core.present.narrative import silhouette_word

Card = tuple[str, str, str]  # (label, value, tooltip) as ui.widgets.kpi_row takes them


def silhouette_sample_text(silhouette: Mapping) -> str:
    """'3 random samples of 10,000 customers' or 'all 6,000 customers'."""
    if silhouette["repeats"] > 1:
        return f"{silhouette['repeats']} random samples of {silhouette['sample_size']:,} customers"
    return f"all {silhouette['sample_size']:,} customers"


def segmentation_cards(segmentation: Mapping) -> list[Card]:
    """Silhouette (with spread and sample), Davies–Bouldin and Calinski–Harabasz, each with a plain tooltip."""
    sil = segmentation["silhouette"]
    return [
        (
            "Silhouette",
            f"{sil['mean']:.2f} ± {sil['std']:.3f}" if sil["repeats"] > 1 else f"{sil['mean']:.2f}",
            "How much closer each customer is to their own segment than to the next one, from -1 to 1. Kaufman & "
            "Rousseeuw read above 0.70 as strong structure, 0.51-0.70 reasonable, 0.26-0.50 weak (could be "
            "artificial), 0.25 or less none; compare it with the structureless reference on Home. Measured on "
            f"{silhouette_sample_text(sil)} (it compares every pair of customers, so large bases are sampled)"
            + ("; ± is the spread between samples" if sil["repeats"] > 1 else "")
            + f". Reading: {silhouette_word(sil['mean'])}.",
        ),
        (
            "Davies–Bouldin",
            f"{segmentation['davies_bouldin']:.2f}",
            "How spread out each segment is compared with its distance to the most similar segment, averaged: "
            "lower is better, 0 would be perfectly separated; below about 1 is good. Uses every customer.",
        ),
        (
            "Calinski–Harabasz",
            format_count(segmentation["calinski_harabasz"]),
            "Spread between segments divided by the spread within them: higher is better. It grows with the "
            "number of customers, so only compare it between segmentations of the same data. Uses every customer.",
        ),
        (
            "Segments",
            str(len(segmentation["sizes"])),
            "Number of budget segments, ordered from the lowest to the highest budget.",
        ),
    ]


def full_model_cards(full: Mapping) -> list[Card]:
    """The full-feature model: its 'agreement with the segments', and how many customers that was checked on."""
    return [
        (
            "Agreement with the segments",
            format_share(full["accuracy"], 1),
            "Share of held-out customers for whom this model gives the same segment as the segmentation itself. "
            "It sees every feature, including the money ones the segments are built from, so high agreement is "
            "expected: it shows the model is a faithful stand-in for explaining segments, not a forecast.",
        ),
        (
            "Macro-F1",
            f"{full['macro_f1']:.3f}",
            "Average over segments of the balance between precision and recall (1 is perfect); it weighs small "
            "segments as much as big ones.",
        ),
        (
            "Held-out customers",
            format_count(full["n_test"]),
            f"Customers kept aside and never shown to the model while it learned ({full['n_train']:,} were used to "
            "learn); every score on this page is measured on them.",
        ),
    ]


def prospect_model_cards(prospect: Mapping) -> list[Card]:
    """The prospect model's accuracy and macro-F1 next to the majority-class baseline."""
    base = prospect["baseline_class"]
    return [
        (
            "Accuracy",
            format_share(prospect["accuracy"], 1),
            "Share of held-out customers whose segment the prospect model gets right, from age, gender, location "
            "and transaction timing only (no money).",
        ),
        (
            "Baseline accuracy",
            format_share(prospect["baseline_accuracy"], 1),
            f"Right answers when always guessing the biggest segment, {base}: the bar any model must clear.",
        ),
        (
            "Macro-F1",
            f"{prospect['macro_f1']:.3f}",
            "Average over segments of the balance between precision and recall (1 is perfect). Unlike accuracy it "
            "rewards finding the smaller segments too.",
        ),
        (
            "Baseline macro-F1",
            f"{prospect['baseline_macro_f1']:.3f}",
            f"Macro-F1 of always guessing {base}: it never finds the other segments, so it is low.",
        ),
    ]


def describe_prospect_quality(prospect: Mapping) -> str:
    """How much better than guessing the prospect model is, in one honest paragraph."""
    acc, base_acc = prospect["accuracy"], prospect["baseline_accuracy"]
    f1, base_f1 = prospect["macro_f1"], prospect["baseline_macro_f1"]
    base = prospect["baseline_class"]
    gain = acc - base_acc
    if gain >= 0.05:
        verdict = (
            f"It gets the segment right for {format_share(acc)} of held-out customers, against "
            f"{format_share(base_acc)} for always guessing {base}: {gain * 100:.0f} points better."
        )
    elif gain > -0.005:
        verdict = (
            f"It gets the segment right for {format_share(acc)} of held-out customers, about the same as "
            f"always guessing {base} ({format_share(base_acc)})."
        )
    else:
        verdict = (
            f"It gets the segment right for {format_share(acc)} of held-out customers, slightly less often "
            f"than always guessing {base} ({format_share(base_acc)})."
        )
    if f1 - base_f1 >= 0.05:
        spread = (
            f" It does tell the segments apart better than guessing (macro-F1 {f1:.2f} vs {base_f1:.2f}), "
            f"so it can rank prospects by likely segment"
        )
    else:
        spread = f" Its macro-F1 ({f1:.2f} vs {base_f1:.2f}) shows little ability to tell the segments apart"
    strong = gain >= 0.15 and f1 >= 0.6
    caution = (
        "."
        if strong
        else ", but treat a single prediction as a weak hint: without money, segments are hard to predict."
    )
    return verdict + spread + caution


def per_class_table(model: Mapping) -> pd.DataFrame:
    """Precision, recall and F1 per segment with the number of held-out customers in it."""
    rows = [
        {
            "Segment": name,
            "Precision": m["precision"],
            "Recall": m["recall"],
            "F1": m["f1-score"],
            "Customers": int(m["support"]),
        }
        for name, m in model["per_class"].items()
    ]
    return pd.DataFrame(rows)


def describe_k_choice(segmentation: Mapping, chosen_k: int) -> str:
    """Whether the chosen number of segments is also the best separated one, and what that means."""
    elbow = {row["k"]: row["silhouette"] for row in segmentation["elbow"]}
    if not elbow or chosen_k not in elbow:
        return f"{chosen_k} segments were used."
    best = max(elbow, key=elbow.get)
    if best == chosen_k:
        return f"{chosen_k} segments is also the best-separated choice on this sample (silhouette {elbow[best]:.2f})."
    closeness = "slightly " if elbow[best] - elbow[chosen_k] < 0.1 else ""
    return (
        f"The model uses {chosen_k} segments; k = {best} separates {closeness}better on this sample (silhouette "
        f"{elbow[best]:.2f} vs {elbow[chosen_k]:.2f}). Fewer segments are often cleaner but give campaigns "
        "fewer tiers to work with: retrain with another number of segments on the Data page if that suits "
        "you better."
    )


def importance_frame(model: Mapping) -> pd.DataFrame:
    """Permutation importances (feature, mean, std), largest first, for core.present.charts.importance_bar."""
    frame = pd.DataFrame(model["importances"], columns=["feature", "mean", "std"])
    return frame.sort_values("mean", ascending=False, kind="stable").reset_index(drop=True)


def elbow_frame(segmentation: Mapping) -> pd.DataFrame:
    """k, inertia per customer and silhouette for each number of segments tried."""
    return pd.DataFrame(segmentation["elbow"], columns=["k", "inertia", "silhouette"])


def importance_note(model: Mapping) -> str:
    """How the importances were measured, for a caption under the chart."""
    rows = min(model["n_test"], MAX_IMPORTANCE_ROWS)
    return (
        f"Importance: how much worse the model gets (drop in macro-F1) when one group of related features is "
        f"shuffled together among {rows:,} held-out customers; longer bars matter more. A bar near 0 means the "
        "model gets no extra help from that group once it knows the others (it may still be related to the "
        "segment); a bar below 0 is noise from the shuffle, not a harmful feature."
    )


def _setting_text(value: object) -> str:
    """A setting as text: feature names as their labels, lists comma-separated, big floats with separators."""
    if isinstance(value, list | tuple):
        return ", ".join(FEATURES[v].label if isinstance(v, str) and v in FEATURES else str(v) for v in value)
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) >= 1 else f"{value:.4g}"
    return str(value)


def _setting_rows(settings: Mapping, prefix: str = "") -> list[tuple[str, str]]:
    """(item, value) rows of a settings dict, nested dicts flattened to 'outer · inner'."""
    rows = []
    for key, value in settings.items():
        item = prefix + str(key).replace("_", " ")
        if isinstance(value, Mapping):
            rows += _setting_rows(value, prefix=f"{item} · ")
        else:
            rows.append((item, _setting_text(value)))
    return rows


def _seconds(value: float) -> str:
    """'11.9 s' or '2 min 05 s'."""
    return f"{value:.1f} s" if value < 120 else f"{int(value // 60)} min {int(value % 60):02d} s"


def _scoring_rows(card: ModelCard) -> list[tuple[str, str, str]]:
    """A scored dataset's link to its model and its drift against the model's training data (core.scoring.rescore)."""
    link, drift = card.extra.get("scored_with"), card.extra.get("drift")
    if not isinstance(link, dict):
        return []
    rows = [
        ("Scoring", "Scored with the model of", f"{link.get('dataset', '–')} (version {link.get('version', '–')})"),
        ("Scoring", "That model was trained (UTC)", str(link.get("model_created", "–")).replace("T", " ")[:19]),
        ("Scoring", "Refitted", "no: the same features, centres and segment names"),
    ]
    if isinstance(drift, dict):
        section = "Drift against the training data (PSI)"
        segments = drift.get("segments", {})
        rows.append((section, "Segment shares", _psi_text(segments)))
        for name, value in drift.get("features", {}).items():
            rows.append((section, FEATURES[name].label if name in FEATURES else name, _psi_text(value)))
    return rows


def _psi_text(entry: Mapping) -> str:
    """'0.012, stable' from a drift report entry."""
    psi = entry.get("psi")
    return f"{psi:.3f}, {entry.get('reading', '')}" if isinstance(psi, int | float) else "not measurable"


def model_card_table(card: ModelCard) -> pd.DataFrame:
    """The model card as rows of (Section, Item, Value), all text, for a readable table."""
    size = f"{card.model_size_mb:.2f} MB" if card.model_size_mb is not None else "–"
    rows: list[tuple[str, str, str]] = [
        ("Training", "Created (UTC)", card.created.replace("T", " ").split("+")[0]),
        ("Training", "Source file", card.source or "generated default data"),
        ("Training", "Input sha256", card.input_sha256 or "–"),
        ("Training", "Model file size", size),
    ]
    if card.date_range:
        rows.append(("Training", "Transactions from – to", " – ".join(card.date_range)))
    labels = {"input": "Rows in the file", "transactions": "Transactions kept", "customers": "Customers"}
    rows += [("Rows", labels[k], f"{v:,}") for k, v in asdict(card.rows).items()]
    params = {
        f.name: getattr(card.params, f.name) for f in fields(card.params) if f.name not in ("classifier", "extra")
    }
    params.update(card.params.extra)
    params = {k: list(v) if isinstance(v, tuple) else v for k, v in params.items()}
    rows += [("Segmentation", item, text) for item, text in _setting_rows(params)]
    rows += [("Classifiers", item, text) for item, text in _setting_rows(card.params.classifier)]
    rows.append(
        (
            "Features",
            "Left out (not in the data)",
            ", ".join(FEATURES[f].label if f in FEATURES else f for f in card.unavailable_features) or "none",
        )
    )
    rows += _scoring_rows(card)
    rows += [("Stage timings", stage, _seconds(float(sec))) for stage, sec in card.timings.items()]
    rows += [("Library versions", lib, str(ver)) for lib, ver in card.versions.items()]
    return pd.DataFrame(rows, columns=["Section", "Item", "Value"])
