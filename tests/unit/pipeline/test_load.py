"""Loading: formats, encodings, delimiters, header matching and a corpus of bad files, each with its message."""

import gzip
import io
import random
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from core.config import RAW_COLUMNS, REAL_DATA_DIR
from core.errors import DataError
from core.pipeline.load import (
    apply_column_mapping,
    canonical_name,
    load_transactions,
    read_table,
    suggest_column_mapping,
)

HEADER = ",".join(RAW_COLUMNS)
ROW_1 = "T1,C5841053,10/1/94,F,JAMSHEDPUR,17819.05,2/8/16,143207,25"
ROW_2 = 'T2,C2142763,4/4/57,M,"DOMBIVALI -WEST,THANE",2270.69,2/8/16,141858,27999'
CSV = f"{HEADER}\n{ROW_1}\n{ROW_2}\n"
REAL_FILE = REAL_DATA_DIR / "bank_transactions_first20000.csv"


def minimal_csv(*rows: str, header: str = "CustomerID,TransactionDate,TransactionAmount (INR)") -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


# ---------------------------------------------------------------------------------------------- reading


def test_values_stay_text_exactly_as_written():
    frame = read_table(minimal_csv("007,2/8/16,1e3", "nan,NA,", "C3, 2/8/16 ,0012"))
    assert frame["CustomerID"].tolist()[:2] == ["007", "nan"]  # no number or NaN guessing
    assert frame["TransactionDate"].tolist() == ["2/8/16", "NA", " 2/8/16 "]
    assert frame["TransactionAmount (INR)"].iloc[0] == "1e3"
    assert pd.isna(frame["TransactionAmount (INR)"].iloc[1])  # only empty cells become missing
    assert all(isinstance(v, str) for v in frame["TransactionAmount (INR)"].dropna())


def test_full_schema_with_quoted_commas():
    frame = load_transactions(CSV.encode())
    assert list(frame.columns) == list(RAW_COLUMNS)
    assert frame["CustLocation"].tolist() == ["JAMSHEDPUR", "DOMBIVALI -WEST,THANE"]
    assert frame.attrs["dropped_columns"] == []


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_semicolon_and_tab_delimiters(delimiter):
    text = CSV.replace(",", delimiter).replace(f"DOMBIVALI -WEST{delimiter}THANE", "DOMBIVALI -WEST,THANE")
    frame = load_transactions(text.encode())
    assert list(frame.columns) == list(RAW_COLUMNS)
    assert frame["CustLocation"].iloc[1] == "DOMBIVALI -WEST,THANE"  # quoted: the comma is not a delimiter here
    assert frame["TransactionAmount (INR)"].tolist() == ["25", "27999"]


def test_delimiter_inside_quoted_header_is_ignored():
    frame = read_table(b'"Amount; INR";CustomerID;TransactionDate\n5;C1;2/8/16\n')
    assert list(frame.columns) == ["Amount; INR", "CustomerID", "TransactionDate"]


def test_utf8_bom_is_removed_from_the_first_header():
    frame = load_transactions(b"\xef\xbb\xbf" + CSV.encode())
    assert frame.columns[0] == "TransactionID"


def test_latin1_windows_text_is_decoded():
    text = CSV.replace("JAMSHEDPUR", "BENGALURU – Café")
    frame = load_transactions(text.encode("cp1252"))
    assert frame["CustLocation"].iloc[0] == "BENGALURU – Café"


def test_utf16_excel_unicode_text_is_decoded():
    frame = load_transactions(CSV.replace(",", "\t").replace("-WEST\tTHANE", "-WEST,THANE").encode("utf-16"))
    assert frame["CustomerID"].tolist() == ["C5841053", "C2142763"]


def test_gzip_and_parquet_files_give_the_same_frame(tmp_path):
    expected = load_transactions(CSV.encode())
    gz_path = tmp_path / "tx.csv.gz"
    gz_path.write_bytes(gzip.compress(CSV.encode()))
    pd.testing.assert_frame_equal(load_transactions(gz_path), expected)
    pq_path = tmp_path / "tx.parquet"
    expected.to_parquet(pq_path)
    pd.testing.assert_frame_equal(load_transactions(str(pq_path)), expected)


def test_parquet_typed_columns_become_text(tmp_path):
    typed = pd.DataFrame(
        {
            "CustomerID": ["C1", "C2"],
            "TransactionDate": pd.to_datetime(["2016-08-02", "2016-08-03"]),
            "TransactionAmount (INR)": [25.0, 12.5],
            "TransactionTime": pd.array([143207, None], dtype="Int64"),
        }
    )
    path = tmp_path / "typed.parquet"
    typed.to_parquet(path)
    frame = load_transactions(path)
    assert frame["TransactionDate"].tolist() == ["2016-08-02", "2016-08-03"]  # dates as ISO text
    assert frame["TransactionAmount (INR)"].tolist() == ["25", "12.5"]
    assert frame["TransactionTime"].iloc[0] == "143207" and pd.isna(frame["TransactionTime"].iloc[1])


def test_file_like_uploads_are_read_from_the_start():
    upload = io.BytesIO(CSV.encode())
    upload.read(10)  # Streamlit may have read part of it already
    assert len(load_transactions(upload)) == 2

    class ReadOnly:  # a plain binary stream without getvalue()
        def __init__(self, data: bytes):
            self.stream = io.BytesIO(data)

        def read(self) -> bytes:
            return self.stream.read()

    assert len(load_transactions(ReadOnly(CSV.encode()))) == 2


def test_unknown_path_is_a_data_error(tmp_path):
    with pytest.raises(DataError, match="cannot open the file"):
        load_transactions(tmp_path / "nope.csv")


def test_row_limit_is_stated():
    with pytest.raises(DataError, match="more than the limit of 1 rows"):
        read_table(CSV.encode(), max_rows=1)
    assert len(read_table(CSV.encode(), max_rows=2)) == 2


def test_value_longer_than_a_parser_block_is_read():
    long_value = "x" * 5_000_000
    frame = read_table(minimal_csv(f"C1,2/8/16,{long_value}", "C2,3/8/16,6"))
    assert len(frame) == 2 and len(frame["TransactionAmount (INR)"].iloc[0]) == 5_000_000


# ---------------------------------------------------------------------------------------------- bad files


def zip_bytes(entry: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(entry, CSV)
    return buffer.getvalue()


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
RANDOM_WITH_NULS = bytes(random.Random(0).randrange(256) for _ in range(2_000)) + b"\x00"

BAD_FILES = [
    pytest.param(b"", "the file is empty", id="empty"),
    pytest.param(b"  \r\n\n", "the file is empty", id="blank-lines"),
    pytest.param(gzip.compress(b""), "the file is empty", id="empty-gzip"),
    pytest.param(minimal_csv(), "the file has a header but no rows", id="header-only"),
    pytest.param(
        PNG, r"not a CSV or Parquet file: it looks like binary data \(a PNG image\); export it as CSV", id="png"
    ),
    pytest.param(zip_bytes("data.csv"), r"binary data \(a ZIP archive\)", id="zip"),
    pytest.param(zip_bytes("xl/workbook.xml"), r"binary data \(an Excel workbook \(.xlsx\)\)", id="xlsx"),
    pytest.param(RANDOM_WITH_NULS, "not a CSV or Parquet file: it looks like binary data", id="random-nuls"),
    pytest.param(bytes(range(1, 32)) * 10, "it looks like binary data", id="control-characters"),
    pytest.param(b"\x1f\x8b\x08\x00garbage", "the gzip file is .*damaged", id="damaged-gzip"),
    pytest.param(gzip.compress(CSV.encode())[:-12], "cut short or damaged", id="truncated-gzip"),
    pytest.param(b"PAR1 not really parquet", "the Parquet file is damaged", id="damaged-parquet"),
    pytest.param(
        minimal_csv("C1,2/8/16,5", "C2,3/8/16,5,extra"),
        r"line 3 has 4 values but the header has 3 columns \(a text value probably contains a comma",
        id="too-many-values",
    ),
    pytest.param(
        minimal_csv("C1,2/8/16,5", "C2,3/8/16"), "line 3 has 2 values but the header has 3 columns", id="too-few-values"
    ),
    pytest.param(minimal_csv('C1,"2/8/16,5'), "the file is not a well-formed CSV", id="unclosed-quote"),
]


@pytest.mark.parametrize("data, message", BAD_FILES)
def test_bad_files_raise_clear_data_errors(data, message):
    with pytest.raises(DataError, match=message):
        load_transactions(data)


def test_messages_start_with_the_file_name():
    with pytest.raises(DataError, match=r"^photo\.png: the file is not a CSV"):
        load_transactions(PNG, name="photo.png")


# ---------------------------------------------------------------------------------------------- headers


@pytest.mark.parametrize(
    "header, expected",
    [
        (" customerid ", "CustomerID"),
        ("TRANSACTIONAMOUNT (INR)", "TransactionAmount (INR)"),
        ("TransactionAmount", "TransactionAmount (INR)"),
        ("transaction_amount_(inr)", "TransactionAmount (INR)"),
        ("Customer ID", "CustomerID"),
        ("cust_account_balance", "CustAccountBalance"),
        ("amount", None),  # a synonym: suggested for the mapping step, never applied automatically
        ("Notes", None),
    ],
)
def test_canonical_name_tolerates_case_spaces_and_the_unit(header, expected):
    assert canonical_name(header) == expected


def test_headers_in_any_order_case_and_spacing_are_accepted():
    data = b" transactionamount ;TRANSACTIONDATE; customerid ;Branch\n5;2/8/16;C1;north\n"
    frame = load_transactions(data)
    assert list(frame.columns) == ["CustomerID", "TransactionDate", "TransactionAmount (INR)"]  # canonical order
    assert frame.iloc[0].tolist() == ["C1", "2/8/16", "5"]
    assert frame.attrs["dropped_columns"] == ["Branch"]


def test_missing_required_columns_are_named_with_the_unexpected_ones():
    data = b"CustomerID,when,amt\nC1,2/8/16,5\n"
    with pytest.raises(DataError) as caught:
        load_transactions(data, name="export.csv")
    message = str(caught.value)
    assert message.startswith("export.csv: columns 'TransactionDate', 'TransactionAmount (INR)' are missing")
    assert "not recognised: 'when', 'amt'" in message
    assert "'amt' for 'TransactionAmount (INR)'" in message  # the guess a marketer can confirm


def test_two_headers_for_one_column_are_refused():
    with pytest.raises(DataError, match="columns 'CustomerID' and 'customer id' both look like 'CustomerID'"):
        load_transactions(b"CustomerID,customer id,TransactionDate,TransactionAmount\nC1,C1,2/8/16,5\n")


def test_suggestions_use_synonyms_and_each_column_once():
    columns = ["cust id", "txn date", "amount", "dob", "gender", "city", "balance", "time", "Transaction ID", "memo"]
    mapping = suggest_column_mapping(columns)
    assert mapping == {
        "TransactionID": "Transaction ID",
        "CustomerID": "cust id",
        "CustomerDOB": "dob",
        "CustGender": "gender",
        "CustLocation": "city",
        "CustAccountBalance": "balance",
        "TransactionDate": "txn date",
        "TransactionTime": "time",
        "TransactionAmount (INR)": "amount",
    }
    assert len(set(mapping.values())) == len(mapping)


@pytest.mark.parametrize(
    "columns, target, expected",
    [
        (["customer_id", "birth date", "Date"], "CustomerDOB", "birth date"),
        (["customer_id", "birth date", "Date"], "TransactionDate", "Date"),
        (["customer_id", "birth date", "Date"], "CustomerID", "customer_id"),
        (["CustAcctBalance"], "CustAccountBalance", "CustAcctBalance"),
        (["id", "when", "amt"], "CustomerID", None),
        (["id", "when", "amt"], "TransactionDate", None),
    ],
)
def test_suggestion_examples(columns, target, expected):
    assert suggest_column_mapping(columns)[target] == expected


def test_suggestions_for_the_canonical_header_are_the_identity():
    assert suggest_column_mapping(list(RAW_COLUMNS)) == {c: c for c in RAW_COLUMNS}


def test_apply_column_mapping_renames_and_keeps_only_mapped_columns():
    frame = read_table(b"id,when,amt,memo\nC1,2/8/16,5,hello\n")
    out = apply_column_mapping(
        frame, {"CustomerID": "id", "TransactionDate": "when", "TransactionAmount (INR)": "amt", "CustGender": None}
    )
    assert list(out.columns) == ["CustomerID", "TransactionDate", "TransactionAmount (INR)"]
    assert out.attrs["dropped_columns"] == ["memo"]
    assert list(frame.columns) == ["id", "when", "amt", "memo"]  # input untouched


def test_apply_column_mapping_names_missing_required_columns():
    frame = read_table(b"id,when,amt\nC1,2/8/16,5\n")
    with pytest.raises(DataError, match=r"^column 'TransactionDate' is missing; found: 'id', 'when', 'amt'$"):
        apply_column_mapping(frame, {"CustomerID": "id", "TransactionAmount (INR)": "amt"})


def test_apply_column_mapping_refuses_one_column_for_two_purposes():
    frame = read_table(b"id,when,amt\nC1,2/8/16,5\n")
    with pytest.raises(DataError, match="column 'id' is chosen for both 'TransactionID', 'CustomerID'"):
        apply_column_mapping(
            frame,
            {"TransactionID": "id", "CustomerID": "id", "TransactionDate": "when", "TransactionAmount (INR)": "amt"},
        )


def test_apply_column_mapping_refuses_unknown_columns():
    frame = read_table(b"id,when,amt\nC1,2/8/16,5\n")
    with pytest.raises(DataError, match="column 'client' chosen for 'CustomerID' is not in the file"):
        apply_column_mapping(
            frame, {"CustomerID": "client", "TransactionDate": "when", "TransactionAmount (INR)": "amt"}
        )
    with pytest.raises(DataError, match="'Budget' is not a column the dashboard uses"):
        apply_column_mapping(frame, {"Budget": "amt"})


def test_load_with_an_explicit_mapping():
    frame = load_transactions(
        b"id,when,amt\nC1,2/8/16,5\n",
        mapping={"CustomerID": "id", "TransactionDate": "when", "TransactionAmount (INR)": "amt"},
    )
    assert frame.iloc[0].tolist() == ["C1", "2/8/16", "5"]


# ---------------------------------------------------------------------------------------------- real rows

real = pytest.mark.skipif(not REAL_FILE.exists(), reason="real rows not available (../shared/data/real is absent)")


@pytest.mark.real
@real
def test_all_real_rows_load_as_text():
    frame = load_transactions(REAL_FILE)
    assert len(frame) == 20_000
    assert list(frame.columns) == list(RAW_COLUMNS)
    assert frame["TransactionID"].iloc[-1] == "T20000"
    lines = Path(REAL_FILE).read_text().splitlines()
    assert frame["CustLocation"].str.contains(",", regex=False).sum() == sum(
        1 for line in lines if line.count('"') >= 2
    )  # quoted locations with commas survive
