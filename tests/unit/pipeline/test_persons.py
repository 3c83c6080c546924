"""One customer is one person: IDs shared by different birth dates or genders are split; excluded customers counted."""

import pandas as pd
import pytest

from core.config import MAX_TEXT_LENGTH
from core.pipeline.clean import clean_by_person
from core.pipeline.persons import original_id, split_persons
from core.pipeline.quality import QualityReport
from core.pipeline.train import train_from_raw


def rows(*people) -> pd.DataFrame:
    """Raw rows (CustomerID, CustomerDOB, CustGender, amount, balance) in the file's schema."""
    return pd.DataFrame(
        [
            {
                "TransactionID": f"T{i}",
                "CustomerID": cid,
                "CustomerDOB": dob,
                "CustGender": gender,
                "CustLocation": "PUNE",
                "CustAccountBalance": balance,
                "TransactionDate": "2/8/16",
                "TransactionTime": "120000",
                "TransactionAmount (INR)": amount,
            }
            for i, (cid, dob, gender, amount, balance) in enumerate(people)
        ]
    )


def test_an_id_shared_by_two_birth_dates_is_two_people():
    raw = rows(
        ("C1", "10/1/94", "M", "100", "500"),
        ("C2", "1/1/80", "F", "50", "10"),
        ("C1", "5/5/70", "F", "9000", "80000"),
        ("C1", "10/01/94", "m", "30", "450"),
    )
    report = QualityReport()
    out = split_persons(raw, report)
    assert out["CustomerID"].tolist() == ["C1", "C2", "C1#2", "C1"]  # '10/01/94' 'm' is the first C1 again
    assert raw["CustomerID"].tolist() == ["C1", "C2", "C1", "C1"]  # the input is not changed
    (item,) = report.items
    assert item.count == 3 and "1 customer IDs" in item.issue and "birth dates (1 IDs)" in item.issue
    assert original_id(out["CustomerID"]).tolist() == ["C1", "C2", "C1", "C1"]


def test_location_and_balance_changes_do_not_split_anyone():
    raw = rows(("C1", "10/1/94", "M", "100", "500"), ("C1", "10/1/94", "M", "30", "99999"))
    raw.loc[1, "CustLocation"] = "MUMBAI"
    report = QualityReport()
    assert split_persons(raw, report) is raw and report.items == []


def excluded_note(report: QualityReport) -> list:
    """The report's items about customers whose every row was excluded."""
    return [i for i in report.items if "customers whose every row was excluded" in i.issue]


def test_customers_whose_every_row_was_excluded_are_counted_as_customers():
    raw = rows(("C1", "10/1/94", "M", "0", "500"), ("C1", "10/1/94", "M", "0", "500"), ("C2", "1/1/80", "F", "50", "1"))
    clean, report = clean_by_person(raw)
    assert clean["customer_id"].tolist() == ["C2"]
    (item,) = excluded_note(report)
    assert item.action == "note" and item.count == 2 and "(1 customers" in item.issue


def test_an_over_long_id_whose_rows_were_kept_is_not_an_excluded_customer():
    long_id = "C" * (MAX_TEXT_LENGTH + 50)
    raw = rows((long_id, "10/1/94", "M", "100", "500"), ("C2", "1/1/80", "F", "0", "1"))
    clean, report = clean_by_person(raw)
    assert clean["customer_id"].tolist() == [long_id[:MAX_TEXT_LENGTH]]
    (item,) = excluded_note(report)
    assert item.count == 1 and "(1 customers" in item.issue  # C2 alone


def test_rows_without_a_usable_id_are_not_counted_as_a_customer():
    raw = rows(("nan", "10/1/94", "M", "100", "500"), ("  ", "10/1/94", "M", "5", "1"), ("C2", "1/1/80", "F", "7", "1"))
    clean, report = clean_by_person(raw)
    assert clean["customer_id"].tolist() == ["C2"]
    assert excluded_note(report) == []
    (no_id,) = [i for i in report.items if i.issue == "rows without a customer ID"]
    assert no_id.count == 2


@pytest.mark.real
def test_real_rows_count_the_shared_ids_and_the_excluded_customers(real_csv):
    from core.pipeline.load import load_transactions

    raw = load_transactions(real_csv)
    artifacts = train_from_raw(raw)
    issues = " | ".join(i["issue"] for i in artifacts.quality.data.to_dict()["items"])
    assert "rows of 62 customer IDs shared by people with different birth dates (62 IDs) or genders (35 IDs)" in issues
    assert "customers whose every row was excluded (15 customers" in issues
    customers = artifacts.customers
    # independent count: distinct (ID, birth date, gender) among the rows with a positive amount
    amount = pd.to_numeric(raw["TransactionAmount (INR)"], errors="coerce")
    persons = raw[amount > 0].drop_duplicates(["CustomerID", "CustomerDOB", "CustGender"])
    assert len(customers) == len(persons)
    shared = customers[customers["CustomerID"].str.contains("#")]
    assert len(shared) == 62 and customers["CustomerID"].is_unique
