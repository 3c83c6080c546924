"""Filters as URL query parameters, so a view can be bookmarked or sent to a colleague.

Lists are comma-separated (a ',' or '%' inside a value percent-escaped), ranges `from..to`, dates ISO. Reading
back never raises: unknown, malformed or out-of-range values are ignored. A saved audience travels by name
(`audience=...`); the app looks its rule up in the dataset's audience store.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date
from urllib.parse import unquote

from core.analysis.filters import FilterOptions, Filters, normalise_filters

QUERY_KEYS = ("segment", "rfm", "gender", "age", "age_unknown", "balance", "location", "dates", "audience")
RANGE_SEPARATOR = ".."  # "25..40": unambiguous with negative numbers, decimals and ISO dates


def _encode_list(values: tuple[str, ...]) -> str:
    """Comma-separated, with '%' and ',' inside a value percent-escaped (so 'DELHI, NCR' survives)."""
    return ",".join(v.replace("%", "%25").replace(",", "%2C") for v in values)


def _decode_list(raw: str | list[str]) -> tuple[str, ...]:
    """The inverse of _encode_list; a list (repeated URL keys) is decoded element by element."""
    parts = raw if isinstance(raw, list) else [raw]
    return tuple(unquote(item) for part in parts for item in str(part).split(",") if item != "")


def _number(value: float) -> str:
    """A number in its shortest exact text form ('1000', not '1000.0')."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def filters_to_query(filters: Filters) -> dict[str, str]:
    """The filters as URL query parameters (only the active ones), e.g. {'segment': 'High', 'age': '25..40'}."""
    query: dict[str, str] = {}
    for key, values in (("segment", filters.segments), ("gender", filters.genders), ("location", filters.locations)):
        if values:
            query[key] = _encode_list(values)
    if filters.age_range:
        query["age"] = RANGE_SEPARATOR.join(str(v) for v in filters.age_range)
    if not filters.include_unknown_age:
        query["age_unknown"] = "exclude"
    if filters.balance_range:
        query["balance"] = RANGE_SEPARATOR.join(_number(v) for v in filters.balance_range)
    if filters.date_range:
        query["dates"] = RANGE_SEPARATOR.join(d.isoformat() for d in filters.date_range)
    if filters.rfm_segments:
        query["rfm"] = _encode_list(filters.rfm_segments)
    if filters.audience:
        query["audience"] = filters.audience[0]
    return query


def _last(raw: str | list[str] | None) -> str | None:
    """A single query value (the last one when a key is repeated)."""
    if isinstance(raw, list):
        return str(raw[-1]) if raw else None
    return None if raw is None else str(raw)


def _parse_range(raw: str | list[str] | None, convert) -> tuple | None:
    """'a..b' parsed with `convert`; None when missing or malformed (never raises)."""
    text = _last(raw)
    if not text or RANGE_SEPARATOR not in text:
        return None
    try:
        lo, hi = (convert(part.strip()) for part in text.split(RANGE_SEPARATOR, 1))
    except (TypeError, ValueError, OverflowError):
        return None
    if any(isinstance(v, float) and not math.isfinite(v) for v in (lo, hi)):
        return None
    return (lo, hi) if lo <= hi else (hi, lo)


def filters_from_query(params: Mapping[str, str | list[str]], options: FilterOptions) -> Filters:
    """Filters read back from URL query parameters; unknown, malformed or out-of-range values are ignored."""
    raw = {key: params[key] for key in QUERY_KEYS if key in params}
    filters = Filters(
        segments=_decode_list(raw.get("segment", [])),
        genders=_decode_list(raw.get("gender", [])),
        locations=_decode_list(raw.get("location", [])),
        age_range=_parse_range(raw.get("age"), lambda s: int(round(float(s)))),
        include_unknown_age=_last(raw.get("age_unknown")) != "exclude",
        balance_range=_parse_range(raw.get("balance"), float),
        date_range=_parse_range(raw.get("dates"), date.fromisoformat),
        rfm_segments=_decode_list(raw.get("rfm", [])),
    )
    return normalise_filters(filters, options)


def audience_from_query(params: Mapping[str, str | list[str]]) -> str | None:
    """The saved audience named in the URL (its name only), or None."""
    name = _last(params.get("audience"))
    return name.strip() or None if name else None
