"""Two groups compared by the engine: analysis.compare's KPIs, effect sizes, mixes and histogram, from aggregates.

A group is a WHERE clause (the selection, everyone else, a budget or RFM segment within the selection, a saved
audience within it). One scan answers both groups (`_members` flags each customer in A, in B): per cell of (in A,
in B, gender, age band) the count and, per feature, the count of finite values, their mean and sample variance
(SMD, on the signed log scale for money), pooled per group in Python; the mixes and the overlap come from the
same cells. Medians are of every customer of a group (both in one more scan), or of a fixed sample of a large one
(quantiles.plan_quantiles, as every median of the app). `compare_groups` returns the same Comparison as
analysis.compare.compare_groups, built by its own sentence and table functions.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from core.analysis.compare import (
    AUDIENCE_PREFIX,
    REST,
    RFM_PREFIX,
    SEGMENT_PREFIX,
    SELECTION,
    Comparison,
    GroupKpis,
    compare_sentences,
    effect_word,
    kpi_table,
)
from core.analysis.explore import AGE_BAND_EDGES, AGE_BAND_LABELS, GENDER_ORDER, UNKNOWN_AGE, histogram_edges
from core.analysis.filters import Filters
from core.analysis.sql.distributions import SegmentHistogram, bin_index
from core.analysis.sql.predicates import UNKNOWN_AGE as UNKNOWN_AGE_SQL
from core.analysis.sql.predicates import Predicate, filters_predicate, rule_predicate
from core.analysis.sql.quantiles import QuantilePlan, plan_quantiles
from core.analysis.sql.source import RFM_TABLE, VersionSource
from core.pipeline.features import FEATURES, NUMERIC_FEATURES, feature_label
from core.pipeline.rfm import RFM_SEGMENTS
from core.present.formats import feature_kind


def group_labels(source: VersionSource, audiences: Mapping[str, str] | tuple[tuple[str, str], ...] = ()) -> list[str]:
    """analysis.compare.group_labels of this dataset: selection, everyone else, segments, RFM segments present,
    saved audiences (name -> rule, or (name, rule) pairs)."""

    present = set(source.query(f"SELECT DISTINCT rfm_segment::VARCHAR AS s FROM {RFM_TABLE}")["s"].dropna())
    labels = [SELECTION, REST, *(f"{SEGMENT_PREFIX}{s}" for s in source.segment_names)]
    labels += [f"{RFM_PREFIX}{s}" for s in RFM_SEGMENTS if s in present]
    return labels + [f"{AUDIENCE_PREFIX}{name}" for name in dict(audiences)]


def group_predicate(source: VersionSource, filters: Filters, label: str, audiences: Mapping[str, str]) -> Predicate:
    """One group as a WHERE clause over the customers (with RFM scores); a ValueError for an unknown label."""
    view = filters_predicate(filters)
    inside = Predicate(f"coalesce(({view.sql}), false)", view.params, RFM_TABLE)
    if label == SELECTION:
        return inside
    if label == REST:
        return Predicate(f"NOT coalesce(({view.sql}), false)", view.params, RFM_TABLE)
    labels = group_labels(source, audiences)
    if label not in labels:
        raise ValueError(f"unknown group {label!r}; choose one of {', '.join(labels)}")
    if label.startswith(AUDIENCE_PREFIX):
        return inside & rule_predicate(audiences[label[len(AUDIENCE_PREFIX) :]])
    for prefix, column in ((SEGMENT_PREFIX, "segment"), (RFM_PREFIX, "rfm_segment")):
        if label.startswith(prefix):
            return inside & Predicate(f"{column}::VARCHAR = ?", (label[len(prefix) :],), RFM_TABLE)
    raise ValueError(f"unknown group {label!r}")


def _finite(name: str) -> str:
    return f"coalesce(isfinite({name}::DOUBLE), false)"


def _members(groups: tuple[Predicate, Predicate], items: str = "*") -> tuple[str, tuple]:
    """The customers of either group, each with `in_a` and `in_b` (is it in group A, in B), and the parameters.

    Both groups are answered by one scan that tells them apart: reading the customers once instead of once per
    group (a customer in both counts in both, as in analysis.compare).
    """
    (a, b) = groups
    members = f"coalesce(({a.sql}), false) AS in_a, coalesce(({b.sql}), false) AS in_b"
    return f"(SELECT * FROM (SELECT {members}, {items} FROM {RFM_TABLE}) m WHERE in_a OR in_b) both_groups", (
        a.params + b.params
    )


def _age_band() -> str:
    """SQL: the index of a customer's age band in AGE_BAND_LABELS + [UNKNOWN_AGE]."""
    whens = " ".join(f"WHEN age <= {float(e)} THEN {i}" for i, e in enumerate(AGE_BAND_EDGES[1:-1]))
    return f"CASE WHEN {UNKNOWN_AGE_SQL} THEN {len(AGE_BAND_LABELS)} {whens} ELSE {len(AGE_BAND_EDGES) - 2} END"


def _cells(source: VersionSource, groups: tuple[Predicate, Predicate]) -> pd.DataFrame:
    """One row per (in A, in B, gender, age band): its count and, per feature, n, mean, and the mean and sample
    variance on the comparison scale (money on the signed log scale). Cells add up to each group's numbers."""
    # Each feature's finite value (and for money its signed log) is computed once per row, NULL when not finite:
    # the aggregates then skip it like any missing value, instead of each of ~60 testing the row again (3x faster).
    values = ["in_a", "in_b", "gender::VARCHAR AS g", f"{_age_band()} AS b", "n_transactions"]
    parts = ["count(*) AS customers", "sum(CASE WHEN n_transactions > 1 THEN 1 ELSE 0 END) AS repeats"]
    for name in NUMERIC_FEATURES:
        raw = f"{name}::DOUBLE"
        values.append(f"CASE WHEN {_finite(name)} THEN {raw} END AS v_{name}")
        scaled = f"v_{name}"
        if FEATURES[name].kind == "money":
            values.append(f"CASE WHEN {_finite(name)} THEN sign({raw}) * ln(1 + abs({raw})) END AS w_{name}")
            scaled = f"w_{name}"
        parts += [
            f"count(v_{name}) AS n_{name}",
            f"avg(v_{name}) AS mean_{name}",
            f"avg({scaled}) AS smean_{name}",
            f"var_samp({scaled}) AS svar_{name}",
        ]
    relation, params = _members(groups, ", ".join(values))
    return source.query(f"SELECT in_a, in_b, g, b, {', '.join(parts)} FROM {relation} GROUP BY ALL", params)


def _pooled_mean(n: np.ndarray, means: np.ndarray) -> float:
    """The mean of cells of n values with these means; exactly their mean when all are equal (no rounding)."""
    kept = n > 0
    if not kept.any():
        return float("nan")
    if np.all(means[kept] == means[kept][0]):
        return float(means[kept][0])
    return float(np.sum(n[kept] * means[kept]) / n[kept].sum())


def _pooled(cells: pd.DataFrame) -> pd.Series:
    """A group's numbers from its cells: counts add, means pool, variances pool with the between-cell term."""
    out = {"customers": int(cells["customers"].sum())}
    out["repeat"] = cells["repeats"].sum() / out["customers"] if out["customers"] else float("nan")
    for name in NUMERIC_FEATURES:
        n = cells[f"n_{name}"].to_numpy(dtype="float64")
        total = int(n.sum())
        smeans = cells[f"smean_{name}"].to_numpy(dtype="float64")
        smean = _pooled_mean(n, smeans)
        # sum of squared deviations of each cell (NULL variance: a cell of one value, no spread) plus between cells
        inner = np.nan_to_num(cells[f"svar_{name}"].to_numpy(dtype="float64")) * np.maximum(n - 1, 0)
        between = n * np.square(np.nan_to_num(smeans - smean))  # 0 for an empty cell (its mean is NULL)
        out |= {
            f"n_{name}": total,
            f"mean_{name}": _pooled_mean(n, cells[f"mean_{name}"].to_numpy(dtype="float64")),
            f"smean_{name}": smean,
            f"svar_{name}": float((inner.sum() + between.sum()) / (total - 1)) if total > 1 else float("nan"),
        }
    return pd.Series(out)


def _medians(plan: QuantilePlan, group: str | None = None) -> dict[str, str]:
    """Name -> SQL of a group's KPI medians and feature medians (`group`: the flag that picks it, if any)."""
    only = f" AND {group}" if group else ""
    medians = {
        f"kpi_{c}": plan.quantile(f"{c}::DOUBLE", when=f"NOT isnan({c}){only}")
        for c in ("balance", "total_amount", "n_transactions")
    }
    for name in NUMERIC_FEATURES:
        medians[f"median_{name}"] = plan.quantile(f"CASE WHEN {_finite(name)} THEN {name}::DOUBLE END", when=group)
    return medians


def _group_medians(
    source: VersionSource, groups: tuple[Predicate, Predicate], sizes: tuple[int, int]
) -> tuple[pd.Series, pd.Series]:
    """Each group's medians: of every customer, both in one scan (small groups), or of each group's sample."""
    plans = [plan_quantiles(source, g, size=n) for g, n in zip(groups, sizes, strict=True)]
    if all(plan.flag is None for plan in plans):
        relation, params = _members(groups)
        sides = {side: _medians(QuantilePlan(), f"in_{side}") for side in ("a", "b")}
        items = [f"{sql} AS {side}_{name}" for side, medians in sides.items() for name, sql in medians.items()]
        found = source.query(f"SELECT {', '.join(items)} FROM {relation}", params).iloc[0]
        a, b = (pd.Series({name: found[f"{side}_{name}"] for name in sides[side]}) for side in sides)
        return a, b
    found = []
    for where, plan in zip(groups, plans, strict=True):
        sampled = plan.sample_only() if plan.flag else plan  # every aggregate here is a median
        items = ", ".join(f"{sql} AS {name}" for name, sql in _medians(sampled).items())
        found.append(source.query(f"SELECT {items} FROM {sampled.relation(where, RFM_TABLE)}", where.params).iloc[0])
    return found[0], found[1]


def _smd(na: int, nb: int, ma: float, mb: float, va: float, vb: float) -> float:
    """analysis.compare.standardised_difference from the groups' counts, means and variances."""
    if na < 2 or nb < 2:
        return float("nan")
    spread = float(np.sqrt((va + vb) / 2))
    diff = float(ma - mb)
    if spread == 0:
        return 0.0 if diff == 0 else float("nan")
    return diff / spread


def _value(numbers: pd.Series, key: str) -> float:
    return float(numbers[key]) if pd.notna(numbers[key]) else float("nan")


def _features(a: pd.Series, b: pd.Series) -> pd.DataFrame:
    """analysis.compare.compare_features from the two groups' numbers (same columns, biggest |SMD| first)."""
    rows = []
    for name in NUMERIC_FEATURES:
        na, nb = int(a[f"n_{name}"]), int(b[f"n_{name}"])
        smd = _smd(
            na,
            nb,
            _value(a, f"smean_{name}"),
            _value(b, f"smean_{name}"),
            _value(a, f"svar_{name}"),
            _value(b, f"svar_{name}"),
        )
        med_a, med_b = _value(a, f"median_{name}"), _value(b, f"median_{name}")
        rows.append(
            {
                "feature": name,
                "label": feature_label(name),
                "n_a": na,
                "n_b": nb,
                "mean_a": _value(a, f"mean_{name}"),
                "mean_b": _value(b, f"mean_{name}"),
                "median_a": med_a,
                "median_b": med_b,
                "smd": smd,
                "effect": "" if np.isnan(smd) else effect_word(smd),
                "median_ratio": med_a / med_b if med_a > 0 and med_b > 0 else float("nan"),
            }
        )
    table = pd.DataFrame(rows)
    order = np.argsort(-np.nan_to_num(np.abs(table["smd"].to_numpy()), nan=-1.0), kind="stable")
    return table.iloc[order].reset_index(drop=True)


def _mix(source: VersionSource, cells: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """analysis.compare.demographic_comparison from the cells: gender (those present in the base), age-band shares."""
    genders = set(source.query(f"SELECT DISTINCT gender::VARCHAR AS g FROM {RFM_TABLE}")["g"].astype(str))
    order = [g for g in GENDER_ORDER if g in genders] + sorted(genders - set(GENDER_ORDER))
    bands = [*AGE_BAND_LABELS, UNKNOWN_AGE]
    found = cells.assign(g=cells["g"].astype(str))  # a missing gender reads 'nan', as astype(str) writes it in pandas
    shares: dict[str, list[np.ndarray]] = {"gender": [], "age_band": []}
    for side in ("in_a", "in_b"):
        group = found[found[side].astype(bool)]
        for key, column, labels in (("gender", "g", order), ("age_band", "b", list(range(len(bands))))):
            counts = group.groupby(column)["customers"].sum().reindex(labels, fill_value=0).to_numpy(dtype="float64")
            shares[key].append(counts / counts.sum() if counts.sum() else counts)
    out = {}
    for key, labels in (("gender", order), ("age_band", bands)):
        sa, sb = shares[key]
        out[key] = pd.DataFrame({key: labels, "share_a": sa, "share_b": sb, "difference": sa - sb})
    return out


def compare_groups(
    source: VersionSource, filters: Filters, a: str, b: str, audiences: tuple[tuple[str, str], ...] = ()
) -> Comparison:
    """analysis.compare.compare_groups answered by the engine (labels from group_labels)."""
    rules = dict(audiences)
    groups = (group_predicate(source, filters, a, rules), group_predicate(source, filters, b, rules))
    cells = _cells(source, groups)
    in_a, in_b = cells["in_a"].astype(bool), cells["in_b"].astype(bool)
    na, nb = _pooled(cells[in_a]), _pooled(cells[in_b])
    medians = _group_medians(source, groups, (int(na["customers"]), int(nb["customers"])))
    na, nb = pd.concat([na, medians[0]]), pd.concat([nb, medians[1]])
    total = source.rows

    def kpis(numbers: pd.Series, label: str) -> GroupKpis:
        n = int(numbers["customers"])
        values = [_value(numbers, k) if n else float("nan") for k in ("kpi_balance", "kpi_total_amount")]
        values += [_value(numbers, k) if n else float("nan") for k in ("kpi_n_transactions", "repeat")]
        return GroupKpis(label, n, n / total if total else float("nan"), *values)

    ka, kb = kpis(na, a), kpis(nb, b)
    features = _features(na, nb)
    demographics = _mix(source, cells)
    shared = int(cells.loc[in_a & in_b, "customers"].sum())
    sentences = compare_sentences(ka, kb, features, demographics, shared)
    return Comparison(ka, kb, shared, kpi_table(ka, kb), features, demographics, sentences)


def group_histogram(
    source: VersionSource,
    filters: Filters,
    feature: str,
    a: str,
    b: str,
    audiences: tuple[tuple[str, str], ...] = (),
    log: bool = False,
    bins: int = 40,
) -> SegmentHistogram:
    """charts.feature_histogram's binning of the two groups (a customer in both counts in both), by the engine."""
    if feature not in NUMERIC_FEATURES:
        raise ValueError(f"'{feature}' is not a numeric feature")
    rules = dict(audiences)
    groups = (group_predicate(source, filters, a, rules), group_predicate(source, filters, b, rules))
    plottable = f"{_finite(feature)}" + (f" AND {feature} > 0" if log else "")
    relation, params = _members(groups, f"{feature}::DOUBLE AS x, {plottable} AS shown")
    head = source.query(
        "SELECT "
        + ", ".join(
            f"count(*) FILTER (WHERE in_{s} AND NOT shown) AS hidden_{s}, min(x) FILTER (WHERE in_{s} AND shown) "
            f"AS lo_{s}, max(x) FILTER (WHERE in_{s} AND shown) AS hi_{s}"
            for s in ("a", "b")
        )
        + f" FROM {relation}",
        params,
    ).iloc[0]
    hidden = int(head["hidden_a"]) + int(head["hidden_b"])
    los = [head[f"lo_{s}"] for s in ("a", "b") if pd.notna(head[f"lo_{s}"])]
    his = [head[f"hi_{s}"] for s in ("a", "b") if pd.notna(head[f"hi_{s}"])]
    if not los:
        return SegmentHistogram(np.zeros((2, 0), dtype="int64"), np.zeros(0), [a, b], 0)
    edges = histogram_edges(float(min(los)), float(max(his)), bins, log, feature_kind(feature))
    estimate, exact = bin_index(edges, log)
    found = source.query(
        f"""SELECT in_a, in_b, {exact} AS bin, count(*) AS n FROM (SELECT in_a, in_b, x, {estimate} AS b
            FROM {relation} WHERE shown) GROUP BY ALL""",
        params,
    )
    counts = np.zeros((2, len(edges) - 1), dtype="int64")
    for i, side in enumerate(("in_a", "in_b")):
        rows = found[found[side].astype(bool)]
        np.add.at(counts[i], rows["bin"].to_numpy(dtype="int64"), rows["n"].to_numpy(dtype="int64"))
    return SegmentHistogram(counts, edges, [a, b], hidden)
