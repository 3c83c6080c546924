"""Property tests: whatever a user uploads, loading and cleaning return data or raise DataError, nothing else."""

from datetime import date

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from core.config import MAX_AGE, MIN_AGE, RAW_COLUMNS
from core.errors import DataError
from core.pipeline.clean import CLEAN_COLUMNS, clean_transactions
from core.pipeline.load import load_transactions

TODAY = date(2024, 1, 1)
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Cells close to the real formats, plus the awkward ones users produce.
CELLS = st.one_of(
    st.sampled_from(
        [
            "",
            "nan",
            "NULL",
            "2/8/16",
            "02-08-2016",
            "2016-08-02",
            "31/2/16",
            "1/1/1800",
            "5/5/60",
            "143207",
            "5412",
            "0",
            "12:30",
            "25",
            "-5",
            "0",
            "1,234.50",
            "₹500",
            "(12)",
            "inf",
            "M",
            "f",
            "T",
            "MUMBAI",
            "=HYPERLINK(1)",
            "@SUM(A1)",
            "C1",
            "T1",
            "x" * 300,
            " ",
            "Rs. 1,23,456",
        ]
    ),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12),
)


def load_and_clean(data: bytes) -> pd.DataFrame | None:
    """Run the whole front of the pipeline; None when it refused the input with a DataError."""
    try:
        frame, report = clean_transactions(load_transactions(data), today=TODAY)
    except DataError as exc:
        assert str(exc)  # a message a person can read
        event("refused with DataError")
        return None
    check_clean_invariants(frame, report)
    event("cleaned")
    return frame


def check_clean_invariants(frame: pd.DataFrame, report) -> None:
    """What every successful clean guarantees, whatever the input was."""
    assert list(frame.columns) == list(CLEAN_COLUMNS)
    assert len(frame) == report.rows_out > 0
    assert report.rows_in - report.rows_out == sum(i.count for i in report.items if i.action == "excluded")
    assert (frame["amount"] > 0).all() and np.isfinite(frame["amount"]).all()
    ages = frame["age"].dropna()
    assert ages.between(MIN_AGE, MAX_AGE).all()
    assert set(frame["gender"]) <= {"M", "F", "other", "unknown"}
    assert frame["customer_id"].notna().all() and frame["location"].notna().all()
    assert frame["date"].notna().all() and (frame["date"] <= pd.Timestamp(TODAY)).all()
    assert frame["hour"].dropna().between(0, 23).all()


@SETTINGS
@given(st.binary(max_size=400))
def test_arbitrary_bytes(data):
    load_and_clean(data)


@SETTINGS
@given(st.text(max_size=400), st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "utf-16"]))
def test_arbitrary_text(text, encoding):
    load_and_clean(text.encode(encoding, errors="replace"))


@st.composite
def csv_files(draw) -> bytes:
    """CSV files with a plausible header (some columns missing or renamed) and rows of awkward cells."""
    columns = draw(
        st.lists(
            st.sampled_from([*RAW_COLUMNS, " customerid ", "TransactionAmount", "memo"]),
            min_size=1,
            max_size=10,
            unique=True,
        )
    )
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    rows = draw(st.lists(st.lists(CELLS, min_size=len(columns), max_size=len(columns)), max_size=8))

    def quote(cell: str) -> str:
        needs = any(ch in cell for ch in (delimiter, '"', "\n", "\r"))
        return '"' + cell.replace('"', '""') + '"' if needs else cell

    lines = [delimiter.join(quote(c) for c in line) for line in [columns, *rows]]
    return "\n".join(lines).encode(draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"])), errors="replace")


@SETTINGS
@given(csv_files())
def test_structured_csv_files(data):
    load_and_clean(data)


VALID = {
    "TransactionID": ["T1", "T2", "T3"],
    "CustomerID": ["C1", "C2", "C3"],
    "CustomerDOB": ["10/1/94", "4/4/57"],
    "CustGender": ["M", "F"],
    "CustLocation": ["MUMBAI", "NEW DELHI"],
    "CustAccountBalance": ["17819.05", "0"],
    "TransactionDate": ["2/8/16", "21/10/16"],
    "TransactionTime": ["143207", "5412"],
    "TransactionAmount (INR)": ["25", "1762.5"],
}


@st.composite
def mostly_valid_files(draw) -> bytes:
    """The canonical header with rows that are mostly valid, so the cleaner's own paths get exercised."""
    rows = []
    for _ in range(draw(st.integers(1, 8))):
        cells = [draw(st.sampled_from(VALID[c]) if draw(st.integers(0, 3)) else CELLS) for c in RAW_COLUMNS]
        rows.append(",".join('"' + c.replace('"', '""') + '"' for c in cells))
    return "\n".join([",".join(RAW_COLUMNS), *rows]).encode("utf-8", errors="replace")


@SETTINGS
@given(mostly_valid_files())
def test_mostly_valid_csv_files(data):
    load_and_clean(data)
