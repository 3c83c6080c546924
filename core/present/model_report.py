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
from core.pipeline.evaluate import SMALL_GAP
from core.pipeline.features import FEATURES
from core.present.formats import format_count, format_share
from core.present.narrative import measurement_text, silhouette_word

Card = tuple[str, str, str]  # (label, value, tooltip) as ui.widgets.kpi_row takes them


def segmentation_cards(segmentation: Mapping) -> list[Card]:
    """Silhouette next to the structureless reference and the borderline share, each with a tooltip."""
    sil = segmentation["silhouette"]
    cards = [
        (
            "Silhouette",
            f"{sil['mean']:.2f} ± {sil['std']:.3f}" if sil.get("repeats", 1) > 1 else f"{sil['mean']:.2f}",
            "How much closer each customer is to their own segment than to the next one, from -1 to 1. Kaufman & "
            "Rousseeuw read above 0.70 as strong structure, 0.51-0.70 reasonable, 0.26-0.50 weak (could be "
            f"artificial), 0.25 or less none. Measured {measurement_text(sil)}. Reading: {silhouette_word(sil['mean'])}"
            "; compare it with the structureless reference.",
        ),
    ]
    if "reference_silhouette" in segmentation:
        ref = segmentation["reference_silhouette"]
        cards.append(
            (
                "Structureless reference",
                f"{ref['mean']:.2f}",
                f"The same pipeline on {ref['sample_size']:,} customers drawn from one smooth cloud with the same "
                "spread and correlation of balance and spending, so with no groups at all. Segments that score no "
                f"higher are tiers cut from a continuum. Gap: {segmentation['silhouette_gap']:+.3f}.",
            )
        )
    if "borderline_share" in segmentation:
        cards.append(
            (
                "On a boundary",
                format_share(segmentation["borderline_share"], 1),
                "Customers whose second-nearest segment centre is at most 10% further than their own: a small change "
                "in balance or spending moves them to the neighbouring segment. Customer lookup flags them.",
            )
        )
    return cards


def spread_cards(segmentation: Mapping) -> list[Card]:
    """Davies–Bouldin and Calinski–Harabasz, each with how to read it."""
    return [
        (
            "Davies–Bouldin",
            f"{segmentation['davies_bouldin']:.2f}",
            "How spread out each segment is compared with its distance to the most similar segment, averaged: "
            "lower is better, 0 would be perfectly separated. Uses every customer.",
        ),
        (
            "Calinski–Harabasz",
            format_count(segmentation["calinski_harabasz"]),
            "Spread between segments divided by the spread within them: higher is better. It grows with the "
            "number of customers, so only compare it between segmentations of the same data. Uses every customer.",
        ),
    ]


def agreement_cards(segmentation: Mapping) -> list[Card]:
    """How closely the segments follow each money feature: agreement with its equal-size bands (terciles)."""
    k = len(segmentation["sizes"])
    bands = "terciles" if k == 3 else f"{k} equal-size bands"
    return [
        (
            f"Follows {FEATURES[name].label.lower()}",
            format_share(value, 1),
            f"Share of customers whose segment matches their band among the {bands} of {FEATURES[name].label.lower()} "
            f"(lowest third in the lowest segment, and so on). Chance alone gives about {format_share(1 / k)}; "
            "100% would mean the segments are that feature alone.",
        )
        for name, value in segmentation.get("agreement", {}).items()
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
    """What the silhouette by k says about the number of segments, read against the structureless reference."""
    rows = {row["k"]: row for row in segmentation["elbow"]}
    if not rows or chosen_k not in rows:
        return f"{chosen_k} segments were used."
    if all("gap" in row for row in rows.values()):
        best = max(rows, key=lambda k: rows[k]["gap"])
        if rows[best]["gap"] < SMALL_GAP:
            return (
                f"No number of segments stands out: from k = {min(rows)} to {max(rows)} the silhouette stays within "
                f"{SMALL_GAP} of the structureless reference (largest gap {rows[best]['gap']:+.3f}, at k = {best}), "
                "so the data has no natural number of groups. The number of segments is a business choice: how "
                "many budget tiers your campaigns can use. Retrain with another number on the Data page if that "
                "suits you better."
            )
        if best == chosen_k:
            gap = rows[best]["gap"]
            return f"{chosen_k} segments stands out most above the structureless reference (gap {gap:+.3f})."
        return (
            f"The model uses {chosen_k} segments; k = {best} stands out more above the structureless reference (gap "
            f"{rows[best]['gap']:+.3f} vs {rows[chosen_k]['gap']:+.3f}). Retrain with another number of segments on "
            "the Data page if that suits your campaigns."
        )
    silhouettes = {k: row["silhouette"] for k, row in rows.items()}
    best = max(silhouettes, key=silhouettes.get)
    return (
        f"Silhouette {silhouettes[chosen_k]:.2f} at the chosen {chosen_k} segments, highest {silhouettes[best]:.2f} at "
        f"k = {best}. This model was trained before the structureless reference was measured, so whether any k "
        "stands out is unknown: retrain it to see."
    )


def importance_frame(model: Mapping) -> pd.DataFrame:
    """Permutation importances (feature, mean, std), largest first, for core.present.charts.importance_bar."""
    frame = pd.DataFrame(model["importances"], columns=["feature", "mean", "std"])
    return frame.sort_values("mean", ascending=False, kind="stable").reset_index(drop=True)


def elbow_frame(segmentation: Mapping) -> pd.DataFrame:
    """k, inertia per customer, silhouette and the reference's silhouette (NaN if not measured) for each k."""
    return pd.DataFrame(segmentation["elbow"], columns=["k", "inertia", "silhouette", "reference_silhouette"])


def importance_note(model: Mapping) -> str:
    """How the importances were measured and which features were shuffled together, for a caption."""
    rows = min(model["n_test"], MAX_IMPORTANCE_ROWS)
    groups = [f"{row['feature']}" for row in model["importances"] if len(row.get("features", [])) > 1]
    together = (
        f" Features that carry nearly the same information are shuffled together as one group: {'; '.join(groups)}."
        if groups
        else ""
    )
    return (
        f"Importance: how much worse the model gets (drop in macro-F1) when a feature's values are shuffled among "
        f"{rows:,} held-out customers.{together} A long bar means the model leans on it. A bar near 0 means the "
        "model gets no extra help from it once it knows the others, which is not proof it is unrelated to the "
        "segments: the model may find the same information in another input. A bar below 0 is noise from the "
        "shuffle, not a harmful feature."
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


def card_warnings(card: ModelCard) -> list[str]:
    """What the data could not support (core.pipeline.support), as saved in the card; [] for older cards."""
    return list(card.extra.get("warnings") or [])


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
    metrics = {f.name: getattr(card.metrics, f.name) for f in fields(card.metrics) if f.name != "extra"}
    metrics.update(card.metrics.extra)
    rows += [("Metrics", item, text) for item, text in _setting_rows(metrics)]
    rows += [("Warnings", str(i), str(text)) for i, text in enumerate(card_warnings(card), start=1)]
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
