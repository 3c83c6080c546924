"""Scoring: exact segment, probabilities, explanations, what-if moves, lookups."""

import numpy as np
import pandas as pd
import pytest

from core.errors import DataError
from core.pipeline.datasets import check_upload, inspect_upload
from core.pipeline.features import FEATURES
from core.present.export import customer_table, to_csv_bytes
from core.present.score_text import describe_move, describe_prospect_guess
from core.scoring.batch import score_upload
from core.scoring.explain import z_scores
from core.scoring.lookup import lookup_customers, parse_id_list
from core.scoring.moves import suggest_next_segment
from core.scoring.score import predict_prospect, score_customers


def test_scores_reproduce_saved_segments(trained):
    customers = trained.customers
    scored = score_customers(trained.models, customers.drop(columns="segment"))
    assert (scored["segment"] == customers["segment"]).all()
    proba = scored[[f"p_{n}" for n in trained.models.segment_names]].to_numpy()
    assert np.allclose(proba.sum(axis=1), 1)
    dist = scored[[f"distance_{n}" for n in trained.models.segment_names]].to_numpy()
    assert (dist.argmin(axis=1) == customers["segment"].cat.codes.to_numpy()).all()


def test_missing_fields_are_scored_not_crashed(trained):
    row = pd.DataFrame([{"balance": 20000.0, "mean_amount": 500.0, "total_amount": 500.0}])
    scored = score_customers(trained.models, row)
    assert scored["segment"].iloc[0] in trained.models.segment_names
    prospect = predict_prospect(trained.models, pd.DataFrame([{"age": 35, "gender": "F", "location": "MUMBAI"}]))
    assert prospect.filter(like="p_").sum(axis=1).iloc[0] == pytest.approx(1)


def test_suggestion_moves_customer_up_one_segment(trained):
    models = trained.models
    low = trained.customers[trained.customers["segment"] == "Low"].iloc[0]
    move = suggest_next_segment(models, low)
    # "up a segment": the segment reached may be Medium or, when one raise crosses it, High (docstring)
    assert move is not None and move["target"] in {"Medium", "High"} and move["to"] > move["from"]
    changed = low.copy()
    changed[move["feature"]] = move["to"] * 1.01
    if move["feature"] == "mean_amount":
        changed["total_amount"] = max(changed["total_amount"], changed["mean_amount"] * changed["n_transactions"])
    assert score_customers(models, pd.DataFrame([changed]))["segment"].iloc[0] == "Medium"
    top = trained.customers[trained.customers["segment"] == "High"].iloc[0]
    assert suggest_next_segment(models, top) is None


def test_lookup_keeps_order_and_lists_unknown_ids(trained):
    ids = list(trained.customers["CustomerID"].iloc[[5, 2]])
    found, unknown = lookup_customers(trained.customers, [ids[0], "C0000000", ids[1].lower(), ids[0]])
    assert list(found["CustomerID"]) == ids and unknown == ["C0000000"]
    assert parse_id_list("C1, C2;C3\nC4\tC5  C6") == ["C1", "C2", "C3", "C4", "C5", "C6"]


# ---- explanations in words --------------------------------------------------------------------------------


def _independent_z(customers: pd.DataFrame, rows: pd.DataFrame, name: str) -> np.ndarray:
    """(value - mean) / std over the training customers, money as log(1 + max(x, 0)): plain numpy."""

    def scale(values):
        values = np.asarray(values, dtype="float64")
        return np.log1p(np.clip(values, 0, None)) if FEATURES[name].kind == "money" else values

    base = scale(customers[name])
    return (scale(rows[name]) - np.nanmean(base)) / np.nanstd(base)


def test_z_scores_match_an_independent_computation(trained):
    rows = trained.customers.iloc[[0, 7, 29]]
    z = z_scores(trained.models, rows)
    for name in ("balance", "mean_amount", "n_transactions", "recency_days", "night_share"):
        assert np.allclose(z[name].to_numpy(), _independent_z(trained.customers, rows, name), equal_nan=True), name


def test_suggested_raise_is_the_smallest_that_works(trained):
    models = trained.models
    medium = trained.customers[trained.customers["segment"] == "Medium"].iloc[3]
    move = suggest_next_segment(models, medium)
    assert move is not None and move["target"] == "High"

    def segment_with(factor: float) -> str:
        changed = medium.copy()
        changed[move["feature"]] = move["from"] * factor
        if move["feature"] == "mean_amount":
            changed["total_amount"] = max(changed["total_amount"], changed["mean_amount"] * changed["n_transactions"])
        return str(score_customers(models, pd.DataFrame([changed]))["segment"].iloc[0])

    assert segment_with(move["factor"]) == "High"
    assert segment_with(move["factor"] * 0.995) == "Medium"  # a hair less is not enough
    raises_total = move["feature"] == "mean_amount" and move["to"] * medium["n_transactions"] > medium["total_amount"]
    expected_total = pytest.approx(move["to"] * medium["n_transactions"]) if raises_total else None
    assert move["total_to"] == expected_total


def test_unknown_money_starts_the_search_from_the_median(trained):
    # every money feature unknown: whichever feature the move raises, it starts from that feature's median
    row = pd.Series({"balance": np.nan, "mean_amount": np.nan, "total_amount": np.nan, "n_transactions": 1})
    move = suggest_next_segment(trained.models, row)
    assert move is not None and not move["start_known"]
    assert move["from"] == trained.models.base_stats.at[move["feature"], "median"]


def test_moves_are_phrased_for_a_marketer():
    move = {
        "feature": "mean_amount",
        "from": 450.0,
        "to": 1230.0,
        "factor": 2.733,
        "target": "High",
        "start_known": True,
        "total_from": None,
        "total_to": None,
    }
    assert describe_move(move, "Medium", "High") == (
        "Raising the average transaction from ₹450 to ₹1,230 (2.7×) would move this customer to High."
    )
    both = dict(move, total_from=450.0, total_to=1230.0)
    assert "and with it total spend from ₹450 to ₹1,230," in describe_move(both, "Medium", "High")
    unknown = dict(move, feature="balance", start_known=False, to=25000.0)
    assert describe_move(unknown, "Low", "High").startswith(
        "Setting the account balance (not known for this customer) to ₹25,000"
    )
    assert describe_move(None, "High", "High") == "This customer is already in the top segment, High."
    assert "moves this customer out of Low" in describe_move(None, "Low", "High")


# ---- lookups and uploads ----------------------------------------------------------------------------------


def test_lookup_of_nothing_and_of_empty_strings(trained):
    found, unknown = lookup_customers(trained.customers, ["", "  "])
    assert found.empty and unknown == []
    assert parse_id_list("") == [] and parse_id_list(" ,, ;\n") == []


def test_empty_frames_score_to_empty_tables(trained):
    scored = score_customers(trained.models, trained.customers.iloc[:0])
    assert scored.empty and "p_High" in scored and "distance_Low" in scored


def test_score_upload_reads_readable_headers_and_keeps_extra_columns(trained):
    sample = trained.customers.iloc[:25]
    table = customer_table(sample).assign(Campaign="spring")
    scored = score_upload(trained.models, to_csv_bytes(table), name="list.csv")
    assert list(scored["segment"].astype(str)) == list(sample["segment"].astype(str))
    assert (scored["Campaign"] == "spring").all()
    assert "Segment (from file)" in scored  # the old segment column never clashes with the new one
    assert scored.attrs["missing_features"] == []


def test_score_upload_accepts_thousands_separators_and_reports_missing_features(trained):
    data = 'balance,mean_amount,total_amount\n"1,50,000",900,"₹1,800"\n'.encode()
    scored = score_upload(trained.models, data, name="few.csv")
    assert scored.loc[0, "balance"] == 150000 and scored.loc[0, "total_amount"] == 1800
    assert "age" in scored.attrs["missing_features"]


def test_score_upload_scores_raw_transactions(trained, small_csv):
    scored = score_upload(trained.models, small_csv)
    merged = scored.merge(trained.customers[["CustomerID", "segment"]], on="CustomerID", suffixes=("", "_saved"))
    assert len(merged) == len(trained.customers)
    assert (merged["segment"].astype(str) == merged["segment_saved"].astype(str)).all()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"colour,size\nred,3\n", "none of the columns needed to score customers"),
        (b"balance,mean_amount\nlots,many\n", "the column for account balance has no numbers"),
        (b"balance,mean_amount,total_amount\n", "no rows"),
        (b"%PDF-1.7 \x00\x01\x02\x03", "PDF"),
    ],
)
def test_score_upload_refuses_bad_files_with_a_clear_message(trained, data, message):
    with pytest.raises(DataError, match=message):
        score_upload(trained.models, data, name="bad.csv")


def test_prospect_guesses_say_when_they_are_too_close_to_call():
    close = describe_prospect_guess({"Low": 0.33, "Medium": 0.33, "High": 0.34})
    assert close.startswith("Too close to call (High 34%, Low 33%, Medium 33%)")  # ties keep segment order
    assert describe_prospect_guess({"Low": 0.1, "Medium": 0.2, "High": 0.7}) == (
        "High is the clear favourite (High 70%, Medium 20%, Low 10%)."
    )


def test_a_file_the_data_page_accepts_with_customer_id_headers_is_scored_in_batch(trained, small_csv):
    """'Customer ID' (with a space) works on the Data page: batch scoring reads the same headers the same way."""
    text = small_csv.read_text()
    header, rest = text.split("\n", 1)
    renamed = header.replace("CustomerID", "Customer ID").replace("TransactionDate", "transaction_date")
    data = (renamed + "\n" + rest).encode()
    preview = inspect_upload(data, "spaced.csv")  # the Data page's first step
    assert preview.suggestions["CustomerID"] == "Customer ID"
    assert preview.suggestions["TransactionDate"] == "transaction_date"
    assert len(check_upload(data, "spaced.csv", preview.suggestions)[0]) > 0
    scored = score_upload(trained.models, data, name="spaced.csv")
    assert sorted(scored["CustomerID"]) == sorted(trained.customers["CustomerID"])
    saved = trained.customers.set_index("CustomerID")["segment"].astype(str)
    assert (scored.set_index("CustomerID")["segment"].astype(str) == saved.loc[scored["CustomerID"]].values).all()


def test_a_table_without_the_segment_features_is_refused_naming_them(trained):
    data = b"CUST_ID,BALANCE,PURCHASES,CREDIT_LIMIT\nC1,40.9,95.4,1000\nC2,3202.5,0,7000\n"
    with pytest.raises(DataError) as error:
        score_upload(trained.models, data, name="cc_general.csv")
    message = str(error.value)
    assert "no column for average transaction" in message
    assert "matched only account balance" in message and "'CUST_ID', 'PURCHASES', 'CREDIT_LIMIT'" in message


def test_probabilities_are_withheld_when_the_classifier_would_guess(trained):
    sample = trained.customers.iloc[:20]
    scored = score_upload(
        trained.models, sample[["balance", "mean_amount", "total_amount"]].to_csv(index=False).encode()
    )
    assert list(scored["segment"].astype(str)) == list(trained.models.segment.assign(sample).astype(str))
    assert scored[[f"p_{n}" for n in trained.models.segment_names]].isna().all().all()
    assert "age" in scored.attrs["probabilities_withheld"]
    full = score_upload(trained.models, to_csv_bytes(customer_table(sample)), name="list.csv")
    assert full.attrs["probabilities_withheld"] == []
    assert full[[f"p_{n}" for n in trained.models.segment_names]].notna().all().all()


def test_a_downloaded_list_with_male_and_female_scores_like_the_codes(trained):
    sample = trained.customers.iloc[:40]
    table = customer_table(sample)
    assert set(table["Gender"].dropna()) <= {"Male", "Female", "Other", "Unknown"}
    scored = score_upload(trained.models, to_csv_bytes(table), name="list.csv")
    assert scored["gender"].tolist() == sample["gender"].astype(str).tolist()
    direct = score_customers(trained.models, sample)
    np.testing.assert_allclose(scored["p_High"].to_numpy(), direct["p_High"].to_numpy())
