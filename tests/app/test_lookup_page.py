"""Customer lookup page: paste or pick IDs, see the found customers and their segments, unknown IDs listed."""

import numpy as np

from core.config import MAX_DETAILS
from tests.app.conftest import assert_clean, run_page

PAGE = "pages/4_Customer_lookup.py"


def paste(at, text: str):
    at.text_area(key="lookup_paste").input(text).run()
    return at


def test_page_without_ids_asks_for_them():
    at = run_page(PAGE)
    assert_clean(at)
    assert any("paste a list of IDs" in i.value for i in at.info)
    assert not at.dataframe and not at.expander


def test_pasted_ids_show_found_customers_and_list_unknown_ones(trained):
    customers = trained.customers
    ids = list(customers["CustomerID"].iloc[[10, 3, 250]])
    at = paste(run_page(PAGE), f"{ids[0]}, {ids[1].lower()}\nC0000000;{ids[2]} NOT-AN-ID {ids[0]}")
    assert_clean(at)
    table = at.dataframe[0].value
    assert list(table["CustomerID"]) == ids  # order kept, case ignored, duplicates dropped
    expected = customers.set_index("CustomerID").loc[ids, "segment"].astype(str)
    assert list(table["segment"].astype(str)) == list(expected)
    # probabilities are a distribution and the segment's centre is the closest one
    names = list(trained.models.segment_names)
    assert (table[[f"p_{n}" for n in names]].sum(axis=1).round(6) == 1).all()
    closest = table[[f"distance_{n}" for n in names]].to_numpy().argmin(axis=1)
    assert [names[i] for i in closest] == list(expected)
    warning = " ".join(w.value for w in at.warning)
    assert "2 IDs not found" in warning and "C0000000" in warning and "NOT-AN-ID" in warning
    labels = [e.label for e in at.expander]
    assert all(label.startswith(f"{i} · {s}") for label, i, s in zip(labels, ids, expected, strict=True))


def test_picked_ids_are_looked_up(trained):
    first = str(trained.customers["CustomerID"].iloc[0])
    at = run_page(PAGE)
    at.multiselect(key="lookup_pick").select(first).run()
    assert_clean(at)
    assert list(at.dataframe[0].value["CustomerID"]) == [first]
    assert len(at.expander) == 1


def test_customers_outside_the_filters_are_found_and_flagged(trained):
    customers = trained.customers
    low = str(customers.loc[customers["segment"] == "Low", "CustomerID"].iloc[0])
    high = str(customers.loc[customers["segment"] == "High", "CustomerID"].iloc[0])
    at = run_page(PAGE)
    at.multiselect(key="segment").select("High").run()
    paste(at, f"{low} {high}")
    assert_clean(at)
    table = at.dataframe[0].value.set_index("CustomerID")
    assert not table.loc[low, "in_filters"] and table.loc[high, "in_filters"]
    assert any("1 of them do not match the sidebar filters" in c.value for c in at.caption)


def test_expanders_are_capped_but_the_table_has_everyone(trained):
    ids = list(trained.customers["CustomerID"].iloc[: MAX_DETAILS + 5])
    at = paste(run_page(PAGE), "\n".join(ids))
    assert_clean(at)
    assert len(at.dataframe[0].value) == MAX_DETAILS + 5
    assert len(at.expander) == MAX_DETAILS
    assert any(f"Details of the first {MAX_DETAILS} customers" in c.value for c in at.caption)
    # each expander shows the key numbers of its own customer
    first = trained.customers.iloc[0]
    balance = next(m.value for m in at.expander[0].metric if m.label == "Account balance")
    assert balance == f"₹{first['balance']:,.0f}"


def test_only_unknown_ids_give_a_warning_and_no_table():
    at = paste(run_page(PAGE), "NOPE1 NOPE2")
    assert_clean(at)
    assert any("2 IDs not found" in w.value for w in at.warning)
    assert not at.dataframe


def test_borderline_customers_are_flagged_with_their_two_segments(trained):
    customers, model = trained.customers, trained.models.segment
    names = list(model.names)
    d = model.distances(customers)
    order = np.argsort(d, axis=1)
    near, second = d[np.arange(len(d)), order[:, 0]], d[np.arange(len(d)), order[:, 1]]
    edge = np.flatnonzero(second <= 1.1 * near)[0]
    inside = np.flatnonzero(second > 2 * near)[0]
    pair = sorted((names[order[edge, 0]], names[order[edge, 1]]), key=names.index)
    ids = [str(customers["CustomerID"].iloc[edge]), str(customers["CustomerID"].iloc[inside])]
    at = paste(run_page(PAGE), " ".join(ids))
    assert_clean(at)
    table = at.dataframe[0].value
    assert list(table["boundary"]) == [f"borderline between {pair[0]} and {pair[1]}", ""]
    assert at.expander[0].label.endswith(f"borderline between {pair[0]} and {pair[1]}")
    assert "borderline" not in at.expander[1].label
