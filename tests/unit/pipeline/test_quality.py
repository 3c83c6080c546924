"""QualityReport: counting rules, display table, JSON round trip and the one-line summary."""

import json

import numpy as np
import pytest

from core.errors import ArtifactError
from core.pipeline.quality import QualityItem, QualityReport


def sample_report() -> QualityReport:
    report = QualityReport(rows_in=1_048_567, rows_out=1_048_000)
    report.add("TransactionAmount (INR)", "rows with a negative or zero amount", "excluded", 567)
    report.add("CustomerDOB", "ages set to unknown", "fixed", np.int64(57_339))
    report.add("CustAccountBalance", "negative balances (overdrafts) kept", "flagged", 12)
    report.add("CustLocation", "no CustLocation column: location is 'UNKNOWN'", "note", 1_048_567)
    return report


def test_add_ignores_zero_counts_and_stores_plain_ints():
    report = QualityReport(rows_in=3, rows_out=3)
    report.add("CustGender", "missing genders set to 'unknown'", "fixed", 0)
    report.add("CustGender", "missing genders set to 'unknown'", "fixed", np.int64(2))
    assert report.items == [QualityItem("CustGender", "missing genders set to 'unknown'", "fixed", 2)]
    assert type(report.items[0].count) is int


@pytest.mark.parametrize("action, count", [("deleted", 1), ("fixed", -1)])
def test_add_refuses_unknown_actions_and_negative_counts(action, count):
    with pytest.raises(ValueError, match="action must be one of|cannot be negative"):
        QualityReport().add("CustomerID", "x", action, count)


def test_to_frame_has_display_columns_and_types():
    frame = sample_report().to_frame()
    assert list(frame.columns) == ["column", "issue", "action", "count"]
    assert frame["count"].dtype == "int64"
    assert frame["count"].tolist() == [567, 57_339, 12, 1_048_567]
    assert set(frame["action"]) == {"excluded", "fixed", "flagged", "note"}


def test_empty_report_still_has_the_columns():
    frame = QualityReport(rows_in=5, rows_out=5).to_frame()
    assert list(frame.columns) == ["column", "issue", "action", "count"] and frame.empty


def test_dict_round_trip_is_json_safe():
    report = sample_report()
    text = json.dumps(report.to_dict())
    again = QualityReport.from_dict(json.loads(text))
    assert again == report
    assert again.rows_excluded == 567


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"rows_in": 1, "rows_out": 1},
        {"rows_in": "x", "rows_out": 1, "items": []},
        {"rows_in": 1, "rows_out": 1, "items": [{"column": "a", "issue": "b"}]},
        {"rows_in": 1, "rows_out": 1, "items": [{"column": "a", "issue": "b", "action": "bad", "count": 1}]},
    ],
)
def test_from_dict_refuses_damaged_reports(data):
    with pytest.raises(ArtifactError, match="quality report is damaged"):
        QualityReport.from_dict(data)


def test_summary_is_one_readable_line():
    line = sample_report().summary()
    assert "\n" not in line
    assert line.startswith("1,048,567 rows read, 1,048,000 kept; ")
    assert "567 rows with a negative or zero amount (excluded)" in line
    assert "57,339 ages set to unknown" in line
    assert "12 negative balances (overdrafts) kept (flagged)" in line
    assert line.endswith("no CustLocation column: location is 'UNKNOWN'")  # notes carry no count
