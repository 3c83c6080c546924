"""Segment movement in the engine against the pandas definitions: period features and segments (score_period),
the from -> to matrix and counts (segment_moves), a cell's members, drift PSI (drift_table, segment_share_psi),
and two scored datasets matched by CustomerID."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from core.analysis.drift import decile_edges, drift_table, edges_from_positions, segment_share_psi
from core.analysis.drift import decile_positions as positions_of
from core.analysis.filters import Filters, apply_filters
from core.analysis.movement import GONE, NEW, segment_moves, transition_matrix
from core.analysis.sql import movement as sql
from core.analysis.sql import movement_drift as sql_drift
from core.errors import DataError
from core.pipeline.features import CATEGORICAL_FEATURES, NUMERIC_FEATURES
from core.scoring.periods import score_period

FEATURES = (*NUMERIC_FEATURES, *CATEGORICAL_FEATURES)
COMPARED = ("age", "gender", "location", "balance", *NUMERIC_FEATURES[2:])


def _halves(transactions: pd.DataFrame) -> tuple[tuple[date, date], tuple[date, date]]:
    first, last = transactions["date"].min().date(), transactions["date"].max().date()
    middle = first + timedelta(days=(last - first).days // 2)
    return (first, middle), (middle + timedelta(days=1), last)


def _engine_frame(source, population, names) -> pd.DataFrame:
    """A population's rows as a frame (for the comparison only: the page never fetches them)."""
    frame = source.query(f'SELECT * FROM {population.ready(source)} ORDER BY "CustomerID"')
    frame["segment"] = [names[r] for r in frame["segment_rank"]] if names else None
    return frame


FILTERS = [
    Filters(),
    Filters(genders=("F",)),
    Filters(segments=("High",), include_unknown_age=False),
    Filters(rfm_segments=("Champions", "Hibernating")),
]


@pytest.fixture(params=range(len(FILTERS)), ids=["everyone", "women", "high-known-age", "rfm"])
def case(pair, request):
    """(artifacts, source, filters, the pandas periods A and B, the engine's periods A and B)."""
    loaded, source = pair
    filters = FILTERS[request.param]
    rows = apply_filters(loaded.customers, filters, loaded.transactions).index
    (sa, ea), (sb, eb) = _halves(loaded.transactions)
    model = loaded.models.segment
    pandas_a = score_period(loaded.models, loaded.customers, loaded.transactions, sa, ea, rows)
    pandas_b = score_period(loaded.models, loaded.customers, loaded.transactions, sb, eb, rows)
    engine_a = sql.period_population(source, filters, sa, ea, model)
    engine_b = sql.period_population(source, filters, sb, eb, model)
    return loaded, source, filters, pandas_a, pandas_b, engine_a, engine_b


def test_period_features_and_segments_equal_score_period(case):
    loaded, source, _, pandas_a, pandas_b, engine_a, engine_b = case
    names = loaded.models.segment_names
    for expected, population in ((pandas_a, engine_a), (pandas_b, engine_b)):
        got = _engine_frame(source, population, names)
        assert got["CustomerID"].tolist() == expected["CustomerID"].astype(str).tolist()
        for name in COMPARED:
            left, right = got[name].to_numpy(), expected[name].to_numpy()
            if name in ("gender", "location"):
                assert [None if pd.isna(v) else v for v in left] == [None if pd.isna(v) else v for v in right], name
            else:
                np.testing.assert_array_equal(left.astype("float64"), right.astype("float64"), err_msg=name)
        assert got["segment"].tolist() == expected["segment"].astype(str).tolist()


def test_matrix_and_counts_equal_the_pandas_moves(case):
    loaded, source, _, pandas_a, pandas_b, engine_a, engine_b = case
    names = loaded.models.segment_names
    expected = transition_matrix(segment_moves(pandas_a, pandas_b, names))
    got = sql.transition_matrix(source, engine_a, engine_b, names)
    pd.testing.assert_frame_equal(got, expected, check_index_type=False, check_column_type=False)
    assert got.to_numpy().sum() == len(set(pandas_a["CustomerID"]) | set(pandas_b["CustomerID"]))


def test_a_cells_members_equal_the_pandas_cell(case):
    loaded, source, _, pandas_a, pandas_b, engine_a, engine_b = case
    names = list(loaded.models.segment_names)
    moves = segment_moves(pandas_a, pandas_b, names)
    for src, dst in ((names[0], names[-1]), (NEW, names[0]), (names[-1], GONE), (names[1], names[1])):
        picked = moves[(moves["from"].astype(str) == src) & (moves["to"].astype(str) == dst)]
        found = sql.cell_members(source, engine_a, engine_b, names, src, dst, ("mean_amount", "balance"))
        assert found["CustomerID"].tolist() == picked["CustomerID"].tolist()
        by_id_a = pandas_a.set_index(pandas_a["CustomerID"].astype(str))["mean_amount"]
        if src != NEW and len(found):
            np.testing.assert_array_equal(found["a_mean_amount"], by_id_a.reindex(found["CustomerID"]).to_numpy())
        if dst == GONE:
            assert found["b_mean_amount"].isna().all()
        capped = sql.cell_members(source, engine_a, engine_b, names, src, dst, ("mean_amount",), limit=3)
        assert capped["CustomerID"].tolist() == picked["CustomerID"].tolist()[:3]


def test_drift_equals_the_pandas_drift_table(case):
    loaded, source, _, pandas_a, pandas_b, engine_a, engine_b = case
    names = loaded.models.segment_names
    expected = drift_table(pandas_a, pandas_b, FEATURES)
    got = sql_drift.drift_table(source, engine_a, engine_b, FEATURES)
    pd.testing.assert_frame_equal(got, expected)  # exact: the same bins, the same shares
    share = sql_drift.segment_share_psi(source, engine_a, engine_b, names)
    assert share == segment_share_psi(pandas_a["segment"], pandas_b["segment"], names)


def test_the_cell_download_has_every_member(case, tmp_path):
    loaded, source, _, pandas_a, pandas_b, engine_a, engine_b = case
    names = list(loaded.models.segment_names)
    moves = segment_moves(pandas_a, pandas_b, names)
    picked = moves[(moves["from"].astype(str) == NEW) & (moves["to"].astype(str) == names[-1])]
    path = tmp_path / "cell.csv"
    labels = ("A", "B")
    rows = sql.write_cell_csv(source, engine_a, engine_b, names, NEW, names[-1], ("mean_amount",), labels, path)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    written = pd.read_csv(path, encoding="utf-8-sig", dtype={"Customer ID": str})
    assert rows == len(written) == len(picked)
    assert written["Customer ID"].tolist() == picked["CustomerID"].tolist()
    assert (written["Segment (B)"] == names[-1]).all() and (written["Segment (A)"] == NEW).all()
    expected = pandas_b.set_index(pandas_b["CustomerID"].astype(str))["mean_amount"].round(2)
    np.testing.assert_array_equal(
        written["Average transaction (INR) (B)"], expected.reindex(written["Customer ID"]).to_numpy()
    )


def test_an_empty_period_is_refused_with_a_message(generated_pair):
    loaded, source = generated_pair
    with pytest.raises(DataError, match="no transaction between 01/01/2020 and 31/01/2020"):
        sql.period_population(source, Filters(), date(2020, 1, 1), date(2020, 1, 31), loaded.models.segment)


def test_a_dropped_working_table_is_made_again(generated_pair):
    loaded, source = generated_pair
    (sa, ea), _ = _halves(loaded.transactions)
    population = sql.period_population(source, Filters(), sa, ea, loaded.models.segment)
    before = source.scalar(f"SELECT count(*) FROM {population.ready(source)}")
    source.connection().execute(f"DROP TABLE {population.relation}")
    assert source.scalar(f"SELECT count(*) FROM {population.ready(source)}") == before > 0


def test_two_datasets_are_matched_by_customer_id(generated_pair, tmp_path):
    """Dataset B: A's customers with some gone, some re-segmented and a few new, written as another version."""
    loaded, source = generated_pair
    names = list(loaded.models.segment_names)
    a = loaded.customers.drop(columns=[c for c in loaded.customers if c.startswith("rfm_")])
    b = a.iloc[::3].copy()  # two thirds gone
    b["segment"] = b["segment"].astype(str).map({names[0]: names[-1], names[-1]: names[1], names[1]: names[1]})
    b["mean_amount"] = b["mean_amount"] * 1.7
    new = a.iloc[:5].assign(CustomerID=[f"NEW{i}" for i in range(5)])
    b = pd.concat([b, new], ignore_index=True)
    b["segment"] = pd.Categorical(b["segment"].astype(str), categories=names, ordered=True)
    folder = tmp_path / "other"
    folder.mkdir()
    b.to_parquet(folder / "customers.parquet", index=False)
    engine_a = sql.dataset_population(loaded.folder, names)
    engine_b = sql.dataset_population(folder, names)
    expected = transition_matrix(segment_moves(a, b, names))
    got = sql.transition_matrix(source, engine_a, engine_b, names)
    pd.testing.assert_frame_equal(got, expected, check_index_type=False, check_column_type=False)
    assert got.loc[NEW].sum() == 5
    pd.testing.assert_frame_equal(
        sql_drift.drift_table(source, engine_a, engine_b, FEATURES), drift_table(a, b, FEATURES)
    )
    assert sql_drift.segment_share_psi(source, engine_a, engine_b, names) == segment_share_psi(
        a["segment"], b["segment"], names
    )
    found = sql.cell_members(source, engine_a, engine_b, names, NEW, names[0], ("mean_amount",))
    moves = segment_moves(a, b, names)
    picked = moves[(moves["from"] == NEW) & (moves["to"] == names[0])]
    assert found["CustomerID"].tolist() == picked["CustomerID"].tolist()


@pytest.mark.parametrize("n", [1, 2, 3, 9, 10, 11, 97, 1000])
def test_decile_edges_from_order_statistics_equal_numpy(n):
    rng = np.random.default_rng(n)
    for values in (rng.lognormal(5, 2, n), rng.integers(0, 4, n).astype(float), np.round(rng.normal(0, 1, n), 2)):
        ordered = np.sort(values)
        at = {int(p): float(ordered[p]) for p in positions_of(n)}
        np.testing.assert_array_equal(edges_from_positions(n, at), decile_edges(values))
    assert len(edges_from_positions(0, {})) == 0


def test_quantile_disc_at_the_fraction_returns_that_rank():
    """The engine's order statistics: every rank of many sizes, with ties, equals numpy's sorted value there."""
    import duckdb

    con = duckdb.connect()
    rng = np.random.default_rng(7)
    for n in [*range(1, 40), 97, 1000, 4099, 100_003]:
        values = np.round(rng.lognormal(3, 2, n), 1) if n % 2 else rng.integers(0, 5, n).astype(float)
        ranks = sorted({0, n - 1, *rng.integers(0, n, 30).tolist()})
        con.execute("CREATE OR REPLACE TABLE v AS SELECT unnest(?::DOUBLE[]) AS x", [values.tolist()])
        picked = con.execute(
            "SELECT quantile_disc(x, ?::DOUBLE[]) FROM v", [[sql_drift.disc_fraction(r, n) for r in ranks]]
        ).fetchone()[0]
        assert picked == np.sort(values)[ranks].tolist(), n


def test_a_selection_counts_recency_to_its_own_last_day(generated_pair):
    """A location whose customers' last transaction of period B is before B's last day: recency (and so the
    drift) counts to their own last day, as score_period does for a selection."""
    loaded, source = generated_pair
    c, tx = loaded.customers, loaded.transactions
    _, (start, end) = _halves(tx)
    period = tx[(tx["date"] >= pd.Timestamp(start)) & (tx["date"] <= pd.Timestamp(end))]
    last = period.groupby(c["location"].to_numpy()[period["customer_row"].to_numpy()])["date"].max()
    location = str(last[last < period["date"].max()].index[0])
    filters = Filters(locations=(location,))
    rows = apply_filters(c, filters, tx).index
    expected = score_period(loaded.models, c, tx, start, end, rows)
    got = _engine_frame(source, sql.period_population(source, filters, start, end, loaded.models.segment), [])
    assert got["recency_days"].tolist() == expected["recency_days"].tolist()


def test_only_the_most_recent_working_tables_are_kept(generated_pair):
    _, source = generated_pair
    exists = "SELECT count(*) FROM duckdb_tables() WHERE table_name = ?"
    for n in range(3):
        assert source.materialise(f"kept_{n}", "SELECT * FROM range(?) t(x)", [n + 1], keep=2) == n + 1
    assert [source.scalar(exists, [f"kept_{n}"]) for n in range(3)] == [0, 1, 1]
    assert source.materialise("kept_0", "SELECT * FROM range(?) t(x)", [1], keep=2) == 1  # made again
    assert [source.scalar(exists, [f"kept_{n}"]) for n in range(3)] == [1, 0, 1]
    with pytest.raises(ValueError, match="not a table name"):
        source.materialise("x; DROP TABLE y", "SELECT 1")


def test_above_the_exact_size_the_deciles_are_those_of_a_fixed_sample(generated_pair, monkeypatch):
    """Forced small here: A's decile edges are numpy's deciles of exactly the customers whose row hashes to 0 modulo
    k (k = A's size over the threshold, rounded up), while every customer of A and B is counted in the bins."""
    from core.analysis.drift import numeric_bins, psi_from_shares

    loaded, source = generated_pair
    (sa, ea), (sb, eb) = _halves(loaded.transactions)
    model = loaded.models.segment
    a, b = (sql.period_population(source, Filters(), s, e, model) for s, e in ((sa, ea), (sb, eb)))
    pandas_a = score_period(loaded.models, loaded.customers, loaded.transactions, sa, ea)
    pandas_b = score_period(loaded.models, loaded.customers, loaded.transactions, sb, eb)
    assert sql_drift.drift_edges_method(source, a, b) == "exact"
    monkeypatch.setattr("core.analysis.sql.quantiles.EXACT_QUANTILE_ROWS", 300)
    step = -(-len(pandas_a) // 300)
    assert step >= 2
    hashed = source.query(f"SELECT file_row_number AS row FROM base_customers WHERE hash(file_row_number) % {step} = 0")
    row_of = pd.Series(np.arange(len(loaded.customers)), index=loaded.customers["CustomerID"].astype(str))
    sampled = pandas_a[row_of.reindex(pandas_a["CustomerID"].astype(str)).isin(hashed["row"]).to_numpy()]
    assert 0.6 * len(pandas_a) / step < len(sampled) < 1.4 * len(pandas_a) / step  # a sample, not everyone
    numeric = ["balance", "mean_amount", "n_transactions", "recency_days", "age"]
    edges = sql_drift.reference_edges(source, a, numeric)
    for name in numeric:
        values = sampled[name].to_numpy(dtype="float64")
        values = values[np.isfinite(values)]
        expected = np.unique(np.quantile(values, np.linspace(0.1, 0.9, 9)))  # drift.decile_edges' deciles
        np.testing.assert_array_equal(edges[name], expected, err_msg=name)
    assert sql_drift.drift_edges_method(source, a, b) == "sampled"
    got = sql_drift.drift_table(source, a, b, ("mean_amount",))
    cut = edges["mean_amount"]
    counts = [
        np.bincount(numeric_bins(p["mean_amount"].to_numpy(dtype="float64"), cut), minlength=len(cut) + 2)
        for p in (pandas_a, pandas_b)
    ]
    assert sum(counts[0]) == len(pandas_a) and sum(counts[1]) == len(pandas_b)  # every customer binned
    shares = [c[: len(cut) + 1] / c.sum() for c in counts]  # no missing mean amount: its bin is left out
    assert counts[0][-1] == counts[1][-1] == 0
    assert got["PSI"].iloc[0] == pytest.approx(psi_from_shares(*shares), rel=1e-12)
