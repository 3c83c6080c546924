"""Raw text formats of the public file, built with Arrow compute (several times faster than Python strings)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def int_text(values: np.ndarray) -> pa.Array:
    """Integers as text without leading zeros: 143207, 5."""
    return pc.cast(pa.array(values), pa.string())


def money_text(cents: np.ndarray) -> pa.Array:
    """Paise as rupees with up to two decimals and no trailing zeros: 1781905 -> '17819.05', 2500 -> '25'.

    Arrow prints a double in its shortest round-trip form, which for a whole number of paise below 10^15 is
    exactly the decimal with at most two digits after the point.
    """
    return pc.cast(pa.array(cents / 100.0), pa.string())


def dmy_text(day: np.ndarray, month: np.ndarray, year: np.ndarray) -> pa.Array:
    """d/m/yy text: day and month without leading zeros, the year's last two digits with one."""
    two_digit = pc.utf8_lpad(int_text(year % 100), 2, "0")
    return pc.binary_join_element_wise(int_text(day), int_text(month), two_digit, "/")


def prefixed(prefix: str, values: np.ndarray) -> pa.Array:
    """Integers with a text prefix: 'T' and 17 -> 'T17'."""
    return pc.binary_join_element_wise(prefix, int_text(values), "")
