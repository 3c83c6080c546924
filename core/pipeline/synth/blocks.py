"""Blocks of customers, the generator's unit of work: any size is made in bounded memory, same seed same data.

Block ``b`` holds the transactions ``start + 1 .. start + size`` of whole customers and draws from its own
random stream ``(seed, b)``, so blocks can be made in any order or in parallel. Customer IDs come from one
keyed permutation of the ID space, so they are unique across blocks (apart from the IDs two people share on
purpose, see ``model``). Missing cells and the one gender 'T' per million rows are spread over the blocks
so the totals are exactly the published proportions of the whole file.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from core.config import PLACEHOLDER_DOB_YEAR, PUBLIC_DATASET_ROWS, RAW_COLUMNS
from core.pipeline.synth.model import (
    SHARED_ID_PER_ROW,
    amount_cents,
    balance_cents,
    draw_birth_dates,
    draw_budget,
    draw_gender,
    draw_hours,
    draw_log_amount,
    draw_log_balance,
    make_guests_differ,
    pair_shared_ids,
    transactions_per_customer,
)
from core.pipeline.synth.places import draw_locations, location_dictionary
from core.pipeline.synth.text import dmy_text, int_text, money_text, prefixed

BLOCK_ROWS = 2_097_152  # transactions per block: the default file (1,048,567 rows) is one block
# Missing cells per PUBLIC_DATASET_ROWS rows in the real file; scaled proportionally for other row counts.
MISSING_PER_DEFAULT: dict[str, int] = {
    "CustomerDOB": 3_397,
    "CustGender": 1_100,
    "CustLocation": 151,
    "CustAccountBalance": 2_369,
}
PLACEHOLDER_DOB = f"1/1/{PLACEHOLDER_DOB_YEAR}"
ODD_GENDER_MIN_ROWS = 10_000  # the real file has one gender 'T'; files this big get one per ~1M rows
_SEVEN_DIGIT_IDS = (1_010_000, 8_090_000)  # the real IDs: C1010000 .. C9099999
_MIN_ID_SPACE_PER_ROW = 4  # longer IDs once the file would fill more than a quarter of the 7-digit space
# The 55 transaction dates of the public file: all of August, 22 September dates, 16 and 21 October 2016.
_DATES = np.concatenate(
    [
        np.arange(np.datetime64("2016-08-01"), np.datetime64("2016-09-01")),
        np.arange(np.datetime64("2016-09-02"), np.datetime64("2016-09-19")),
        np.array(
            ["2016-09-22", "2016-09-23", "2016-09-25", "2016-09-26", "2016-09-27", "2016-10-16", "2016-10-21"],
            dtype="datetime64[D]",
        ),
    ]
)


def plan_blocks(rows: int) -> list[tuple[int, int]]:
    """(first row offset, rows) of each block: equal blocks of at most BLOCK_ROWS."""
    count = -(-rows // BLOCK_ROWS)
    edges = [rows * b // count for b in range(count + 1)]
    return [(edges[b], edges[b + 1] - edges[b]) for b in range(count)]


def id_space(rows: int) -> tuple[int, int]:
    """(smallest ID number, how many) for a file of `rows`: 7 digits like the real file, more when needed."""
    if rows * _MIN_ID_SPACE_PER_ROW <= _SEVEN_DIGIT_IDS[1]:
        return _SEVEN_DIGIT_IDS
    digits = 8
    while 9 * 10 ** (digits - 1) < rows * _MIN_ID_SPACE_PER_ROW:
        digits += 1
    return 10 ** (digits - 1), 9 * 10 ** (digits - 1)


def customer_numbers(index: np.ndarray, rows: int, seed: int) -> np.ndarray:
    """Scatter customer indices over the ID space with a keyed Feistel permutation (distinct in, distinct out)."""
    base, space = id_space(rows)
    bits = int(np.ceil(np.log2(space)))
    half = (bits + 1) // 2
    keys = np.random.default_rng([seed, 7]).integers(1, 2**31, 4).astype(np.uint64)
    values = _feistel(index.astype(np.uint64), keys, half)
    outside = values >= space
    while outside.any():  # cycle-walking: re-permute the few values beyond the space until they land in it
        values[outside] = _feistel(values[outside], keys, half)
        outside = values >= space
    return base + values.astype(np.int64)


def _feistel(x: np.ndarray, keys: np.ndarray, half: int) -> np.ndarray:
    """A balanced Feistel network on 2 * half bits: a bijection of [0, 4 ** half)."""
    shift, mask = np.uint64(half), np.uint64((1 << half) - 1)
    left, right = x >> shift, x & mask
    for key in keys:
        mixed = (right + key) * np.uint64(0x9E3779B97F4A7C15)
        left, right = right, left ^ ((mixed ^ (mixed >> np.uint64(29))) & mask)
    return (left << shift) | right


def generate_block(seed: int, index: int, start: int, size: int, total_rows: int) -> pa.Table:
    """One block of raw transactions as an Arrow table of text columns (null where a cell is missing)."""
    rng = np.random.default_rng([seed, index])
    counts = transactions_per_customer(rng, size)
    n = len(counts)
    birth = draw_birth_dates(rng, n)
    male = draw_gender(rng, birth["placeholder"])
    place, affluence = draw_locations(rng, n)
    host, guest = pair_shared_ids(rng, counts, _part(SHARED_ID_PER_ROW, start, size))
    make_guests_differ(rng, host, guest, birth, male, place, affluence)
    age = np.where(birth["placeholder"], np.nan, birth["age"])
    budget, near_empty = draw_budget(rng, n)
    log_balance = draw_log_balance(rng, age, affluence, male, birth["placeholder"], budget, near_empty)
    zero_balance = rng.random(n) < 0.002

    is_guest = np.zeros(n, dtype=bool)
    is_guest[guest] = True
    owner = np.arange(n)
    owner[guest] = host
    id_code = (np.cumsum(~is_guest) - 1)[owner]  # each person's ID: its own, or its host's for a guest
    id_text = prefixed("C", customer_numbers(start + np.arange(n - len(guest)), total_rows, seed))
    dob_code, dob_text = _birth_date_codes(birth)

    person = rng.permutation(np.repeat(np.arange(n), counts))  # scatter each customer's rows
    repeat = counts[person] > 1
    row_balance = log_balance[person] + np.where(repeat, 0.04 * rng.standard_normal(size), 0.0)
    hour = draw_hours(rng, size)
    log_amount = draw_log_amount(
        rng, age[person], affluence[person], male[person], birth["placeholder"][person], budget[person], hour
    )
    time = hour * 10_000 + rng.integers(0, 60, size) * 100 + rng.integers(0, 60, size)
    date_code = _draw_date_index(rng, size)
    amount = amount_cents(rng, log_amount)
    keep = ~repeat & ~np.isin(person, np.concatenate([host, guest]))
    gender_t, blank = _missing_cells(rng, keep, start, size, total_rows)
    gender_code = np.where(male, 0, 1)[person]
    gender_code[gender_t] = 2
    balance = money_text(balance_cents(row_balance, zero_balance[person]))
    # Columns with few distinct values are dictionary-coded: no copy of the strings per row, and Parquet
    # writes them as they are (readers see plain text).
    columns = {
        "TransactionID": prefixed("T", np.arange(start + 1, start + size + 1)),
        "CustomerID": id_text.take(pa.array(id_code[person])),  # nearly one ID per row: no gain from coding
        "CustomerDOB": _coded(dob_code[person], dob_text, blank["CustomerDOB"]),
        "CustGender": _coded(gender_code, pa.array(["M", "F", "T"]), blank["CustGender"]),
        "CustLocation": _coded(place[person], location_dictionary(), blank["CustLocation"]),
        "CustAccountBalance": pc.if_else(pa.array(blank["CustAccountBalance"]), pa.scalar(None, pa.string()), balance),
        "TransactionDate": _coded(date_code, _date_text()),
        "TransactionTime": int_text(time),
        "TransactionAmount (INR)": money_text(amount),
    }
    return pa.table([columns[name] for name in RAW_COLUMNS], names=list(RAW_COLUMNS))


def _coded(codes: np.ndarray, dictionary: pa.Array, blank: np.ndarray | None = None) -> pa.DictionaryArray:
    """Text column as codes into a dictionary of distinct strings, null where `blank`."""
    return pa.DictionaryArray.from_arrays(pa.array(codes.astype(np.int32), mask=blank), dictionary)


def _birth_date_codes(birth: dict[str, np.ndarray]) -> tuple[np.ndarray, pa.Array]:
    """Per person, a code into the distinct birth dates, and those dates as d/m/yy text (or 1/1/1800)."""
    key = np.where(birth["placeholder"], -1, birth["year"] * 10_000 + birth["month"] * 100 + birth["day"])
    distinct, code = np.unique(key, return_inverse=True)
    text = dmy_text(distinct % 100, distinct // 100 % 100, distinct // 10_000)
    return code, pc.if_else(pa.array(distinct < 0), PLACEHOLDER_DOB, text)


def _date_text() -> pa.Array:
    """The 55 dates as d/m/yy text."""
    days = _DATES.astype("datetime64[D]")
    month = days.astype("datetime64[M]")
    return dmy_text((days - month).astype(int) + 1, month.astype(int) % 12 + 1, np.full(len(days), 16))


def _draw_date_index(rng: np.random.Generator, n: int) -> np.ndarray:
    """A date per transaction, with a fixed (seed-independent) day-to-day variation, busier at weekends."""
    weekday = (_DATES.astype("datetime64[D]").astype(int) + 3) % 7  # 1970-01-01 was a Thursday (3)
    weight = np.random.default_rng(55).uniform(0.8, 1.2, len(_DATES)) * np.where(weekday >= 5, 1.15, 1.0)
    return rng.choice(len(_DATES), size=n, p=weight / weight.sum())


def _part(per_row: float, start: int, size: int) -> int:
    """This block's part of a count proportional to the rows, rounded so that the blocks add up exactly."""
    return round(per_row * (start + size)) - round(per_row * start)


def _odd_genders(start: int, size: int, total_rows: int) -> int:
    """How many gender 'T' cells this block has: one per ~1M rows (at least one) in files of 10,000+ rows."""
    if total_rows < ODD_GENDER_MIN_ROWS:
        return 0
    upto = [0 if x == 0 else max(1, round(x / PUBLIC_DATASET_ROWS)) for x in (start, start + size)]
    return upto[1] - upto[0]


def _missing_cells(
    rng: np.random.Generator, keep: np.ndarray, start: int, size: int, total_rows: int
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Rows with the gender 'T', and rows to blank per column, in the published proportions.

    Only rows in `keep` (customers with one transaction and their own ID) are chosen, so a customer's birth
    date, gender and place stay the same on all of its rows and every shared ID keeps its two people.
    """
    candidates = rng.permutation(np.flatnonzero(keep))
    odd = _odd_genders(start, size, total_rows)
    gender_t = np.zeros(size, dtype=bool)
    gender_t[candidates[:odd]] = True
    candidates = candidates[odd:]  # so no blank overwrites the 'T' and the counts stay exact
    blank = {}
    for column, per_default in MISSING_PER_DEFAULT.items():
        count = min(_part(per_default / PUBLIC_DATASET_ROWS, start, size), len(candidates))
        blank[column] = np.zeros(size, dtype=bool)
        blank[column][rng.choice(candidates, size=count, replace=False)] = True
    return gender_t, blank
