"""Plain-English insight sentences comparing segments, and a persona per segment, computed from the profile numbers.

Every number in a sentence comes from profile_segments (or the base profile) of the same customers.
"""

from __future__ import annotations

import pandas as pd

from core.analysis.profiles import profile_segments
from core.present.formats import format_count, format_inr_short, format_ratio, format_share, is_missing

WEALTHY_RATIO = 5.0  # a median balance 5x the typical customer's reads "Wealthy" rather than "Affluent"


SIMILAR_RATIO = 1.1  # segments closer than 10% are described as similar rather than "1.0× higher"


DAYPARTS = ((5, "morning"), (12, "afternoon"), (17, "evening"), (22, "night"))  # start hour of each part
# Personas and comparisons need this many customers (and known values, e.g. ages) before they generalise:
# a median of fewer is one or two people's numbers, not "typical" of anything.
MIN_DESCRIBED = 30


def _base_profile(customers: pd.DataFrame) -> pd.Series:
    """The few whole-base statistics personas compare with: median balance and transaction, mean frequency."""
    return pd.Series(
        {
            "median_balance": customers["balance"].median(),
            "median_mean_amount": customers["mean_amount"].median(),
            "mean_n_transactions": customers["n_transactions"].mean(),
        }
    )


def _extremes(profile: pd.DataFrame, column: str) -> tuple[pd.Series, pd.Series] | None:
    """The profile rows with the highest and lowest value of a column, or None if fewer than two are known."""
    known = profile[profile[column].notna()]
    if len(known) < 2:
        return None
    return known.loc[known[column].idxmax()], known.loc[known[column].idxmin()]


def _most(profile: pd.DataFrame, superlative: str, comparative: str) -> str:
    """'most' wording for three or more segments, 'more' wording for two."""
    return superlative if len(profile) > 2 else comparative


def _insight_size(p: pd.DataFrame) -> str | None:
    """Largest and smallest segment by customers."""
    top, low = p.loc[p["customers"].idxmax()], p.loc[p["customers"].idxmin()]
    if top["segment"] == low["segment"]:
        return None
    return (
        f"{top['segment']} is the largest segment with {format_count(top['customers'])} customers "
        f"({format_share(top['share'])}); {low['segment']} is the smallest with "
        f"{format_count(low['customers'])} ({format_share(low['share'])})."
    )


def _insight_money(p: pd.DataFrame, column: str, what: str) -> str | None:
    """'X's median <what> (₹a) is n× Y's (₹b).' for the highest and lowest segment (or that they are similar)."""
    pair = _extremes(p, column)
    if pair is None:
        return None
    hi, lo = pair
    if lo[column] <= 0:
        return (
            f"{hi['segment']}'s median {what} is {format_inr_short(hi[column])} against "
            f"{format_inr_short(lo[column])} for {lo['segment']}."
        )
    if hi[column] / lo[column] < SIMILAR_RATIO:
        low, high = format_inr_short(lo[column]), format_inr_short(hi[column])
        return f"The median {what} is similar across segments ({low}–{high})."
    return (
        f"{hi['segment']}'s median {what} ({format_inr_short(hi[column])}) is {format_ratio(hi[column] / lo[column])} "
        f"{lo['segment']}'s ({format_inr_short(lo[column])})."
    )


def _insight_frequency(p: pd.DataFrame) -> str | None:
    """Which segment transacts most often."""
    pair = _extremes(p, "mean_n_transactions")
    if pair is None or round(pair[0]["mean_n_transactions"], 2) == round(pair[1]["mean_n_transactions"], 2):
        return None
    hi, lo = pair
    return (
        f"{hi['segment']} transacts {_most(p, 'most', 'more')} often: {hi['mean_n_transactions']:.2f} "
        f"transactions per customer vs {lo['mean_n_transactions']:.2f} for {lo['segment']}."
    )


def _insight_age(p: pd.DataFrame) -> str | None:
    """Oldest vs youngest segment by median age (or that ages are similar)."""
    pair = _extremes(p, "median_age")
    if pair is None:
        return None
    hi, lo = pair
    if hi["median_age"] - lo["median_age"] < 2:
        span = (
            f"{lo['median_age']:.0f}–{hi['median_age']:.0f}"
            if hi["median_age"] - lo["median_age"] >= 1
            else (f"about {hi['median_age']:.0f}")
        )
        return f"Median age is similar across segments ({span} years)."
    return (
        f"{hi['segment']} customers are {_most(p, 'the oldest', 'older')}: median age {hi['median_age']:.0f} "
        f"vs {lo['median_age']:.0f} for {lo['segment']}."
    )


def _insight_gender(p: pd.DataFrame) -> str | None:
    """Where women are most and least represented (or that the mix is similar)."""
    pair = _extremes(p, "share_female")
    if pair is None:
        return None
    hi, lo = pair
    if hi["share_female"] - lo["share_female"] < 0.03:
        return f"The gender mix is similar across segments (about {format_share(p['share_female'].mean())} women)."
    return (
        f"Women are {_most(p, 'most', 'more')} represented in {hi['segment']} ({format_share(hi['share_female'])}) "
        f"and {_most(p, 'least', 'less')} in {lo['segment']} ({format_share(lo['share_female'])})."
    )


def _insight_recency(p: pd.DataFrame) -> str | None:
    """Which segment was active most recently."""
    pair = _extremes(p, "median_recency_days")
    if pair is None or pair[0]["median_recency_days"] - pair[1]["median_recency_days"] < 2:
        return None  # a day's difference is noise, not an insight
    stale, fresh = pair
    return (
        f"{fresh['segment']} was active {_most(p, 'most', 'more')} recently: median "
        f"{fresh['median_recency_days']:.0f} days since the last transaction vs "
        f"{stale['median_recency_days']:.0f} for {stale['segment']}."
    )


def _insight_single(row: pd.Series) -> str:
    """The one-segment case: describe it on its own."""
    return (
        f"Only {row['segment']} is in this selection: {format_count(row['customers'])} customers, median "
        f"transaction {format_inr_short(row['median_mean_amount'])}, median balance "
        f"{format_inr_short(row['median_balance'])}."
    )


def defining_insights(customers: pd.DataFrame | None = None, profile: pd.DataFrame | None = None) -> list[str]:
    """How the segments differ on the money they are cut on: true by construction, so not findings.

    Balance and average transaction define the segments (core.pipeline.segment), so "High's median
    transaction is 26× Low's" describes what the segments are, not something discovered about them.
    """
    profile = profile_segments(customers) if profile is None else profile
    if len(profile) < 2:
        return []
    candidates = (
        _insight_money(profile, "median_mean_amount", "transaction"),
        _insight_money(profile, "median_balance", "balance"),
    )
    return [c for c in candidates if c]


def segment_insights(customers: pd.DataFrame | None = None, profile: pd.DataFrame | None = None) -> list[str]:
    """Findings: how the segments differ beyond the money that defines them, each with its numbers.

    Size, frequency, recency, age and gender (empty list for no customers); the money differences are in
    defining_insights. Pass `profile` (profile_segments of the same customers) to skip recomputing.
    """
    profile = profile_segments(customers) if profile is None else profile
    if profile.empty:
        return []
    small = profile[profile["customers"] < MIN_DESCRIBED]
    notes = [
        f"{row['segment']} has only {format_count(row['customers'])} customer{'s' if row['customers'] != 1 else ''} "
        f"in this selection: too few (under {MIN_DESCRIBED}) to compare."
        for _, row in small.iterrows()
    ]
    profile = profile[profile["customers"] >= MIN_DESCRIBED].reset_index(drop=True)
    if profile.empty:
        return notes
    profile = profile.assign(median_age=profile["median_age"].where(_known_ages(profile) >= MIN_DESCRIBED))
    if len(profile) == 1:
        return [_insight_single(profile.iloc[0]), *notes]
    candidates = (
        _insight_size(profile),
        _insight_frequency(profile),
        _insight_recency(profile),
        _insight_age(profile),
        _insight_gender(profile),
    )
    return [c for c in candidates if c] + notes


def _known_ages(profile: pd.DataFrame) -> pd.Series:
    """Customers of known age per profile row."""
    return (profile["customers"] * (1 - profile["share_unknown_age"].fillna(0))).round()


def _level(ratio: float) -> str:
    """'high', 'low' or 'mid' for a ratio to the base (at least 1.5× away counts as different)."""
    if is_missing(ratio):
        return "mid"
    return "high" if ratio >= 1.5 else "low" if ratio <= 1 / 1.5 else "mid"


_HEADLINES = {  # (balance level, transaction-size level) -> persona name
    ("high", "high"): "Affluent big spenders",
    ("high", "mid"): "Comfortable savers",
    ("high", "low"): "Affluent savers",
    ("mid", "high"): "Big-ticket spenders",
    ("mid", "mid"): "Mainstream customers",
    ("mid", "low"): "Small-ticket spenders",
    ("low", "high"): "Stretch spenders",
    ("low", "mid"): "Everyday customers on modest balances",
    ("low", "low"): "Budget customers",
}


def _ratio(value: float, base: float) -> float:
    """value / base, NaN when either is missing or the base is not positive."""
    return value / base if not (is_missing(value) or is_missing(base)) and base > 0 else float("nan")


def _balance_phrase(ratio: float, median: float) -> str | None:
    """'median balance ₹102,000, 6.0× the typical customer's' (or 'close to', or 'n% of'): the amount first, so it
    cannot be read as the typical customer's balance."""
    if is_missing(ratio):
        return None
    if 1 / SIMILAR_RATIO < ratio < SIMILAR_RATIO:
        rel = "close to"
    else:
        rel = format_ratio(ratio) if ratio >= 1 else f"{format_share(ratio)} of"
    return f"median balance {format_inr_short(median)}, {rel} the typical customer's"


def _transaction_phrase(size_ratio: float, freq_ratio: float, median: float) -> str | None:
    """'large occasional transactions (median ₹2,300)'."""
    if is_missing(size_ratio):
        return None
    size = {"high": "large", "low": "small", "mid": "typical-size"}[_level(size_ratio)]
    freq = ""
    if not is_missing(freq_ratio) and abs(freq_ratio - 1) >= 0.1:  # within 10% of the base is just "transactions"
        freq = "frequent " if freq_ratio > 1 else "occasional "
    return f"{size} {freq}transactions (median {format_inr_short(median)})"


def part_of_day(hour: int) -> str:
    """'morning' (05-11), 'afternoon' (12-16), 'evening' (17-21) or 'night' (22-04) for an hour 0-23."""
    part = "night"
    for start, name in DAYPARTS:
        if hour >= start:
            part = name
    return part


def busiest_part_of_day(timing: pd.DataFrame) -> dict[str, tuple[str, float]]:
    """Per segment, the part of the day with most transactions and its share of them.

    `timing` is core.analysis.profiles.timing_by_segment's table (segment, hour, transactions, share). The mean
    hour would mislead: a segment can average to "afternoon" while most of its transactions are in the evening.
    """
    if timing.empty:
        return {}
    parts = timing.assign(part=[part_of_day(int(h)) for h in timing["hour"]])
    counts = parts.groupby(["segment", "part"], observed=True)["transactions"].sum()
    out = {}
    for segment, by_part in counts.groupby(level=0, observed=True):
        total = by_part.sum()
        if total > 0:
            top = by_part.droplevel(0).sort_values(ascending=False, kind="stable")
            out[str(segment)] = (str(top.index[0]), float(top.iloc[0] / total))
    return out


def _daypart(busiest: tuple[str, float] | None) -> str | None:
    """'most often in the evening (47% of transactions)' from busiest_part_of_day."""
    if busiest is None:
        return None
    part, share = busiest
    when = "at night" if part == "night" else f"in the {part}"
    return f"most often {when} ({format_share(share)} of transactions)"


def _gender_phrase(row: pd.Series) -> str | None:
    """'78% male' (whichever of male/female is larger)."""
    if is_missing(row["share_male"]) or is_missing(row["share_female"]):
        return None
    male = row["share_male"] >= row["share_female"]
    return f"{format_share(row['share_male'] if male else row['share_female'])} {'male' if male else 'female'}"


def _persona(row: pd.Series, base: pd.Series, busiest: tuple[str, float] | None = None) -> str:
    """One persona sentence for a profile row relative to the base profile (or why there is none)."""
    if row["customers"] < MIN_DESCRIBED:
        return (
            f"Too few to describe: {format_count(row['customers'])} customer{'s' if row['customers'] != 1 else ''} "
            f"match the filters, under the {MIN_DESCRIBED} a persona needs."
        )
    unknown_share = 0 if is_missing(row["share_unknown_age"]) else row["share_unknown_age"]
    known_ages = row["customers"] * (1 - unknown_share)
    bal = _ratio(row["median_balance"], base["median_balance"])
    size = _ratio(row["median_mean_amount"], base["median_mean_amount"])
    freq = _ratio(row["mean_n_transactions"], base["mean_n_transactions"])
    parts = [
        _balance_phrase(bal, row["median_balance"]),
        _transaction_phrase(size, freq, row["median_mean_amount"]),
        _daypart(busiest),
        _gender_phrase(row),
        None
        if is_missing(row["median_age"]) or known_ages < MIN_DESCRIBED
        else f"typically {row['median_age']:.0f} years old",
    ]
    headline = _HEADLINES[(_level(bal), _level(size))]
    if not is_missing(bal) and bal >= WEALTHY_RATIO:
        headline = headline.replace("Affluent", "Wealthy").replace("Comfortable", "Wealthy")
    return f"{headline}: " + ", ".join(p for p in parts if p) + "."


def describe_personas(
    customers: pd.DataFrame | None = None,
    base: pd.DataFrame | None = None,
    profile: pd.DataFrame | None = None,
    timing: pd.DataFrame | None = None,
    reference: pd.Series | None = None,
) -> dict[str, str]:
    """A short data-driven persona per segment present, relative to `base` (default: the same customers).

    Pass the whole customer base as `base` when `customers` is a filtered view, so "typical customer"
    keeps meaning the typical customer of the bank; pass `profile` to reuse profile_segments(customers), and
    `timing` (timing_by_segment of the same customers) to say when each segment transacts most often, and
    `reference` (the base's median balance and transaction and mean transactions, e.g. counted by the engine)
    instead of `base`.
    """
    profile = profile_segments(customers) if profile is None else profile
    if reference is None:
        reference = _base_profile(customers if base is None else base)
    busiest = busiest_part_of_day(timing) if timing is not None else {}
    return {
        str(row["segment"]): _persona(row, reference, busiest.get(str(row["segment"]))) for _, row in profile.iterrows()
    }
