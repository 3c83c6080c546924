"""Two groups compared by the engine: analysis.compare's KPIs, effect sizes, mixes and histogram, from aggregates.

A group is a WHERE clause (the selection, everyone else, a budget or RFM segment within the selection, a saved
audience within it). Per group and feature one query returns what the effect sizes need: the count of finite
values, their mean and sample variance (SMD, on the signed log scale for money), and the median (of every
customer of the group, or of a fixed sample of a large one: quantiles.plan_quantiles, as every median of the
app). `compare_groups` returns the same Comparison as analysis.compare.compare_groups, built by its own sentence
and table functions.
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


def _group_numbers(source: VersionSource, where: Predicate) -> pd.Series:
    """Per feature: n, mean, variance (ddof 1) on the comparison scale, and the median; the group's KPIs."""
    plan = plan_quantiles(source, where)
    # Each feature's finite value (and for money its signed log) is computed once per row, NULL when not finite:
    # the aggregates then skip it like any missing value, instead of each of ~60 testing the row again (3x faster).
    values = ["n_transactions", "balance", "total_amount", "in_sample"]
    for name in NUMERIC_FEATURES:
        raw = f"{name}::DOUBLE"
        values.append(f"CASE WHEN {_finite(name)} THEN {raw} END AS v_{name}")
        if FEATURES[name].kind == "money":
            values.append(f"CASE WHEN {_finite(name)} THEN sign({raw}) * ln(1 + abs({raw})) END AS w_{name}")
    parts = ["count(*) AS customers", "avg(CASE WHEN n_transactions > 1 THEN 1.0 ELSE 0.0 END) AS repeat"]
    for name in NUMERIC_FEATURES:
        scaled = f"w_{name}" if FEATURES[name].kind == "money" else f"v_{name}"
        parts += [
            f"count(v_{name}) AS n_{name}",
            f"avg(v_{name}) AS mean_{name}",
            f"avg({scaled}) AS smean_{name}",
            f"var_samp({scaled}) AS svar_{name}",
        ]

    def medians(plan) -> list[str]:
        kpis = [
            f"{plan.quantile(c + '::DOUBLE', when=f'NOT isnan({c})')} AS kpi_{c}"
            for c in ("balance", "total_amount", "n_transactions")
        ]
        return kpis + [f"{plan.quantile(f'v_{name}')} AS median_{name}" for name in NUMERIC_FEATURES]

    def rows(plan) -> str:
        return f"(SELECT {', '.join(values)} FROM {plan.relation(where, RFM_TABLE)}) finite"

    if plan.flag is None:
        return source.query(f"SELECT {', '.join(parts + medians(plan))} FROM {rows(plan)}", where.params).iloc[0]
    # counts, means and variances of everyone, medians of the sample alone: two scans, faster (QuantilePlan)
    whole, sampled = QuantilePlan(), plan.sample_only()
    numbers = source.query(f"SELECT {', '.join(parts)} FROM {rows(whole)}", where.params).iloc[0]
    middle = source.query(f"SELECT {', '.join(medians(sampled))} FROM {rows(sampled)}", where.params).iloc[0]
    return pd.concat([numbers, middle])


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


def _mix(source: VersionSource, groups: tuple[Predicate, Predicate]) -> dict[str, pd.DataFrame]:
    """analysis.compare.demographic_comparison: gender (those present in the base) and age-band shares."""
    whens = " ".join(f"WHEN age <= {float(e)} THEN {i}" for i, e in enumerate(AGE_BAND_EDGES[1:-1]))
    band = f"CASE WHEN {UNKNOWN_AGE_SQL} THEN {len(AGE_BAND_LABELS)} {whens} ELSE {len(AGE_BAND_EDGES) - 2} END"
    genders = set(source.query(f"SELECT DISTINCT gender::VARCHAR AS g FROM {RFM_TABLE}")["g"].astype(str))
    order = [g for g in GENDER_ORDER if g in genders] + sorted(genders - set(GENDER_ORDER))
    bands = [*AGE_BAND_LABELS, UNKNOWN_AGE]
    shares: dict[str, list[np.ndarray]] = {"gender": [], "age_band": []}
    for where in groups:
        found = source.query(
            f"SELECT gender::VARCHAR AS g, {band} AS b, count(*) AS n FROM {RFM_TABLE} WHERE {where.sql} GROUP BY ALL",
            where.params,
        )
        found["g"] = found["g"].astype(str)  # a missing gender reads 'nan', as astype(str) writes it in pandas
        for key, column, labels in (("gender", "g", order), ("age_band", "b", list(range(len(bands))))):
            counts = found.groupby(column)["n"].sum().reindex(labels, fill_value=0).to_numpy(dtype="float64")
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
    pa, pb = group_predicate(source, filters, a, rules), group_predicate(source, filters, b, rules)
    na, nb = _group_numbers(source, pa), _group_numbers(source, pb)
    total = source.rows

    def kpis(numbers: pd.Series, label: str) -> GroupKpis:
        n = int(numbers["customers"])
        values = [_value(numbers, k) if n else float("nan") for k in ("kpi_balance", "kpi_total_amount")]
        values += [_value(numbers, k) if n else float("nan") for k in ("kpi_n_transactions", "repeat")]
        return GroupKpis(label, n, n / total if total else float("nan"), *values)

    ka, kb = kpis(na, a), kpis(nb, b)
    features = _features(na, nb)
    demographics = _mix(source, (pa, pb))
    both = pa & pb
    shared = int(source.scalar(f"SELECT count(*) FROM {RFM_TABLE} WHERE {both.sql}", both.params))
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
    heads = [
        source.query(
            f"SELECT count(*) FILTER (WHERE NOT ({plottable})) AS hidden, min({feature}) FILTER (WHERE {plottable}) "
            f"AS lo, max({feature}) FILTER (WHERE {plottable}) AS hi FROM {RFM_TABLE} WHERE {g.sql}",
            g.params,
        ).iloc[0]
        for g in groups
    ]
    hidden = sum(int(h["hidden"]) for h in heads)
    los, his = [h["lo"] for h in heads if pd.notna(h["lo"])], [h["hi"] for h in heads if pd.notna(h["hi"])]
    if not los:
        return SegmentHistogram(np.zeros((2, 0), dtype="int64"), np.zeros(0), [a, b], 0)
    edges = histogram_edges(float(min(los)), float(max(his)), bins, log, feature_kind(feature))
    estimate, exact = bin_index(edges, log)
    counts = np.zeros((2, len(edges) - 1), dtype="int64")
    for i, g in enumerate(groups):
        found = source.query(
            f"""SELECT {exact} AS bin, count(*) AS n FROM (SELECT x, {estimate} AS b FROM (
                SELECT {feature}::DOUBLE AS x FROM {RFM_TABLE} WHERE ({g.sql}) AND {plottable})) GROUP BY bin""",
            g.params,
        )
        np.add.at(counts[i], found["bin"].to_numpy(dtype="int64"), found["n"].to_numpy(dtype="int64"))
    return SegmentHistogram(counts, edges, [a, b], hidden)
