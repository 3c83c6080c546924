"""Audience sizes, notes and overlaps counted by the engine equal audience_rules.rule_mask and analysis.overlap."""

from __future__ import annotations

import pandas as pd
import pytest

from core.analysis.audience_rules import RuleError, rule_mask
from core.analysis.filters import Filters, apply_filters
from core.analysis.overlap import intersections, intersections_from_counts, overlap_from_counts, overlap_matrix
from core.analysis.sql.audiences import check_rule, combination_counts, field_values, rule_size, saved_sizes

RULES = (
    "segment = 'High' and gender = 'F'",
    "balance >= 50000 or (age between 25 and 40 and location != 'MUMBAI')",
    "rfm_segment in ('Champions', 'Loyal') and age is missing",
    "last_date >= '2016-08-15' and location in ('mumbai', 'NOWHERE TOWN')",
)


def test_rule_sizes_and_notes_equal_the_pandas_masks(pair):
    artifacts, source = pair
    customers = artifacts.customers
    filters = Filters(genders=("M",))
    view = apply_filters(customers, filters, artifacts.transactions)
    for rule in RULES:
        mask, notes = rule_mask(rule, customers)
        got = rule_size(source, filters, rule)
        assert got.customers == int(mask.sum()), rule
        assert got.total == len(customers)
        assert got.in_view == int(customers.index[mask].isin(view.index).sum()), rule
        assert list(got.notes) == notes, rule
    assert rule_size(source, filters, RULES[3]).notes == ("no customer has location 'NOWHERE TOWN'",)
    assert saved_sizes(source, RULES[:2]) == [int(rule_mask(r, customers)[0].sum()) for r in RULES[:2]]


def test_rules_that_cannot_apply_fail_with_the_pandas_message(pair):
    artifacts, source = pair
    with pytest.raises(RuleError, match="did you mean 'segment'"):
        check_rule(source, "segmnt = 'High'")
    assert saved_sizes(source, ["segmnt = 'High'"]) == [None]


def test_overlaps_counted_in_one_pass_equal_the_mask_overlaps(pair):
    artifacts, source = pair
    masks = {f"A{i}": rule_mask(rule, artifacts.customers)[0] for i, rule in enumerate(RULES[:3])}
    counts = combination_counts(source, Filters(), RULES[:3])
    assert int(counts.sum()) == len(artifacts.customers)
    names = list(masks)
    pd.testing.assert_frame_equal(overlap_from_counts(names, counts), overlap_matrix(masks))
    pd.testing.assert_frame_equal(intersections_from_counts(names, counts), intersections(masks))
    with pytest.raises(ValueError, match="pick 2 to 5"):
        combination_counts(source, Filters(), RULES[:1])


def test_builder_choices_are_the_distinct_values(pair):
    artifacts, source = pair
    expected = pd.Series(artifacts.customers["location"].dropna().unique()).astype(str).sort_values().tolist()
    assert field_values(source, "location") == expected[:3_000]
    assert field_values(source, "gender") == sorted(artifacts.customers["gender"].astype(str).unique())
