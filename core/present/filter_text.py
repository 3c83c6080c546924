"""Filters in words: the sentence under the sidebar, and the short slug in download file names."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from datetime import date

from core.analysis.filters import Filters
from core.present.formats import format_inr_short, gender_word

SLUG_MAX_LENGTH = 80


def _either(values: Iterable[str], limit: int = 3, noun: str = "others") -> str:
    """'A', 'A or B', 'A, B or C', 'A, B, C and 4 other locations'."""
    values = list(values)
    if len(values) > limit:
        return f"{', '.join(values[:limit])} and {len(values) - limit} {noun}"
    return values[0] if len(values) == 1 else f"{', '.join(values[:-1])} or {values[-1]}"


def _day(d: date) -> str:
    """'1 Aug 2016'."""
    return f"{d.day} {d:%b %Y}"


def describe_filters(filters: Filters) -> str:
    """A sentence saying which customers are shown, e.g. 'Customers in segment High, who are female, aged 25–40.'"""
    if not filters.is_active:
        return "All customers."
    clauses = []
    if filters.segments:
        clauses.append(f"in segment{'s' if len(filters.segments) > 1 else ''} {_either(filters.segments, 8)}")
    if filters.genders:
        clauses.append(f"who are {_either(gender_word(g) for g in filters.genders)}")
    if filters.age_range:
        lo, hi = filters.age_range
        unknown = " (or of unknown age)" if filters.unknown_age_included else " (known ages only)"
        clauses.append(f"aged {lo}–{hi}{unknown}")
    elif not filters.unknown_age_included:
        clauses.append("of known age")
    if filters.balance_range:
        lo, hi = filters.balance_range
        clauses.append(f"with an account balance of {format_inr_short(lo)}–{format_inr_short(hi)}")
    if filters.locations:
        clauses.append(f"in {_either(filters.locations, 3, 'other locations')}")
    if filters.date_range:
        lo, hi = filters.date_range
        when = f"on {_day(lo)}" if lo == hi else f"between {_day(lo)} and {_day(hi)}"
        clauses.append(f"with a transaction {when}")
    if filters.rfm_segments:
        clauses.append(f"in RFM segment{'s' if len(filters.rfm_segments) > 1 else ''} {_either(filters.rfm_segments)}")
    if filters.audience:
        clauses.append(f"in the audience '{filters.audience[0]}'")
    return "Customers " + ", ".join(clauses) + "."


def safe_slug(text: str) -> str:
    """Text reduced to filename-safe characters [A-Za-z0-9.-] (other runs become '-')."""
    return re.sub(r"[^A-Za-z0-9.]+", "-", str(text)).strip("-.") or "x"


def filters_slug(filters: Filters, max_length: int = SLUG_MAX_LENGTH) -> str:
    """A short filename-safe summary, e.g. 'segment-High_gender-F_age-25-40'; 'all' when nothing is filtered."""
    parts = []
    if filters.segments:
        parts.append("segment-" + "-".join(map(safe_slug, filters.segments)))
    if filters.genders:
        parts.append("gender-" + "-".join(map(safe_slug, filters.genders)))
    if filters.age_range:
        lo, hi = filters.age_range
        parts.append(f"age-{lo}-{hi}" + ("-with-unknown" if filters.unknown_age_included else ""))
    elif not filters.unknown_age_included:
        parts.append("age-known")
    if filters.balance_range:
        parts.append("balance-" + "-".join(str(int(round(v))) for v in filters.balance_range))
    if filters.locations:
        many = len(filters.locations) > 2
        parts.append(f"loc-{len(filters.locations)}" if many else "loc-" + "-".join(map(safe_slug, filters.locations)))
    if filters.date_range:
        parts.append("dates-" + "-".join(f"{d:%Y%m%d}" for d in filters.date_range))
    if filters.rfm_segments:
        parts.append("rfm-" + "-".join(map(safe_slug, filters.rfm_segments)))
    if filters.audience:
        parts.append("audience-" + safe_slug(filters.audience[0]))
    slug = "_".join(parts) or "all"
    if len(slug) > max_length:
        # Cut, but keep a short hash of the full slug so two long selections never share a file name.
        digest = hashlib.sha1(slug.encode()).hexdigest()[:8]
        slug = slug[: max_length - 9].rstrip("-_.") + "-" + digest
    return slug
