"""The generator's model of customers and their money, each parameter measured on the real rows or published.

A customer has an age, a gender and a place, and a continuous latent budget; balance and spending are
log-normal-like around effects measured on the first 20,000 real rows (log10 units): older customers hold
and spend more (Spearman age-balance 0.29), women hold and spend about 28% more than men, metro customers
more than others, the placeholder-birth-date accounts much more; balance and amount share the latent budget
(Spearman 0.29). The real rows show budget tiers of a continuum, not natural clusters, and no link between
money and how often or how recently a customer transacts, so none is planted here. Amounts depend on the hour:
night payments (00-05h) are small (median 100 rupees against 420 in business hours).

Some customer IDs are shared by two unrelated people, as in the real rows (62 per 20,000 rows): the second
person has another birth date, usually another place, and another gender more often than chance would give.
"""

from __future__ import annotations

import numpy as np

PLACEHOLDER_DOB_SHARE = 0.0543  # customers whose birth date was recorded as 1/1/1800 (57,000 of 1.05M rows)
MALE_SHARE = 0.71  # among customers with a real birth date (placeholder ones are more often M)
MALE_SHARE_PLACEHOLDER = 0.86
REFERENCE_DATE = np.datetime64("2016-09-15")  # ages are drawn relative to the middle of the period

# Transactions per customer, 1..6: 85% single, mean 1.18 (with the shared IDs: 884k customers for 1.05M rows).
_TXN_COUNT_PROBS = np.array([0.8465, 0.1315, 0.0177, 0.0033, 0.0008, 0.0002])

# Real hour-of-day shares (%): few at night, a ramp through the day, a peak in the evening.
_HOUR_SHARES = np.array(
    [
        0.07,
        0.06,
        0.13,
        0.16,
        0.16,
        0.38,
        0.49,
        0.78,
        0.80,
        1.35,
        1.65,
        2.08,
        3.62,
        4.16,
        4.70,
        9.10,
        8.70,
        6.70,
        6.72,
        13.65,
        15.10,
        11.18,
        5.76,
        2.52,
    ]
)
# log10 shift of amounts by hour, from the real medians: 00-05h 100, 06-09h 200, 10-17h 420, 18-21h 470, 22-23h 340.
_HOUR_SHIFT = np.repeat([-0.62, -0.32, 0.0, 0.05, -0.09], [6, 4, 8, 4, 2])

# Money in log10 rupees: centre, effects of log(age / 29), place affluence (metro 1, city 0.5, town 0),
# women, the placeholder-DOB accounts and the shared latent budget, and the customer's own spread.
_BALANCE = {
    "centre": 3.870,
    "age": 1.00,
    "place": 0.40,
    "female": 0.13,
    "placeholder": 0.45,
    "budget": 0.45,
    "spread": 0.44,
}
_AMOUNT = {
    "centre": 2.37,
    "age": 0.74,
    "place": 0.27,
    "female": 0.12,
    "placeholder": 0.40,
    "budget": 0.17,
    "spread": 0.56,
}
_AGE_CAP_BALANCE, _AGE_CAP_AMOUNT = 80.0, 60.0  # the age effects level off above these ages
_NEAR_EMPTY_SHARE = 0.06  # near-empty accounts: the long lower tail of real balances (1% below 5 rupees)
_WEALTHY_SHARE = 0.02  # savings 4-25 times what the effects predict: the heavy upper tail (mean/median 6.9)
_BIG_PAYMENT_SHARE = 0.030  # rent, fees, purchases: 8-20 times the usual size, the heavy upper tail
_MAX_BALANCE, _MAX_AMOUNT = 1.15e8, 1.56e6  # the real maxima: extremes are squashed towards them

# Shared IDs: people per real row whose ID another person also has, and how the two differ (62 real pairs:
# 35 of other gender, 57 in another place; drawing places independently gives the same place 3.5% of the time).
SHARED_ID_PER_ROW = 62 / 20_000
_SHARED_ID_OTHER_GENDER = 35 / 62
_SHARED_ID_SAME_PLACE = 0.048


def transactions_per_customer(rng: np.random.Generator, rows: int) -> np.ndarray:
    """Transactions per customer (1..6), independent of everything else, trimmed to add up to `rows`."""
    mean = float(np.dot(np.arange(1, 7), _TXN_COUNT_PROBS))
    counts = rng.choice(np.arange(1, 7), size=int(rows / mean * 1.05) + 10, p=_TXN_COUNT_PROBS)
    total = np.cumsum(counts)
    last = int(np.searchsorted(total, rows))
    counts = counts[: last + 1].copy()
    counts[-1] -= int(total[last] - rows)
    return counts


def draw_birth_dates(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    """Age at the reference date, birth day, month and year, and the mask of 1/1/1800 placeholders."""
    # Adult ages are right-skewed with a median near 29, like the real file, which has few adults over 85.
    age = 17.0 + np.exp(np.log(12.0) + 0.6 * rng.standard_normal(n))
    age = np.where(age > 85.0, rng.uniform(55.0, 85.0, n), age)
    kind = rng.random(n)
    age = np.where(kind < 0.001, rng.uniform(3.0, 16.0, n), age)  # born 2000-2013
    age = np.where((kind >= 0.001) & (kind < 0.0015), rng.uniform(91.0, 111.0, n), age)  # born 1905-1925
    born = REFERENCE_DATE - np.round(age * 365.25).astype("timedelta64[D]")
    year = born.astype("datetime64[Y]")
    month = born.astype("datetime64[M]")
    new_year = rng.random(n) < 0.01  # clerks' favourite default: 1 January
    day = np.where(new_year, 1, (born - month).astype(int) + 1)
    month_number = np.where(new_year, 1, (month - year).astype(int) + 1)
    placeholder = rng.random(n) < PLACEHOLDER_DOB_SHARE
    return {
        "age": age,
        "day": day,
        "month": month_number,
        "year": year.astype(int) + 1970,
        "placeholder": placeholder,
    }


def draw_gender(rng: np.random.Generator, placeholder: np.ndarray) -> np.ndarray:
    """True for men: 71% of customers with a birth date, 86% of the placeholder-DOB ones."""
    return rng.random(len(placeholder)) < np.where(placeholder, MALE_SHARE_PLACEHOLDER, MALE_SHARE)


def pair_shared_ids(rng: np.random.Generator, counts: np.ndarray, pairs: int) -> tuple[np.ndarray, np.ndarray]:
    """Pick `pairs` (host, guest) pairs of one-transaction people: each guest will carry its host's ID."""
    single = rng.permutation(np.flatnonzero(counts == 1))
    pairs = min(pairs, len(single) // 2)
    return single[:pairs], single[pairs : 2 * pairs]


def make_guests_differ(
    rng: np.random.Generator,
    host: np.ndarray,
    guest: np.ndarray,
    birth: dict[str, np.ndarray],
    male: np.ndarray,
    place: np.ndarray,
    affluence: np.ndarray,
) -> None:
    """Set the guests' birth date, gender and place against their hosts' in the real proportions (in place).

    In the real rows every pair has two birth dates, so a guest never shares its host's (placeholder or not).
    """
    birth["placeholder"][guest] &= ~birth["placeholder"][host]
    same_day = (birth["day"][guest] == birth["day"][host]) & (birth["month"][guest] == birth["month"][host])
    same_day &= birth["year"][guest] == birth["year"][host]
    birth["day"][guest] = np.where(same_day, birth["day"][guest] % 28 + 1, birth["day"][guest])
    other = rng.random(len(guest)) < _SHARED_ID_OTHER_GENDER
    male[guest] = np.where(other, ~male[host], male[host])
    same = rng.random(len(guest)) < _SHARED_ID_SAME_PLACE
    place[guest] = np.where(same, place[host], place[guest])
    affluence[guest] = np.where(same, affluence[host], affluence[guest])


def _effects(
    p: dict[str, float], age: np.ndarray, cap: float, affluence: np.ndarray, male: np.ndarray, placeholder: np.ndarray
) -> np.ndarray:
    """The systematic part of a log10 money value: centre plus age, place, gender and placeholder effects."""
    age_term = np.where(np.isnan(age), 0.0, np.log(np.clip(age, 18.0, cap) / 29.0))
    return (
        p["centre"]
        + p["age"] * age_term
        + p["place"] * affluence
        + p["female"] * ~male
        + p["placeholder"] * placeholder
    )


def draw_budget(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The latent budget per customer, and the near-empty accounts, whose budget is low.

    In the real rows accounts under 300 rupees also spend little (median 136-270 rupees against 420).
    """
    budget = rng.standard_normal(n)
    near_empty = rng.random(n) < _NEAR_EMPTY_SHARE
    return np.where(near_empty, -np.abs(budget) - 0.8, budget), near_empty


def draw_log_balance(
    rng: np.random.Generator,
    age: np.ndarray,
    affluence: np.ndarray,
    male: np.ndarray,
    placeholder: np.ndarray,
    budget: np.ndarray,
    near_empty: np.ndarray,
) -> np.ndarray:
    """log10 balance per customer: effects, the shared budget, a heavy-tailed spread, near-empty accounts."""
    n = len(age)
    log_balance = (
        _effects(_BALANCE, age, _AGE_CAP_BALANCE, affluence, male, placeholder)
        + _BALANCE["budget"] * budget
        + _BALANCE["spread"] * rng.standard_t(7, n)
    )
    kind = rng.random(n)
    log_balance = np.where(kind < _WEALTHY_SHARE, log_balance + rng.uniform(0.6, 1.4, n), log_balance)
    return np.where(near_empty, rng.uniform(-0.5, 2.6, n), log_balance)


def draw_log_amount(
    rng: np.random.Generator,
    age: np.ndarray,
    affluence: np.ndarray,
    male: np.ndarray,
    placeholder: np.ndarray,
    budget: np.ndarray,
    hour: np.ndarray,
) -> np.ndarray:
    """log10 amount per transaction (inputs per row): effects, budget, hour of day, spread, big payments."""
    n = len(age)
    log_amount = (
        _effects(_AMOUNT, age, _AGE_CAP_AMOUNT, affluence, male, placeholder)
        + _AMOUNT["budget"] * budget
        + _HOUR_SHIFT[hour]
        + _AMOUNT["spread"] * rng.standard_normal(n)
    )
    return np.where(rng.random(n) < _BIG_PAYMENT_SHARE, log_amount + rng.uniform(0.9, 1.3, n), log_amount)


def draw_hours(rng: np.random.Generator, n: int) -> np.ndarray:
    """Hour of day per transaction in the real proportions."""
    return rng.choice(24, size=n, p=_HOUR_SHARES / _HOUR_SHARES.sum())


def _soften_top(log_value: np.ndarray, knee: float, maximum: float) -> np.ndarray:
    """Squash log10 values above `knee` smoothly towards log10(maximum): rare extremes, but no pile-up at a cap."""
    span = np.log10(maximum) - knee
    return np.where(log_value > knee, knee + span * np.tanh((log_value - knee) / span), log_value)


def balance_cents(log_balance: np.ndarray, zero: np.ndarray) -> np.ndarray:
    """Balance in whole paise, up to about the real maximum; exact zeros where `zero` (emptied accounts)."""
    cents = np.round(10.0 ** _soften_top(log_balance, 7.0, _MAX_BALANCE) * 100.0).astype(np.int64)
    return np.where(zero, 0, cents)


def amount_cents(rng: np.random.Generator, log_amount: np.ndarray) -> np.ndarray:
    """Amounts in paise, mostly whole rupees and many round figures, as people pay; 0.07% zeros."""
    n = len(log_amount)
    log_amount = _soften_top(log_amount, 5.3, _MAX_AMOUNT)
    rupees = 10.0**log_amount
    # Round figures: steps of 1, 5 or 10 units of the second digit (437 -> 440, 450 or 400).
    step = 10.0 ** np.maximum(np.floor(log_amount) - 1.0, 0.0) * rng.choice([1.0, 5.0, 10.0], n, p=[0.5, 0.3, 0.2])
    kind = rng.random(n)
    cents = np.where(
        kind < 0.40,
        np.round(rupees / step) * step * 100.0,
        np.where(kind < 0.88, np.round(rupees) * 100.0, np.round(rupees * 100.0)),
    )
    cents = np.where(rng.random(n) < 0.0007, 0.0, np.maximum(cents, 100.0 * (kind < 0.88)))
    return np.minimum(cents, _MAX_AMOUNT * 100.0).astype(np.int64)
