"""Lookup by ID and the streamed CSV give what the in-memory lookup and download give."""

from __future__ import annotations

import pandas as pd

from core.analysis.filters import Filters, apply_filters
from core.analysis.sql.export import write_customers_csv
from core.analysis.sql.lookup import find_customers
from core.present.export import customer_table, to_csv_bytes
from core.scoring.lookup import lookup_customers


def test_lookup_finds_the_same_rows_in_the_order_asked(pair):
    artifacts, source = pair
    customers = artifacts.customers
    picks = customers["CustomerID"].iloc[[40, 3, 400, 3]].tolist()
    asked = [picks[0].lower(), "NOPE-1", picks[1], f"  {picks[2]} ", picks[3], ""]
    expected, expected_unknown = lookup_customers(customers, asked)
    found, unknown = find_customers(source, asked)
    assert unknown == expected_unknown == ["NOPE-1"]
    assert found.index.tolist() == expected.index.tolist() == [40, 3, 400]
    text = [c for c in expected.columns if isinstance(expected[c].dtype, pd.CategoricalDtype) or c == "CustomerID"]
    numbers = [c for c in expected.columns if c not in text]
    pd.testing.assert_frame_equal(found[numbers], expected[numbers], check_dtype=False)
    assert {c: found[c].astype(str).tolist() for c in text} == {c: expected[c].astype(str).tolist() for c in text}


def test_lookup_by_a_shared_id_finds_every_person_as_in_memory(pair):
    artifacts, source = pair
    keys = artifacts.customers["CustomerID"].astype(str)
    split = keys[keys.str.contains("#", regex=False)]
    assert len(split) > 0  # the generator shares IDs between people as the real rows do
    shared = [split.iloc[0].split("#")[0].lower(), split.iloc[-1]]  # an ID as typed, and one person's own key
    expected, _ = lookup_customers(artifacts.customers, shared)
    found, unknown = find_customers(source, shared)
    assert unknown == []
    assert found.index.tolist() == expected.index.tolist()
    assert len(found) >= 3  # at least the two people behind the first ID, and the person asked for by key
    assert found["CustomerID"].iloc[0].upper() == shared[0].upper()


def test_streamed_csv_is_the_download_of_the_same_customers(pair, tmp_path):
    artifacts, source = pair
    names = list(artifacts.customers["segment"].cat.categories)
    for filters in (Filters(), Filters(segments=(names[-1],), genders=("F",))):
        view = apply_filters(artifacts.customers, filters, artifacts.transactions).sort_values("CustomerID")
        path = tmp_path / "list.csv"
        rows = write_customers_csv(source, filters, path)
        assert rows == len(view)
        written = path.read_bytes()
        assert written.startswith(b"\xef\xbb\xbf")
        got = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
        expected = pd.read_csv(
            pd.io.common.BytesIO(to_csv_bytes(customer_table(view))),
            encoding="utf-8-sig",
            dtype=str,
            keep_default_na=False,
        )
        assert list(got.columns) == list(expected.columns)
        numeric = [c for c in got.columns if pd.to_numeric(expected[c], errors="coerce").notna().any()]
        text = [c for c in got.columns if c not in numeric]
        pd.testing.assert_frame_equal(got[text], expected[text])
        for column in numeric:
            a = pd.to_numeric(got[column], errors="coerce")
            b = pd.to_numeric(expected[column], errors="coerce")
            pd.testing.assert_series_equal(a, b, check_names=False, rtol=1e-9, obj=column, check_dtype=False)
        assert not list(tmp_path.glob(".export-*")) and not list(tmp_path.glob(".*.part"))


def test_formula_like_text_is_neutralised_like_the_pandas_export(generated_pair, tmp_path):
    from core.analysis.sql.export import _RISKY, safe_text

    _, source = generated_pair
    samples = ["=1+1", "  +SUM(A1)", "\uff1dHYPERLINK()", "@cmd", "-500", "+91 98765 43210", "\tx", "MUMBAI", "-x"]
    from core.present.export import formula_risk

    expected = formula_risk(pd.Series(samples, dtype=object)).tolist()
    frame = pd.DataFrame({"v": samples})
    con = source.connection().cursor()
    con.register("samples", frame)
    got = con.execute(f"SELECT {_RISKY.replace('{c}', 'v')} AS risky FROM samples").fetchdf()["risky"].tolist()
    # the whole cell as written to the file (the plain-first shortcut included): an apostrophe exactly where risky
    written = con.execute(f"SELECT {safe_text('v', 'out')} FROM samples").fetchdf()["out"].tolist()
    con.close()
    assert got == expected == [True, True, True, True, False, False, True, False, True]
    assert written == [("'" + v if risky else v) for v, risky in zip(samples, expected, strict=True)]
