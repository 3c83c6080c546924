"""Scores in words for marketers: the next-segment move and how sure a prospect guess is."""

from __future__ import annotations

import pandas as pd

from core.config import MAX_RAISE
from core.pipeline.features import FEATURES
from core.present.formats import format_inr_short, format_ratio


def describe_move(move: dict | None, segment: str, top_segment: str) -> str:
    """The what-if suggestion in a marketer's words, e.g. 'Raising the average transaction from ₹450 to ₹1,230
    (2.7×) would move this customer to High.'"""
    if move is None:
        if segment == top_segment:
            return f"This customer is already in the top segment, {top_segment}."
        return (
            f"No single raise of up to {MAX_RAISE:,.0f}× in balance, average transaction or total spend "
            f"moves this customer out of {segment}."
        )
    what = FEATURES[move["feature"]].label.lower()
    if move["start_known"]:
        change = (
            f"Raising the {what} from {format_inr_short(move['from'])} to {format_inr_short(move['to'])} "
            f"({format_ratio(move['factor'])})"
        )
    else:
        change = f"Setting the {what} (not known for this customer) to {format_inr_short(move['to'])}"
    also = ""
    if move.get("total_to") is not None:
        before = f"from {format_inr_short(move['total_from'])} " if pd.notna(move["total_from"]) else ""
        also = f", and with it total spend {before}to {format_inr_short(move['total_to'])},"
    return f"{change}{also} would move this customer to {move['target']}."


CLOSE_CALL = 0.10  # a most-likely segment less than 10 points ahead of the next is too close to call


def describe_prospect_guess(probabilities: dict[str, float]) -> str:
    """How decisive a prospect-model guess is, e.g. 'Too close to call: High 34%, Medium 33%, Low 33%.'"""
    ranked = sorted(probabilities.items(), key=lambda kv: kv[1], reverse=True)
    listing = ", ".join(f"{name} {p:.0%}" for name, p in ranked)
    if len(ranked) < 2:
        return listing
    (best, p1), (_, p2) = ranked[0], ranked[1]
    if p1 - p2 < CLOSE_CALL:
        return (
            f"Too close to call ({listing}): for this prospect the model cannot tell the segments apart, so "
            f"{best} is barely more likely than the rest."
        )
    return f"{best} is the clear favourite ({listing})."
