"""The Segment profiles page's numbers as aggregate queries: timing, comparison with the bank, box-plot quantiles,
demographic mix, the RFM cross-tab and grid, the personas' yardstick.

Each function returns the frame of the analysis.profiles / analysis.rfm function named in its docstring (same
columns, same order, same segment Categoricals). Quantiles are exact (`quantile_cont`, pandas' linear
interpolation), of every customer of a group or of a fixed sample of a large one (quantiles.plan_quantiles), as every
median of the app.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.analysis.explore import AGE_BAND_EDGES, AGE_BAND_LABELS, GENDER_ORDER, UNKNOWN_AGE
from core.analysis.filters import Filters
from core.analysis.profiles import QUANTILES, DemographicMix
from core.analysis.rfm import ScoreSpread
from core.analysis.segments import segment_column
from core.analysis.sql.predicates import UNKNOWN_AGE as UNKNOWN_AGE_SQL
from core.analysis.sql.predicates import (
    Predicate,
    chosen_by_segment_alone,
    filters_predicate,
    transactions_predicate,
)
from core.analysis.sql.quantiles import plan_quantiles, query_in_two
from core.analysis.sql.source import BASE_TABLE, RFM_TABLE, ROW_COLUMN, VersionSource
from core.config import TOP_LOCATIONS_PER_SEGMENT
from core.pipeline.features import MONEY_FEATURES, NUMERIC_FEATURES
from core.pipeline.rfm import RFM_INPUTS, RFM_SEGMENTS, SCORE_COLUMNS, SEGMENT_COLUMN


def _codes(source: VersionSource, segments: pd.Series) -> np.ndarray:
    order = {n: i for i, n in enumerate(source.segment_names)}
    return segments.astype(str).map(order).to_numpy(dtype="int64")


def _present(source: VersionSource, filters: Filters) -> np.ndarray:
    """Codes of the segments with customers in the view, in order."""
    where = filters_predicate(filters)
    found = source.query(
        f"SELECT DISTINCT segment::VARCHAR AS s FROM {where.table} WHERE ({where.sql}) AND segment IS NOT NULL",
        where.params,
    )
    return np.sort(_codes(source, found["s"]))


def _long_mix(source: VersionSource, present: np.ndarray, counts: np.ndarray, categories: list, column: str):
    """profiles._mix's layout from a (segments x categories) count matrix: every category of every present segment."""
    names = list(source.segment_names)
    counts = counts[present]
    totals = counts.sum(axis=1, keepdims=True)
    shares = np.divide(counts, totals, out=np.zeros(counts.shape), where=totals > 0)
    return pd.DataFrame(
        {
            "segment": segment_column(np.repeat(present, len(categories)), names),
            column: np.tile(np.asarray(categories, dtype=object), len(present)),
            "customers": counts.ravel().astype("int64"),
            "share": shares.ravel(),
        }
    )


def _matrix(source, found: pd.DataFrame, key: str, categories: list) -> np.ndarray:
    """A (segments x categories) matrix of found's counts `n` by segment `s` and category `key`."""
    counts = np.zeros((len(source.segment_names), len(categories)), dtype="int64")
    index = {c: i for i, c in enumerate(categories)}
    cols = found[key].map(index)
    ok = cols.notna().to_numpy()
    np.add.at(
        counts, (_codes(source, found["s"])[ok], cols[ok].to_numpy(dtype="int64")), found["n"][ok].astype("int64")
    )
    return counts


def timing_by_segment(source: VersionSource, filters: Filters) -> pd.DataFrame:
    """profiles.timing_by_segment: share of each present segment's transactions by hour (segment, hour, ...)."""
    where = filters_predicate(filters)
    hour = "t.hour >= 0 AND t.hour < 24 AND NOT isnan(t.hour)"
    if source.transactions_have_segments and chosen_by_segment_alone(filters):
        # each transaction carries its customer's segment: no join (85M customers: the join took 19-30 s)
        view = transactions_predicate(filters, True)
        found = source.query(
            f"""SELECT t.segment::VARCHAR AS s, floor(t.hour)::BIGINT AS h, count(*) AS n FROM transactions t
            WHERE {hour} AND t.segment IS NOT NULL AND ({view.sql}) GROUP BY ALL""",
            view.params,
        )
    else:
        # the key in the link's own type (INTEGER, like customer_row): a BIGINT build side made the join 15% slower
        found = source.query(
            f"""SELECT c.segment::VARCHAR AS s, floor(t.hour)::BIGINT AS h, count(*) AS n
            FROM transactions t JOIN (SELECT {ROW_COLUMN}::INTEGER AS r, segment FROM {where.table} WHERE {where.sql})
                c ON t.customer_row = c.r
            WHERE {hour} AND c.segment IS NOT NULL GROUP BY ALL""",
            where.params,
        )
    hours = list(range(24))
    out = _long_mix(source, _present(source, filters), _matrix(source, found, "h", hours), hours, "hour")
    out["hour"] = out["hour"].astype("int64")
    return out.rename(columns={"customers": "transactions"})


def _scaled(name: str) -> str:
    """segment.log_money's value of a feature: money on log(1 + x) with overdrafts as 0, NaN as missing."""
    value = f"(CASE WHEN isnan({name}::DOUBLE) THEN NULL ELSE {name}::DOUBLE END)"
    # DuckDB's greatest() skips NULLs (greatest(NULL, 0) is 0), so a missing value must stay missing explicitly
    money = f"(CASE WHEN {value} IS NULL THEN NULL ELSE ln(1 + greatest({value}, 0)) END)"
    return money if name in MONEY_FEATURES else value


def compare_to_base(source: VersionSource, filters: Filters) -> pd.DataFrame:
    """profiles.compare_to_base(view, all customers): segment means vs the bank's, in its standard deviations."""
    where = filters_predicate(filters)
    base = source.query(
        "SELECT "
        + ", ".join(f"avg({_scaled(f)}) AS m_{f}, stddev_pop({_scaled(f)}) AS s_{f}" for f in NUMERIC_FEATURES)
        + f" FROM {BASE_TABLE}"
    ).iloc[0]
    means = source.query(
        "SELECT segment::VARCHAR AS s, "
        + ", ".join(f"avg({_scaled(f)}) AS {f}" for f in NUMERIC_FEATURES)
        + f" FROM {where.table} WHERE ({where.sql}) AND segment IS NOT NULL GROUP BY s",
        where.params,
    )
    means = means.assign(code=_codes(source, means["s"])).sort_values("code")
    rows = {}
    for f in NUMERIC_FEATURES:
        std = base[f"s_{f}"]
        std = float(std) if pd.notna(std) and std > 0 else float("nan")
        rows[f] = (means[f].astype("float64").to_numpy() - float(base[f"m_{f}"])) / std
    names = list(source.segment_names)
    out = pd.DataFrame(rows, index=means["code"].to_numpy()).T
    out.columns = pd.CategoricalIndex([names[c] for c in means["code"]], categories=names, ordered=True, name="segment")
    out.index.name = "feature"
    return out


def feature_summary(source: VersionSource, filters: Filters, feature: str) -> pd.DataFrame:
    """profiles.feature_summary: segment, feature, n, p05, q1, median, q3, p95, mean of one feature per segment."""
    if feature not in NUMERIC_FEATURES:
        raise ValueError(f"'{feature}' is not a numeric feature")
    where = filters_predicate(filters)
    plan = plan_quantiles(source, where, by_segment=True)
    names = ("p05", "q1", "median", "q3", "p95")
    known = f"segment IS NOT NULL AND {feature} IS NOT NULL AND NOT isnan({feature})"

    def quantiles(plan) -> str:
        return ", ".join(
            f"{plan.quantile(f'{feature}::DOUBLE', q)} AS {n}" for q, n in zip(QUANTILES, names, strict=True)
        )

    counts, tail = f"segment::VARCHAR AS s, count(*) AS n, avg({feature}::DOUBLE) AS mean", f"WHERE {known} GROUP BY s"
    if plan.flag is None:
        found = source.query(f"SELECT {counts}, {quantiles(plan)} FROM {plan.relation(where)} {tail}", where.params)
    else:  # counts and means of everyone, quantiles of the sample alone: two scans, faster (QuantilePlan)
        found = query_in_two(source, where, plan, counts, lambda p: f"segment::VARCHAR AS s, {quantiles(p)}", tail, "s")
    codes = _codes(source, found["s"])
    found = found.assign(code=codes).sort_values("code")
    out = pd.DataFrame(
        {
            "segment": segment_column(found["code"].to_numpy(), list(source.segment_names)),
            "feature": feature,
            "n": found["n"].astype("int64").to_numpy(),
        }
    )
    for column in (*names, "mean"):
        out[column] = found[column].astype("float64").to_numpy()
    return out[["segment", "feature", "n", "p05", "q1", "median", "q3", "p95", "mean"]]


def demographic_mix(source: VersionSource, filters: Filters, top_n: int = TOP_LOCATIONS_PER_SEGMENT) -> DemographicMix:
    """profiles.demographic_mix: gender and age-band shares and the top_n locations of each segment present."""
    where = filters_predicate(filters)
    present = _present(source, filters)
    whens = " ".join(f"WHEN age <= {float(e)} THEN {i}" for i, e in enumerate(AGE_BAND_EDGES[1:-1]))
    band = f"CASE WHEN {UNKNOWN_AGE_SQL} THEN {len(AGE_BAND_LABELS)} {whens} ELSE {len(AGE_BAND_EDGES) - 2} END"
    found = source.query(
        f"SELECT segment::VARCHAR AS s, gender::VARCHAR AS g, {band} AS b, count(*) AS n FROM {where.table} "
        f"WHERE ({where.sql}) AND segment IS NOT NULL GROUP BY ALL",
        where.params,
    )
    genders = [*GENDER_ORDER, *sorted(set(found["g"].dropna().astype(str)) - set(GENDER_ORDER))]
    bands = [*AGE_BAND_LABELS, UNKNOWN_AGE]
    by_gender = found.dropna(subset=["g"]).groupby(["s", "g"], as_index=False)["n"].sum()
    by_band = found.groupby(["s", "b"], as_index=False)["n"].sum()
    band_counts = _matrix(source, by_band, "b", list(range(len(bands))))
    age = _long_mix(source, present, band_counts, bands, "age_band")
    located = source.query(
        f"""SELECT segment::VARCHAR AS s, location::VARCHAR AS location, count(*) AS n
        FROM {where.table} WHERE ({where.sql}) AND segment IS NOT NULL AND location IS NOT NULL GROUP BY ALL""",
        where.params,
    )
    totals = located.groupby("s")["n"].sum()  # the segment's customers of known location, as profiles._mix divides
    located = located.assign(code=_codes(source, located["s"]))
    located = located.sort_values(["code", "n", "location"], ascending=[True, False, True], kind="stable")
    top = located.groupby("code", sort=False).head(top_n).copy()
    segment_total = top["s"].map(totals).astype("float64")
    top_frame = pd.DataFrame(
        {
            "segment": segment_column(top["code"].to_numpy(), list(source.segment_names)),
            "rank": top.groupby("code").cumcount().to_numpy() + 1,
            "location": top["location"].astype(object).to_numpy(),
            "customers": top["n"].astype("int64").to_numpy(),
            "share": (top["n"].astype("float64") / segment_total).to_numpy(),
        }
    )
    return DemographicMix(
        gender=_long_mix(source, present, _matrix(source, by_gender, "g", genders), genders, "gender"),
        age_band=age,
        locations=top_frame,
    )


def rfm_crosstab(source: VersionSource, filters: Filters) -> pd.DataFrame:
    """rfm.rfm_crosstab of the view: customers per budget segment x RFM segment, with the 'All' totals."""
    where = filters_predicate(filters)
    found = source.query(
        f"SELECT segment::VARCHAR AS s, {SEGMENT_COLUMN}::VARCHAR AS r, count(*) AS n FROM {RFM_TABLE} "
        f"WHERE ({where.sql}) AND segment IS NOT NULL AND {SEGMENT_COLUMN} IS NOT NULL GROUP BY ALL",
        where.params,
    )
    counts = _matrix(source, found, "r", list(RFM_SEGMENTS))
    table = pd.DataFrame(counts, index=list(source.segment_names), columns=list(RFM_SEGMENTS))
    table["All"] = table.sum(axis=1)
    table.loc["All"] = table.sum(axis=0)
    table.index.name = "Budget segment"
    table.columns.name = "RFM segment"
    return table.astype("int64")


def rfm_grid(source: VersionSource) -> pd.DataFrame:
    """rfm.rfm_grid of all customers: customers per R x F cell, R5 first, zeros included."""
    found = source.query(
        f"SELECT rfm_recency AS r, rfm_frequency AS f, count(*) AS n FROM {RFM_TABLE} "
        "WHERE rfm_recency IS NOT NULL AND rfm_frequency IS NOT NULL GROUP BY ALL"
    )
    grid = np.zeros((5, 5), dtype="int64")
    for r, f, n in found[["r", "f", "n"]].itertuples(index=False):
        grid[5 - int(r), int(f) - 1] += int(n)
    return pd.DataFrame(
        grid,
        index=pd.Index([f"R{r}" for r in range(5, 0, -1)], name="Recency score"),
        columns=pd.Index([f"F{f}" for f in range(1, 6)], name="Frequency score"),
    )


def score_spreads(source: VersionSource) -> dict[str, ScoreSpread]:
    """rfm.score_spread of every RFM letter over all customers (ties of the mode go to the value met first)."""
    spreads = {}
    for column in SCORE_COLUMNS:
        feature, _ = RFM_INPUTS[column]
        used = source.query(f"SELECT DISTINCT {column} AS s FROM {RFM_TABLE} WHERE {column} IS NOT NULL ORDER BY s")
        top = source.query(
            f"SELECT {feature}::DOUBLE AS v, count(*) AS n, sum(count(*)) OVER () AS total FROM {RFM_TABLE} "
            f"WHERE {feature} IS NOT NULL AND NOT isnan({feature}) GROUP BY {feature} "
            f"ORDER BY n DESC, min({ROW_COLUMN}) LIMIT 1"
        )
        share = float(top["n"].iloc[0] / top["total"].iloc[0]) if len(top) else 0.0
        value = float(top["v"].iloc[0]) if len(top) else float("nan")
        spreads[column] = ScoreSpread(column, tuple(int(s) for s in used["s"]), share, value)
    return spreads


def base_profile(source: VersionSource) -> pd.Series:
    """insights._base_profile of all customers: median balance and transaction, mean number of transactions."""
    everyone = Predicate("TRUE", (), BASE_TABLE)
    plan = plan_quantiles(source, everyone)
    row = source.query(
        f"SELECT {plan.quantile('balance::DOUBLE', when='NOT isnan(balance)')} AS median_balance, "
        f"{plan.quantile('mean_amount::DOUBLE', when='NOT isnan(mean_amount)')} AS median_mean_amount, "
        f"avg(n_transactions::DOUBLE) AS mean_n_transactions FROM {plan.relation(everyone)}"
    ).iloc[0]
    return pd.Series({k: float(row[k]) if pd.notna(row[k]) else float("nan") for k in row.index})
