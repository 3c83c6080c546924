"""Which column is which: header names normalised, known synonyms, a suggested mapping for unknown headers,
a chosen mapping applied, and the messages that name missing or unexpected columns.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence

import pandas as pd

from core.config import RAW_COLUMNS, REQUIRED_COLUMNS
from core.errors import DataError

# Known alternative names of each canonical column, already normalised (lower case, letters and digits only).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "TransactionID": ("transactionid", "txnid", "transid", "tranid", "txid", "transactionno", "transactionnumber"),
    "CustomerID": ("customerid", "custid", "customer", "customerno", "customernumber", "clientid", "client"),
    "CustomerDOB": ("customerdob", "custdob", "dob", "dateofbirth", "birthdate", "birthday", "birth", "born"),
    "CustGender": ("custgender", "customergender", "gender", "sex"),
    "CustLocation": ("custlocation", "customerlocation", "location", "city", "town", "place", "custcity"),
    "CustAccountBalance": (
        "custaccountbalance",
        "accountbalance",
        "balance",
        "custbalance",
        "acctbalance",
        "customerbalance",
        "bal",
    ),
    "TransactionDate": ("transactiondate", "txndate", "transdate", "trandate", "txdate", "date", "bookingdate"),
    "TransactionTime": ("transactiontime", "txntime", "transtime", "trantime", "txtime", "time"),
    "TransactionAmount (INR)": (
        "transactionamountinr",
        "transactionamount",
        "amount",
        "amountinr",
        "txnamount",
        "transamount",
        "amt",
        "spend",
        "value",
    ),
}


MIN_SIMILARITY = 0.6  # below this a name match is more often wrong than right


def normalise_header(column: object) -> str:
    """Lower case, letters and digits only: ' Customer_ID ' -> 'customerid'."""
    return re.sub(r"[^0-9a-z]+", "", str(column).casefold())


CANONICAL_KEYS: dict[str, str] = {normalise_header(c): c for c in RAW_COLUMNS}


CANONICAL_KEYS["transactionamount"] = "TransactionAmount (INR)"  # the unit is often left off


def canonical_name(column: object) -> str | None:
    """The canonical raw column a header means, tolerating case, spaces, punctuation and a missing unit."""
    return CANONICAL_KEYS.get(normalise_header(column))


def quote_values(values: Iterable[object], limit: int = 5, width: int = 40) -> str:
    """Values for a message: "'a', 'b', 'c' and 4 more", each cut to a readable width."""
    values = list(values)
    shown = []
    for value in values[:limit]:
        text = str(value).replace("\n", " ").replace("\r", " ")
        shown.append("'" + (text if len(text) <= width else text[: width - 3] + "...") + "'")
    more = f" and {len(values) - limit:,} more" if len(values) > limit else ""
    return (", ".join(shown) or "nothing") + more


def name_similarity(target: str, source: str) -> float:
    """How well a source header matches a canonical column (1.0 for a known name or synonym)."""
    key = normalise_header(source)
    if not key:
        return 0.0
    best = 0.0
    for synonym in SYNONYMS[target]:
        if key == synonym:
            return 1.0
        if len(synonym) >= 4 and synonym in key:  # 'customer_id_no' contains 'customerid'
            best = max(best, 0.85)
        best = max(best, difflib.SequenceMatcher(None, key, synonym).ratio())
    return best


def suggest_column_mapping(columns: Sequence[str]) -> dict[str, str | None]:
    """For each canonical raw column, the most similar source column (or None), never using a column twice."""
    pairs = [
        (name_similarity(target, source), -t, -s, target, source)
        for t, target in enumerate(RAW_COLUMNS)
        for s, source in enumerate(columns)
    ]
    mapping: dict[str, str | None] = dict.fromkeys(RAW_COLUMNS)
    used: set[str] = set()
    # Greedy on the best pairs first; ties go to the earlier target and the earlier source column.
    for score, _, _, target, source in sorted(pairs, reverse=True):
        if score < MIN_SIMILARITY:
            break
        if mapping[target] is None and source not in used:
            mapping[target] = source
            used.add(source)
    return mapping


def missing_columns_message(missing: Sequence[str], found: Sequence[str]) -> str:
    """ "column 'X' is missing; found: 'a', 'b'" (plural when several)."""
    if len(missing) == 1:
        head = f"column '{missing[0]}' is missing"
    else:
        head = f"columns {quote_values(missing, limit=len(missing))} are missing"
    return f"{head}; found: {quote_values(found, limit=20)}"


def apply_column_mapping(frame: pd.DataFrame, mapping: dict[str, str | None]) -> pd.DataFrame:
    """Keep the mapped columns under their canonical names; unmapped columns are listed in attrs['dropped_columns']."""
    unknown = [target for target in mapping if target not in RAW_COLUMNS]
    if unknown:
        raise DataError(
            f"{quote_values(unknown)} is not a column the dashboard uses; "
            f"choose among {quote_values(RAW_COLUMNS, limit=len(RAW_COLUMNS))}"
        )
    chosen = {target: source for target, source in mapping.items() if source is not None}
    found = [str(c) for c in frame.columns]
    for target, source in chosen.items():
        if source not in frame.columns:
            raise DataError(
                f"column '{source}' chosen for '{target}' is not in the file; found: {quote_values(found, limit=20)}"
            )
    check_used_once(chosen)
    missing = [c for c in REQUIRED_COLUMNS if c not in chosen]
    if missing:
        raise DataError(missing_columns_message(missing, found))
    targets = [c for c in RAW_COLUMNS if c in chosen]
    out = frame[[chosen[t] for t in targets]].copy()
    out.columns = targets
    out.attrs = {"dropped_columns": [c for c in found if c not in set(chosen.values())]}
    return out


def check_used_once(chosen: dict[str, str]) -> None:
    """Refuse a mapping that uses one source column for two canonical columns."""
    targets_by_source: dict[str, list[str]] = {}
    for target, source in chosen.items():
        targets_by_source.setdefault(source, []).append(target)
    for source, targets in targets_by_source.items():
        if len(targets) > 1:
            raise DataError(
                f"column '{source}' is chosen for both {quote_values(targets)}; "
                "each column of the file can be used for one purpose only"
            )


def match_columns(columns: Sequence[str]) -> dict[str, str | None]:
    """Map headers to canonical columns by name alone; raise DataError naming missing and unexpected columns."""
    mapping: dict[str, str | None] = dict.fromkeys(RAW_COLUMNS)
    unexpected = []
    for column in columns:
        target = canonical_name(column)
        if target is None:
            unexpected.append(column)
        elif mapping[target] is not None:
            raise DataError(
                f"columns '{mapping[target]}' and '{column}' both look like '{target}'; "
                "remove one of them or choose the columns by hand"
            )
        else:
            mapping[target] = column
    missing = [c for c in REQUIRED_COLUMNS if mapping[c] is None]
    if missing:
        raise DataError(missing_columns_message(missing, columns) + unexpected_hint(missing, unexpected, columns))
    return mapping


def unexpected_hint(missing: Sequence[str], unexpected: Sequence[str], columns: Sequence[str]) -> str:
    """The unrecognised columns, with a guess for each missing column when one is plausible."""
    if len(unexpected) == len(columns):
        hint = " (none of them is recognised)"
    else:
        hint = f"; not recognised: {quote_values(unexpected, limit=20)}" if unexpected else ""
    guesses = suggest_column_mapping(unexpected)
    proposals = [f"'{guesses[m]}' for '{m}'" for m in missing if guesses.get(m)]
    if proposals:
        hint += f"; perhaps {', '.join(proposals)}? Rename those columns or choose the columns by hand"
    else:
        hint += "; rename the columns or choose them by hand"
    return hint
