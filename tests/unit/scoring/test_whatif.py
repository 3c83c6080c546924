"""What-if form: bounds, coherent median defaults, the row it builds, contradiction notes, segment centres."""

import math

import pytest

from core.pipeline.features import FEATURES
from core.scoring.whatif import (
    coherence_notes,
    median_customer,
    nice_ceiling,
    segment_centres,
    what_if_fields,
    what_if_row,
)


def by_name(fields):
    return {f.name: f for f in fields}


def test_every_feature_has_an_input_with_sensible_bounds(trained):
    fields = by_name(what_if_fields(trained.models))
    assert list(fields) == list(FEATURES)
    balance = fields["balance"]
    assert balance.min_value == 0 and balance.max_value is None  # any balance the data holds, and more
    assert balance.label == "Account balance (INR)" and "Leave empty" in balance.help
    assert (fields["age"].min_value, fields["age"].max_value, fields["age"].is_integer) == (18, 100, True)
    assert (fields["mean_hour"].min_value, fields["mean_hour"].max_value) == (0, 23)
    assert (fields["night_share"].min_value, fields["night_share"].max_value) == (0, 1)
    assert fields["gender"].is_choice and fields["gender"].default in fields["gender"].options
    assert fields["location"].options[0] == trained.models.locations[0]
    numeric = [f for f in fields.values() if not f.is_choice and f.default is not None]
    assert len(numeric) >= 5
    top = {f.name: math.inf if f.max_value is None else f.max_value for f in numeric}  # no cap: any amount
    assert [f.name for f in numeric if not f.min_value <= f.default <= top[f.name]] == []


def test_prospect_fields_are_the_prospect_model_features(trained):
    fields = what_if_fields(trained.models, prospect=True)
    assert {f.name for f in fields} == set(trained.models.prospect_features)
    assert not {f.name for f in fields} & {"balance", "mean_amount", "total_amount", "max_amount"}


def test_median_customer_is_coherent(trained):
    med = median_customer(trained.models)
    assert med["total_amount"] == pytest.approx(med["mean_amount"] * med["n_transactions"])
    assert med["max_amount"] >= med["mean_amount"]
    assert med["balance"] == trained.models.base_stats.at["balance", "median"]


def test_row_turns_empty_answers_into_missing_values():
    row = what_if_row({"balance": None, "age": 30, "gender": "F"})
    assert math.isnan(row.loc[0, "balance"]) and row.loc[0, "age"] == 30 and row.loc[0, "gender"] == "F"


def test_contradictions_are_noted_and_coherent_numbers_are_not():
    assert (
        coherence_notes(
            {
                "n_transactions": 2,
                "mean_amount": 500.0,
                "total_amount": 1000.0,
                "max_amount": 600.0,
                "active_span_days": 3,
            }
        )
        == []
    )
    notes = coherence_notes(
        {"n_transactions": 1, "mean_amount": 500.0, "total_amount": 100.0, "max_amount": 50.0, "active_span_days": 4}
    )
    assert len(notes) == 3
    assert notes[0].startswith("Total spend (₹100) is not transactions × average transaction (1 × ₹500 = ₹500)")
    assert coherence_notes({"n_transactions": None, "mean_amount": 5.0, "total_amount": 9.0}) == []


@pytest.mark.parametrize(
    ("value", "rounded"), [(0.5, 1), (3, 5), (11_678_910, 20_000_000), (1_000, 1_000), (float("nan"), 1)]
)
def test_nice_ceiling(value, rounded):
    assert nice_ceiling(value) == rounded


def test_each_segment_centre_falls_in_its_own_segment(trained):
    centres = segment_centres(trained.models)
    assert list(centres["segment"].astype(str)) == list(trained.models.segment_names)
    assigned = trained.models.segment.assign(centres.drop(columns="segment"))
    assert list(assigned.astype(str)) == list(trained.models.segment_names)
    assert (centres.drop(columns="segment").to_numpy() > 0).all()  # rupees, not log units


def test_the_segmentation_range_is_the_2nd_to_98th_percentile_of_the_training_customers(trained):
    import numpy as np

    from core.scoring.whatif import segmentation_range

    ranges = segmentation_range(trained.models)
    assert list(ranges) == list(trained.models.segment.features)
    balance = trained.customers["balance"]
    logged = np.log1p(balance.fillna(balance.median()).clip(lower=0))
    assert ranges["balance"][1] == pytest.approx(np.expm1(np.quantile(logged, 0.98)))
    assert ranges["balance"][0] == pytest.approx(np.expm1(np.quantile(logged, 0.02)))


def test_bound_notes_name_values_beyond_the_range_and_beyond_the_data(trained):
    from core.scoring.whatif import bound_notes, segmentation_range

    top = segmentation_range(trained.models)["mean_amount"][1]
    assert bound_notes(trained.models, {"mean_amount": top * 0.9, "balance": None}) == []
    (note,) = bound_notes(trained.models, {"mean_amount": top * 2})
    assert note.startswith("Average transaction ₹") and "every average transaction counts the same" in note
    (note,) = bound_notes(trained.models, {"n_transactions": 500}, {"n_transactions": 40.0})
    assert note == "Transactions 500 is more than any customer in the data has (40)."


def test_the_typical_customer_of_a_view_starts_the_form(trained):
    from core.scoring.whatif import typical_customer

    women = trained.customers[trained.customers["gender"] == "F"]
    typical = typical_customer(women)
    assert typical["gender"] == "F"
    assert typical["balance"] == pytest.approx(women["balance"].median())
    fields = by_name(what_if_fields(trained.models, typical=typical))
    assert fields["gender"].default == "F"
    assert fields["location"].default == women["location"].value_counts().index[0]
    assert fields["age"].default == round(women["age"].median())
