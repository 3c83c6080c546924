"""The prospect model in a marketer's words: calibrated chances, log-loss against the prior, AUC and lift.

Reads the prospect metrics saved at training time (quality.json's `prospect_model`); models trained before these
were measured have none, and the functions say so instead of inventing numbers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd

from core.present.formats import format_ratio, format_share

Card = tuple[str, str, str]  # (label, value, tooltip) as ui.widgets.kpi_row takes them
CHANCE_LABEL = "Estimated chance (calibrated)"


def has_ranking_metrics(prospect: Mapping) -> bool:
    """Whether this model was evaluated with log-loss, AUC and lift (models trained before were not)."""
    return "top_decile_lift" in prospect


def chance_label(prospect: Mapping) -> str:
    """'Estimated chance (calibrated)', or 'Estimated chance (not calibrated)' when calibration was impossible."""
    return CHANCE_LABEL if prospect.get("calibrated") else "Estimated chance (not calibrated)"


def prospect_model_cards(prospect: Mapping) -> list[Card]:
    """Accuracy and log-loss of the prospect model, each next to what guessing without it gives."""
    base = prospect["baseline_class"]
    cards = [
        (
            "Accuracy",
            format_share(prospect["accuracy"], 1),
            "Share of held-out customers whose most likely segment is right, from age, gender, location and time of "
            "day only (no money, no transaction history).",
        ),
        (
            "Baseline accuracy",
            format_share(prospect["baseline_accuracy"], 1),
            f"Right answers when always guessing the biggest segment, {base}: the bar any model must clear.",
        ),
    ]
    if has_ranking_metrics(prospect):
        cards += [
            (
                "Log-loss",
                f"{prospect['log_loss']:.3f}",
                "How far the estimated chances are from what happened, averaged over held-out customers: lower is "
                "better. Compare it with the prior's.",
            ),
            (
                "Prior log-loss",
                f"{prospect['prior_log_loss']:.3f}",
                "Log-loss of giving every prospect the same chances, the segment shares: what the model must beat to "
                "add anything.",
            ),
        ]
    return cards


def ranking_table(prospect: Mapping) -> pd.DataFrame:
    """Per segment: ROC AUC, top-10% lift, the mean estimated chance and the true share (held-out customers)."""
    if not has_ranking_metrics(prospect):
        return pd.DataFrame(columns=["Segment", "AUC", "Top-10% lift", "Mean chance", "Share"])
    return pd.DataFrame(
        [
            {
                "Segment": name,
                "AUC": prospect["auc"][name],
                "Top-10% lift": prospect["top_decile_lift"][name],
                "Mean chance": prospect["mean_chance"][name],
                "Share": prospect["share"][name],
            }
            for name in prospect["labels"]
        ]
    )


def describe_lift(prospect: Mapping, segment: str) -> str:
    """'Of the 10% of prospects rated most likely High, 51% are High: 1.8× a random list (29%).'"""
    if not has_ranking_metrics(prospect):
        return "This model was trained before lift was measured: retrain it to see how well it ranks prospects."
    lift, share = prospect["top_decile_lift"].get(segment), prospect["share"].get(segment)
    if lift is None or share is None or not math.isfinite(lift):
        return f"No held-out {segment} customers to measure the lift on."
    found = lift * share
    if lift < 1.1:
        return (
            f"Ranking prospects by this chance hardly helps for {segment}: of the 10% rated most likely, "
            f"{format_share(found)} are {segment}, about the same as a random list ({format_share(share)})."
        )
    return (
        f"Of the 10% of prospects the model rates most likely to be {segment}, {format_share(found)} are "
        f"{segment}: {format_ratio(lift)} as many as in a random list of the same size ({format_share(share)})."
    )


def describe_prospect_quality(prospect: Mapping) -> str:
    """How much the prospect model adds over guessing, in one honest paragraph."""
    acc, base_acc, base = prospect["accuracy"], prospect["baseline_accuracy"], prospect["baseline_class"]
    acc_text, base_text = format_share(acc, 1), format_share(base_acc, 1)  # as on the cards
    gain = round(acc * 100, 1) - round(base_acc * 100, 1)  # in points, from the shares as shown
    if gain >= 1:  # a point or more: say by how much, however small, rather than "about the same"
        verdict = (
            f"It names the right segment for {acc_text} of held-out customers, against {base_text} for always "
            f"guessing {base}: {gain:.1f} points better."
        )
    elif gain > -1:
        verdict = (
            f"It names the right segment for {acc_text} of held-out customers, about as often as always guessing "
            f"{base} ({base_text})."
        )
    else:
        verdict = (
            f"It names the right segment for {acc_text} of held-out customers, less often than always guessing "
            f"{base} ({base_text})."
        )
    if not has_ranking_metrics(prospect):
        return verdict + " Treat a single prediction as a weak hint: without money, segments are hard to predict."
    better = prospect["log_loss"] < prospect["prior_log_loss"] - 0.005
    chances = (
        "Its estimated chances are better than the segment shares alone "
        f"(log-loss {prospect['log_loss']:.3f} vs {prospect['prior_log_loss']:.3f})"
        if better
        else "Its estimated chances are no better than the segment shares alone "
        f"(log-loss {prospect['log_loss']:.3f} vs {prospect['prior_log_loss']:.3f})"
    )
    best = max(prospect["labels"], key=lambda n: prospect["top_decile_lift"].get(n) or 0)
    lift = prospect["top_decile_lift"][best]
    use = (
        f"; it is most useful for ranking: the 10% of prospects rated most likely {best} hold "
        f"{format_ratio(lift)} as many {best} customers as a random 10%."
        if lift >= 1.1
        else "."
    )
    return (
        f"{verdict} {chances}{use} A single prediction stays a weak hint: without money, segments are hard to predict."
    )


def gains_frame(prospect: Mapping) -> pd.DataFrame:
    """Long table for the gains chart: segment, share of prospects contacted, share of the segment found."""
    if not has_ranking_metrics(prospect):
        return pd.DataFrame(columns=["segment", "contacted", "found"])
    rows = []
    for name in prospect["labels"]:
        curve = prospect["gains"][name]
        rows.append({"segment": name, "contacted": 0.0, "found": 0.0})
        rows += [{"segment": name, "contacted": (i + 1) / len(curve), "found": v} for i, v in enumerate(curve)]
    return pd.DataFrame(rows)
