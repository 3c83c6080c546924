"""Compare any two groups of customers side by side: sizes, KPIs, effect sizes per feature, demographic mix, words.

Groups are boolean masks over the whole customer table, so a group can be a segment, an RFM segment, a saved
audience, the current selection or everyone else. Effect sizes:

- standardised mean difference (SMD) = (mean A - mean B) / sqrt((var A + var B) / 2), the average-variance form
  used to compare groups of different sizes; money is compared on a signed log scale (sign(x) * log(1 + |x|)),
  because a handful of millionaires would otherwise decide the mean and the variance. |SMD| below 0.2 reads as
  negligible, 0.2-0.5 small, 0.5-0.8 medium, 0.8 and more large (Cohen's conventions);
- ratio of medians = median A / median B on the raw values, shown only when both medians are above zero.

Missing values (unknown age) are left out of each feature's numbers; the counts used are in the table.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.analysis.audience_rules import rule_mask
from core.analysis.explore import age_bands
from core.pipeline.features import FEATURES, NUMERIC_FEATURES, feature_label
from core.present.formats import format_count, format_inr_short, format_ratio, format_share, format_value

EFFECT_WORDS = ((0.2, "negligible"), (0.5, "small"), (0.8, "medium"), (float("inf"), "large"))
MAX_SENTENCES = 4  # feature sentences, biggest effects first
GENDER_POINTS = 0.10  # a gender share 10 points apart is worth a sentence
GROUP_COLUMN = "segment"  # the column compare_frame labels the groups in (so segment charts can draw them)


@dataclass(frozen=True)
class GroupKpis:
    """Headline numbers of one group."""

    label: str
    customers: int
    share_of_base: float
    median_balance: float
    median_total: float
    median_transactions: float
    repeat_share: float


def _signed_log(values: np.ndarray) -> np.ndarray:
    """sign(x) * log(1 + |x|): a log scale that keeps zero and overdrafts."""
    return np.sign(values) * np.log1p(np.abs(values))


def effect_word(smd: float) -> str:
    """'negligible', 'small', 'medium' or 'large' for an SMD (by its absolute value)."""
    size = abs(smd)
    return next(word for limit, word in EFFECT_WORDS if size < limit)


def _median(values: np.ndarray) -> float:
    return float(np.median(values)) if len(values) else float("nan")


def standardised_difference(a: np.ndarray, b: np.ndarray) -> float:
    """(mean a - mean b) / sqrt((var a + var b) / 2); NaN with fewer than two values a side or no spread at all."""
    if len(a) < 2 or len(b) < 2:
        return float("nan")
    spread = np.sqrt((np.var(a, ddof=1) + np.var(b, ddof=1)) / 2)
    diff = float(np.mean(a) - np.mean(b))
    if spread == 0:
        return 0.0 if diff == 0 else float("nan")
    return diff / float(spread)


def compare_features(
    customers: pd.DataFrame, a: np.ndarray, b: np.ndarray, features: Sequence[str] = NUMERIC_FEATURES
) -> pd.DataFrame:
    """One row per numeric feature, biggest |SMD| first: counts, means, medians, SMD, effect and ratio of medians."""
    rows = []
    for name in features:
        if name not in customers:
            continue
        values = customers[name].to_numpy(dtype="float64", na_value=np.nan)
        va, vb = values[a], values[b]
        va, vb = va[np.isfinite(va)], vb[np.isfinite(vb)]
        money = FEATURES[name].kind == "money"
        smd = standardised_difference(_signed_log(va), _signed_log(vb)) if money else standardised_difference(va, vb)
        med_a, med_b = _median(va), _median(vb)
        ratio = med_a / med_b if med_a > 0 and med_b > 0 else float("nan")
        rows.append(
            {
                "feature": name,
                "label": feature_label(name),
                "n_a": len(va),
                "n_b": len(vb),
                "mean_a": float(np.mean(va)) if len(va) else float("nan"),
                "mean_b": float(np.mean(vb)) if len(vb) else float("nan"),
                "median_a": med_a,
                "median_b": med_b,
                "smd": smd,
                "effect": "" if np.isnan(smd) else effect_word(smd),
                "median_ratio": ratio,
            }
        )
    table = pd.DataFrame(rows)
    if table.empty:
        return table
    order = np.argsort(-np.nan_to_num(np.abs(table["smd"].to_numpy()), nan=-1.0), kind="stable")
    return table.iloc[order].reset_index(drop=True)


def group_kpis(customers: pd.DataFrame, mask: np.ndarray, label: str) -> GroupKpis:
    """Size, share of all customers, median balance, spend and transactions, and the share of repeat customers."""
    group = customers[mask]
    n = len(group)

    def med(column: str) -> float:
        return float(group[column].median()) if n and column in group else float("nan")

    repeat = float((group["n_transactions"] > 1).mean()) if n else float("nan")
    return GroupKpis(
        label,
        n,
        n / len(customers) if len(customers) else float("nan"),
        med("balance"),
        med("total_amount"),
        med("n_transactions"),
        repeat,
    )


def _shares(values: pd.Series | pd.Categorical, mask: np.ndarray, order: Sequence[str]) -> np.ndarray:
    picked = pd.Series(np.asarray(values, dtype=object)[mask]).astype(str)
    counts = picked.value_counts().reindex(list(order), fill_value=0).to_numpy(dtype="float64")
    return counts / counts.sum() if counts.sum() else counts


def demographic_comparison(customers: pd.DataFrame, a: np.ndarray, b: np.ndarray) -> dict[str, pd.DataFrame]:
    """Gender and age-band shares of each group and their difference in points: {'gender': ..., 'age_band': ...}."""
    out = {}
    gender = customers["gender"].astype(str)
    genders = [g for g in ("M", "F", "other", "unknown") if (gender == g).any()]
    genders += sorted(set(gender.unique()) - set(genders))
    bands = age_bands(customers["age"])
    for key, values, order in (("gender", gender, genders), ("age_band", bands, list(map(str, bands.categories)))):
        sa, sb = _shares(values, a, order), _shares(values, b, order)
        out[key] = pd.DataFrame({key: order, "share_a": sa, "share_b": sb, "difference": sa - sb})
    return out


def compare_frame(customers: pd.DataFrame, a: np.ndarray, b: np.ndarray, labels: tuple[str, str]) -> pd.DataFrame:
    """The two groups stacked, labelled in an ordered `segment` column (a customer in both appears twice)."""
    both = pd.concat([customers[a], customers[b]], ignore_index=True)
    codes = np.r_[np.zeros(int(a.sum()), dtype="int8"), np.ones(int(b.sum()), dtype="int8")]
    return both.assign(**{GROUP_COLUMN: pd.Categorical.from_codes(codes, categories=list(labels), ordered=True)})


def _value(name: str, value: float) -> str:
    """A feature value in the app's words (formats.format_value); a median count between two whole numbers
    keeps its half ('1.5'), which rounding would turn into a count no customer has."""
    if FEATURES[name].kind == "count" and np.isfinite(value) and not float(value).is_integer():
        return f"{value:,.1f}"
    return format_value(name, value)


def _size_sentence(ka: GroupKpis, kb: GroupKpis, shared: int) -> str:
    ratio = ka.customers / kb.customers
    size = (
        f"{format_ratio(ratio)} as many as"
        if ratio >= 1.05
        else ("about as many as" if ratio > 0.95 else f"{format_ratio(1 / ratio)} fewer than")
    )
    text = (
        f"{ka.label} has {format_count(ka.customers)} customers ({format_share(ka.share_of_base, 1)} of all), "
        f"{size} {kb.label} ({format_count(kb.customers)})."
    )
    if shared:
        text += f" {format_count(shared)} customers are in both groups."
    return text


def _feature_sentence(row: Mapping, label_a: str, label_b: str) -> str:
    name = row["feature"]
    label = FEATURES[name].label
    ratio = row["median_ratio"]
    times = f", {format_ratio(ratio)} {label_b}'s" if np.isfinite(ratio) and abs(ratio - 1) >= 0.1 else ""
    return (
        f"{label}: the median of {label_a} is {_value(name, row['median_a'])}{times} "
        f"({_value(name, row['median_b'])}), a {row['effect']} difference (SMD {row['smd']:+.2f})."
    )


def compare_sentences(
    ka: GroupKpis, kb: GroupKpis, features: pd.DataFrame, demographics: Mapping[str, pd.DataFrame], shared: int = 0
) -> list[str]:
    """Plain-English findings computed from the numbers: sizes, the biggest differences, the gender mix."""
    if not ka.customers or not kb.customers:
        return ["One of the groups has no customers: pick another group or widen the filters."]
    sentences = [_size_sentence(ka, kb, shared)]
    clear = features[features["smd"].abs() >= EFFECT_WORDS[0][0]] if not features.empty else features
    for row in clear.head(MAX_SENTENCES).to_dict("records"):
        sentences.append(_feature_sentence(row, ka.label, kb.label))
    if clear.empty:
        sentences.append("No feature differs by more than a negligible amount (every |SMD| is below 0.2).")
    gender = demographics["gender"]
    if len(gender):
        top = gender.iloc[int(np.argmax(np.abs(gender["difference"].to_numpy()).round(9)))]  # ties: first
        if abs(top["difference"]) >= GENDER_POINTS:
            word = {"M": "male", "F": "female"}.get(top["gender"], f"gender '{top['gender']}'")
            sentences.append(
                f"{ka.label} is {format_share(top['share_a'])} {word}, {kb.label} {format_share(top['share_b'])}."
            )
    return sentences


def kpi_table(ka: GroupKpis, kb: GroupKpis) -> pd.DataFrame:
    """The two groups' KPIs as a small table (rows: measure; columns: the two group labels)."""
    rows = [
        ("Customers", ka.customers, kb.customers),
        ("Share of all customers", ka.share_of_base, kb.share_of_base),
        ("Median account balance (INR)", ka.median_balance, kb.median_balance),
        ("Median total spend (INR)", ka.median_total, kb.median_total),
        ("Median transactions", ka.median_transactions, kb.median_transactions),
        ("Repeat customers", ka.repeat_share, kb.repeat_share),
    ]
    columns = [ka.label, kb.label] if ka.label != kb.label else [f"{ka.label} (A)", f"{kb.label} (B)"]
    return pd.DataFrame([r[1:] for r in rows], index=pd.Index([r[0] for r in rows], name="Measure"), columns=columns)


SELECTION = "The current selection"
REST = "Everyone else (not in the selection)"
SEGMENT_PREFIX = "Segment "
RFM_PREFIX = "RFM: "
AUDIENCE_PREFIX = "Audience: "


def group_labels(customers: pd.DataFrame, audiences: Mapping[str, str] | None = None) -> list[str]:
    """The groups a page can offer: the selection, everyone else, each budget and RFM segment, saved audiences."""
    labels = [SELECTION, REST]
    segment = customers.get("segment")
    if segment is not None:
        names = segment.cat.categories if isinstance(segment.dtype, pd.CategoricalDtype) else sorted(segment.unique())
        labels += [f"{SEGMENT_PREFIX}{s}" for s in map(str, names)]
    rfm = customers.get("rfm_segment")
    if rfm is not None:
        present = set(map(str, rfm.dropna().unique()))
        names = rfm.cat.categories if isinstance(rfm.dtype, pd.CategoricalDtype) else sorted(present)
        labels += [f"{RFM_PREFIX}{s}" for s in map(str, names) if s in present]
    return labels + [f"{AUDIENCE_PREFIX}{name}" for name in (audiences or {})]


def group_mask(
    customers: pd.DataFrame, view: pd.DataFrame, label: str, audiences: Mapping[str, str] | None = None
) -> np.ndarray:
    """One group as a mask over `customers`; segments and audiences (name -> rule) are taken within `view`."""
    in_view = customers.index.isin(view.index)
    if label == SELECTION:
        return in_view
    if label == REST:
        return ~in_view
    if label not in group_labels(customers, audiences):
        raise ValueError(f"unknown group {label!r}; choose one of {', '.join(group_labels(customers, audiences))}")
    if label.startswith(AUDIENCE_PREFIX):
        return in_view & rule_mask(audiences[label[len(AUDIENCE_PREFIX) :]], customers)[0]
    for prefix, column in ((SEGMENT_PREFIX, "segment"), (RFM_PREFIX, "rfm_segment")):
        if label.startswith(prefix) and column in customers:
            return in_view & customers[column].eq(label[len(prefix) :]).to_numpy(dtype=bool, na_value=False)
    raise ValueError(f"unknown group {label!r}; choose one of {', '.join(group_labels(customers))}")


@dataclass(frozen=True)
class Comparison:
    """Everything the Compare page shows about two groups."""

    a: GroupKpis
    b: GroupKpis
    shared: int  # customers in both groups
    kpis: pd.DataFrame
    features: pd.DataFrame
    demographics: dict[str, pd.DataFrame]
    sentences: list[str]


def compare_groups(
    view: pd.DataFrame, customers: pd.DataFrame, a: str, b: str, audiences: tuple[tuple[str, str], ...] = ()
) -> Comparison:
    """Compare group `a` with group `b` (labels from group_labels; `audiences` as (name, rule) pairs)."""
    rules = dict(audiences)
    mask_a, mask_b = group_mask(customers, view, a, rules), group_mask(customers, view, b, rules)
    ka, kb = group_kpis(customers, mask_a, a), group_kpis(customers, mask_b, b)
    features = compare_features(customers, mask_a, mask_b)
    demographics = demographic_comparison(customers, mask_a, mask_b)
    shared = int((mask_a & mask_b).sum())
    sentences = compare_sentences(ka, kb, features, demographics, shared)
    return Comparison(ka, kb, shared, kpi_table(ka, kb), features, demographics, sentences)


def effect_table(features: pd.DataFrame, labels: tuple[str, str]) -> pd.DataFrame:
    """The effect sizes as a readable table for the page and downloads (biggest |SMD| first)."""
    a, b = labels if labels[0] != labels[1] else (f"{labels[0]} (A)", f"{labels[1]} (B)")
    return pd.DataFrame(
        {
            "Feature": features["label"],
            f"Median, {a}": features["median_a"],
            f"Median, {b}": features["median_b"],
            "Ratio of medians": features["median_ratio"],
            "Standardised mean difference": features["smd"].round(3),
            "Difference": features["effect"],
            f"Customers with a value, {a}": features["n_a"],
            f"Customers with a value, {b}": features["n_b"],
        }
    )


def effect_display(features: pd.DataFrame, labels: tuple[str, str]) -> pd.DataFrame:
    """effect_table as the page shows it: each median in its feature's format (rupees, days, hours), the ratio
    as '21×' like the sentences above it, the counts with separators; downloads keep effect_table's numbers."""
    table = effect_table(features, labels)
    median_columns = [c for c in table.columns if c.startswith("Median, ")]
    for column in median_columns:
        table[column] = [_value(n, v) for n, v in zip(features["feature"], table[column], strict=True)]
    table["Ratio of medians"] = [format_ratio(v) if np.isfinite(v) else "–" for v in table["Ratio of medians"]]
    for column in [c for c in table.columns if c.startswith("Customers with a value")]:
        table[column] = table[column].map(format_count)
    return table


def kpi_display(kpis: pd.DataFrame) -> pd.DataFrame:
    """The KPI table as text in the app's formats (counts, shares, rupees), one format per row."""
    formats = {
        "Customers": format_count,
        "Share of all customers": lambda v: format_share(v, 1),
        "Median account balance (INR)": format_inr_short,
        "Median total spend (INR)": format_inr_short,
        "Median transactions": lambda v: _value("n_transactions", v),
        "Repeat customers": lambda v: format_share(v, 1),
    }
    return pd.DataFrame({c: [formats[m](v) for m, v in kpis[c].items()] for c in kpis}, index=kpis.index)


def default_groups(labels: Sequence[str], filtered: bool) -> tuple[str, str]:
    """Selection vs everyone else when filters are set; else the highest vs the lowest budget segment."""
    segments = [s for s in labels if s.startswith(SEGMENT_PREFIX)]
    if filtered or len(segments) < 2:
        return SELECTION, REST
    return segments[-1], segments[0]
