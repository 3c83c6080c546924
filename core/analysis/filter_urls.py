"""Filters as URL query parameters, so a view can be bookmarked or sent to a colleague.

Lists are comma-separated (a ',' or '%' inside a value percent-escaped), ranges `from..to`, dates ISO. Reading
back never raises: unknown, malformed or out-of-range values are left out, and read_filters_query names each
of them so the page can say so. A saved audience travels by name (`audience=...`); the app looks its rule up in
the dataset's audience store.
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
    if filters.include_unknown_age is not None and filters.include_unknown_age != (filters.age_range is None):
        query["age_unknown"] = "include" if filters.include_unknown_age else "exclude"
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


GENDER_ALIASES = {"m": "M", "male": "M", "man": "M", "f": "F", "female": "F", "woman": "F"}


def _match(
    values: tuple[str, ...], allowed: tuple[str, ...], what: str, aliases: Mapping[str, str] | None = None
) -> tuple[tuple[str, ...], list[str]]:
    """Values matched to the allowed ones: exactly, else ignoring letter case when only one option fits.

    Returns the matches and a note for what could not be used ('Location 'XYZ' is not in this data').
    """
    exact = set(allowed)
    folded: dict[str, list[str]] = {}
    for option in allowed:
        folded.setdefault(option.casefold(), []).append(option)
    kept, unknown, ambiguous = [], [], []
    for value in values:
        text = value.strip()
        alias = (aliases or {}).get(text.casefold())
        candidates = [text] if text in exact else [alias] if alias in exact else folded.get(text.casefold(), [])
        if len(candidates) == 1:
            kept.append(candidates[0])
        elif candidates:
            ambiguous.append(f"'{text}' (could be {' or '.join(candidates)})")
        else:
            unknown.append(f"'{text}'")
    notes = []
    for problem, verb in ((unknown, "not in this data"), (ambiguous, "ambiguous")):
        if problem:
            more = f" and {len(problem) - 5} more" if len(problem) > 5 else ""
            notes.append(f"{what} {', '.join(problem[:5])}{more} {'is' if len(problem) == 1 else 'are'} {verb}")
    return tuple(dict.fromkeys(kept)), notes


def _read_range(raw, convert, what: str, example: str, lo: object, hi: object) -> tuple[tuple | None, list[str]]:
    """A range 'a..b' from the link, or None and a note saying why it can't be used."""
    text = _last(raw)
    if text is None or not text.strip():
        return None, []
    pair = _parse_range(text, convert)
    if pair is None:
        return None, [f"{what} '{text}' is not a range like {example}"]
    if lo is not None and hi is not None and (pair[1] < lo or pair[0] > hi):
        return None, [f"{what} '{text}' is outside this data ({lo}..{hi})"]
    return pair, []


def _whole(text: str) -> int:
    """A whole number of years from the link ('25' or '25.0')."""
    return int(round(float(text)))


def read_filters_query(params: Mapping[str, str | list[str]], options: FilterOptions) -> tuple[Filters, list[str]]:
    """Filters from URL query parameters, and a note for every value that could not be used (none when all fit).

    Segments, RFM segments, genders (also 'female', 'male') and locations match ignoring letter case when only
    one option fits; ranges must read 'from..to' and overlap the data. The audience is not read here
    (audience_from_query: the app looks its rule up).
    """
    raw = {key: params[key] for key in QUERY_KEYS if key in params}
    notes: list[str] = []
    matched = {}
    for key, allowed, what, aliases in (
        ("segment", options.segments, "Segment", None),
        ("rfm", options.rfm_segments, "RFM segment", None),
        ("gender", options.genders, "Gender", GENDER_ALIASES),
        ("location", options.locations, "Location", None),
    ):
        matched[key], more = _match(_decode_list(raw.get(key, [])), allowed, what, aliases)
        notes += more
    age, more = _read_range(raw.get("age"), _whole, "Age", "25..40", options.age_min, options.age_max)
    notes += more
    balance, more = _read_range(
        raw.get("balance"), float, "Balance", "10000..500000", options.balance_min, options.balance_max
    )
    notes += more
    dates, more = _read_range(
        raw.get("dates"), date.fromisoformat, "Dates", "2016-08-01..2016-08-31", options.date_min, options.date_max
    )
    notes += more
    unknown_age = _last(raw.get("age_unknown"))
    choice = (unknown_age or "").strip().casefold()
    if choice not in ("", "include", "exclude"):
        notes.append(f"age_unknown '{unknown_age}' should be 'include' or 'exclude'")
    filters = Filters(
        segments=matched["segment"],
        genders=matched["gender"],
        locations=matched["location"],
        age_range=age,
        include_unknown_age=None if choice not in ("include", "exclude") else choice == "include",
        balance_range=balance,
        date_range=dates,
        rfm_segments=matched["rfm"],
    )
    return normalise_filters(filters, options), notes


def filters_from_query(params: Mapping[str, str | list[str]], options: FilterOptions) -> Filters:
    """Filters read back from URL query parameters; values that can't be used are left out (see read_filters_query)."""
    return read_filters_query(params, options)[0]


def audience_from_query(params: Mapping[str, str | list[str]]) -> str | None:
    """The saved audience named in the URL (its name only), or None."""
    name = _last(params.get("audience"))
    return name.strip() or None if name else None
