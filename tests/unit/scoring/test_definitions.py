"""Segment definitions in money: each threshold is where K-Means itself moves the typical customer up."""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.scoring.definitions import definition_texts, segment_definitions


def test_each_threshold_is_where_the_segment_changes(trained):
    models = trained.models
    definitions = segment_definitions(models)
    assert [d.segment for d in definitions] == list(models.segment_names)
    assert definitions[0].below is None and definitions[0].thresholds == {}
    checked = 0
    for d in definitions[1:]:
        start = d.below
        typical_below = next(x.typical for x in definitions if x.segment == start)
        for feature, value in d.thresholds.items():

            def segment_with(amount: float, feature=feature, typical_below=typical_below) -> str:
                row = pd.DataFrame([{**typical_below, feature: amount}])
                return str(models.segment.assign(row)[0])

            assert segment_with(value * 0.99) == start
            assert segment_with(value * 1.01) == d.segment
            checked += 1
    assert checked >= 2


def test_definitions_read_in_money_and_name_what_cannot_move_alone(trained):
    texts = definition_texts(trained.models)
    assert list(texts) == list(trained.models.segment_names)
    top = trained.models.segment_names[-1]
    assert texts[top].startswith(f"From {trained.models.segment_names[-2]}'s typical customer, a")
    assert "₹" in texts[top] and "Typical customer: account balance ₹" in texts[top]
    assert texts[trained.models.segment_names[0]].startswith("The lowest budgets: balance and average transaction")
    assert "smaller rises in both add up" in texts[top]


def test_smaller_rises_in_both_features_add_up(trained):
    """The cards say so: from the typical customer below, 60% of the way (on the log scale) to both thresholds at
    once moves the customer up, though neither rise alone would."""
    models = trained.models
    definitions = segment_definitions(models)
    for d in definitions[1:]:
        below = next(x.typical for x in definitions if x.segment == d.below)
        assert len(d.thresholds) == 2  # balance and average transaction can each move a customer up
        part = {
            f: float(np.expm1(np.log1p(below[f]) + 0.6 * (np.log1p(v) - np.log1p(below[f]))))
            for f, v in d.thresholds.items()
        }
        one_only = [str(models.segment.assign(pd.DataFrame([{**below, f: part[f]}]))[0]) for f in part]
        both = str(models.segment.assign(pd.DataFrame([{**below, **part}]))[0])
        assert one_only == [d.below] * len(part) and both == d.segment
