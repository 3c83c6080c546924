"""What-if page: the form gives the exact segment on submit, prospect mode, batch scoring of uploaded files."""

import re

import numpy as np
import pandas as pd
import pytest

from core.pipeline.features import FEATURES
from core.present.export import customer_table, to_csv_bytes
from tests.app.conftest import assert_clean, run_page

PAGE = "pages/5_What_if.py"


def shown_segment(at, prefix: str = "Segment:") -> str:
    """The segment named in the result heading ('Segment: ● **High**')."""
    text = next(m.value for m in at.markdown if m.value.startswith(prefix))
    return re.search(r"\*\*(.+?)\*\*", text).group(1)


def form_values(at, prefix: str) -> dict:
    """The current value of every form input of the page (read back from the widgets)."""
    values = {}
    for name in FEATURES:
        for kind in (at.number_input, at.selectbox):
            try:
                values[name] = kind(key=f"{prefix}_{name}").value
            except KeyError:
                continue
    return values


def expected_segment(trained, values: dict) -> str:
    """The segment K-Means gives these inputs, straight from the segment model."""
    row = pd.DataFrame([{k: np.nan if v is None else v for k, v in values.items()}])
    return str(trained.models.segment.assign(row)[0])


def fill(at, prefix: str, **numbers) -> None:
    for name, value in numbers.items():
        at.number_input(key=f"{prefix}_{name}").set_value(value)


def test_default_form_scores_the_median_customer(trained):
    at = run_page(PAGE)
    assert_clean(at)
    values = form_values(at, "wi")
    assert set(values) == set(FEATURES)
    assert values["age"] == round(trained.models.base_stats.at["age", "median"])
    assert shown_segment(at) == expected_segment(trained, values)
    assert at.success  # the suggestion (or 'already in the top segment') is always given


def test_typed_numbers_give_the_k_means_segment_and_a_move_at_once(trained):
    at = run_page(PAGE)
    before = shown_segment(at)
    poor = {"balance": 50.0, "mean_amount": 15.0, "total_amount": 15.0, "max_amount": 15.0, "n_transactions": 1}
    assert before != "Low"
    fill(at, "wi", **poor)
    at.run()  # no form and no button: the result beside the inputs is always the one for what they say
    assert_clean(at)
    values = form_values(at, "wi")
    assert values["balance"] == 50.0
    assert shown_segment(at) == expected_segment(trained, values) == "Low"
    move = at.success[0].value
    assert move.startswith(("Raising the", "Setting the")) and "would move this customer to" in move
    agrees = next(m for m in at.metric if m.label == "Classifier agrees")
    assert agrees.value.endswith("%")


def test_a_rich_customer_is_high_and_told_so(trained):
    at = run_page(PAGE)
    fill(
        at,
        "wi",
        balance=5_000_000.0,
        mean_amount=20_000.0,
        total_amount=40_000.0,
        max_amount=30_000.0,
        n_transactions=2,
    )
    at.run()
    assert_clean(at)
    assert shown_segment(at) == expected_segment(trained, form_values(at, "wi")) == "High"
    assert "already in the top segment" in at.success[0].value


def test_contradicting_numbers_get_a_note():
    at = run_page(PAGE)
    fill(at, "wi", mean_amount=1_000.0, total_amount=100.0, n_transactions=3)
    at.run()
    assert_clean(at)
    assert any("Total spend (₹100) is not transactions × average transaction" in c.value for c in at.caption)


def test_prospect_mode_uses_the_prospect_model(trained):
    at = run_page(PAGE)
    at.segmented_control(key="what_if_mode").set_value("Prospect").run()
    assert_clean(at)
    values = form_values(at, "wp")
    assert set(values) == set(trained.models.prospect_features)  # no money asked
    assert not {"n_transactions", "recency_days", "active_span_days"} & set(values)  # a prospect has no history
    fill(at, "wp", age=62, mean_hour=20)
    at.run()
    assert_clean(at)
    values = form_values(at, "wp")
    X = pd.DataFrame([values])[list(trained.models.prospect_features)]
    rank = int(trained.models.prospect.predict(X)[0])
    assert shown_segment(at, "Most likely segment:") == trained.models.segment_names[rank]
    prospect = trained.quality.prospect_model
    best = trained.models.segment_names[rank]
    chance = next(m for m in at.metric if m.label == "Estimated chance (calibrated)")
    assert chance.value == f"{trained.models.prospect.predict_proba(X)[0][rank]:.0%}"
    lift = prospect["top_decile_lift"][best]
    assert any(f"{lift:.1f}×" in s.value and f"most likely to be {best}" in s.value for s in at.success)
    info = at.info[0].value
    assert f"{prospect['accuracy']:.1%}" in info and f"{prospect['baseline_accuracy']:.1%}" in info
    assert f"log-loss {prospect['log_loss']:.3f} vs {prospect['prior_log_loss']:.3f}" in info


def upload(at, name: str, data: bytes):
    at.file_uploader(key="batch_upload").set_value((name, data, "text/csv")).run()
    return at


def test_uploaded_customer_features_are_scored(trained):
    sample = trained.customers.iloc[:40]
    features = sample[["CustomerID", *FEATURES]]
    at = upload(run_page(PAGE), "customers.csv", features.to_csv(index=False).encode())
    assert_clean(at)
    scored = at.dataframe[0].value
    assert list(scored["CustomerID"]) == list(sample["CustomerID"])
    assert list(scored["segment"].astype(str)) == list(sample["segment"].astype(str))
    assert at.success[-1].value.startswith("40 customers scored")


def test_a_downloaded_customer_list_can_be_scored_again(trained):
    sample = trained.customers.iloc[100:130]
    at = upload(run_page(PAGE), "list.csv", to_csv_bytes(customer_table(sample)))  # readable headers, BOM
    assert_clean(at)
    assert list(at.dataframe[0].value["segment"].astype(str)) == list(sample["segment"].astype(str))


def test_uploaded_transactions_are_aggregated_then_scored(trained, small_csv):
    at = upload(run_page(PAGE), "small.csv", small_csv.read_bytes())
    assert_clean(at)
    counts = trained.customers["segment"].value_counts()
    expected = f"{len(trained.customers):,} customers scored: " + ", ".join(
        f"{counts[n]:,} {n}" for n in trained.models.segment_names
    )
    assert at.success[-1].value.startswith(expected)


def test_bad_files_show_an_error_not_a_traceback():
    at = upload(run_page(PAGE), "notes.csv", b"colour,size\nred,3\nblue,4\n")
    assert not at.exception
    assert "can't be scored" in at.error[0].value and "none of the columns needed" in at.error[0].value
    at = upload(run_page(PAGE), "report.csv", b"%PDF-1.4 binary \x00\x01\x02 stuff")
    assert not at.exception
    assert "PDF" in at.error[0].value


def test_money_beyond_the_segmentation_range_is_accepted_and_said_so(trained):
    from core.scoring.whatif import segmentation_range

    top = segmentation_range(trained.models)["balance"][1]
    largest = float(trained.customers["balance"].max())
    at = run_page(PAGE)
    at.number_input(key="wi_balance").set_value(top * 3).run()
    assert_clean(at)
    assert at.number_input(key="wi_balance").value == top * 3  # no upper bound refuses it
    assert 1e5 <= top * 3 < 1e7  # so the box's digits are repeated in lakh under it
    assert f"= ₹{top * 3 / 1e5:,.1f} lakh" in [c.value for c in at.caption]
    notes = [w.value for w in at.warning]
    assert any(n.startswith("Account balance") and "every account balance counts the same" in n for n in notes)
    segment = shown_segment(at)
    at.number_input(key="wi_balance").set_value(top * 30).run()
    assert shown_segment(at) == segment  # beyond the clip: the same segment, and the page said why
    at.number_input(key="wi_balance").set_value(largest * 10).run()
    assert any("more than any customer in the data has" in w.value for w in at.warning)
    at.number_input(key="wi_balance").set_value(top / 2).run()
    assert not any("counts the same" in w.value for w in at.warning)


def test_the_defaults_follow_the_filters(trained):
    c = trained.customers
    at = run_page(PAGE, gender="F")
    assert_clean(at)
    women = c[c["gender"] == "F"]
    prefix = "wi_gender-F"
    assert at.selectbox(key=f"{prefix}_gender").value == "F"
    assert at.number_input(key=f"{prefix}_balance").value == pytest.approx(float(women["balance"].median()))


CC_GENERAL = (  # the header and first rows of a credit-card dataset: another schema, only BALANCE matches
    b"CUST_ID,BALANCE,BALANCE_FREQUENCY,PURCHASES,ONEOFF_PURCHASES,CASH_ADVANCE,CREDIT_LIMIT,PAYMENTS,TENURE\n"
    b"C10001,40.90,0.818182,95.40,0.00,0.00,1000.0,201.80,12\n"
    b"C10002,3202.46,0.909091,0.00,0.00,6442.94,7000.0,4103.03,12\n"
)


def test_a_file_of_another_schema_is_refused_and_what_it_lacks_is_named():
    at = upload(run_page(PAGE), "cc_general.csv", CC_GENERAL)
    assert not at.exception
    assert not at.dataframe  # nothing scored, no probabilities
    error = at.error[0].value
    assert "can't be scored" in error
    assert "no column for average transaction" in error
    assert "matched only account balance" in error and "CUST" in error


def test_segment_features_alone_give_the_segment_without_classifier_probabilities(trained):
    sample = trained.customers.iloc[:30]
    data = sample[["CustomerID", "balance", "mean_amount", "total_amount"]].to_csv(index=False).encode()
    at = upload(run_page(PAGE), "money.csv", data)
    assert_clean(at)
    scored = at.dataframe[0].value
    assert list(scored["segment"].astype(str)) == list(trained.models.segment.assign(sample).astype(str))
    assert scored[[f"p_{n}" for n in trained.models.segment_names]].isna().all().all()
    note = at.warning[-1].value
    assert note.startswith("30 customers scored") and "probabilities are left out" in note
