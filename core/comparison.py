"""How the segments of a (filtered) view differ from the customers of the whole bank, feature by feature.

core.profiles.compare_to_base measures each segment against the customers it is given: on a view filtered
to one segment every difference is zero. Here the yardstick is a separate reference (the whole base), so
"+1.2" keeps meaning "1.2 standard deviations above the bank's average customer" whatever the filters.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from core.explore import log_money
from core.features import NUMERIC_FEATURES
from core.profiles import segment_codes


def compare_with_base(customers: pd.DataFrame, base: pd.DataFrame,
                      features: Sequence[str] | None = None) -> pd.DataFrame:
    """Standardised segment means of `customers` against `base`: (mean - base mean) / base std, money on log scale.

    Same shape as core.profiles.compare_to_base (index = feature, columns = segments present, in order), and
    equal to it when `base` is `customers`.
    """
    codes, names = segment_codes(customers)
    features = [f for f in (features or NUMERIC_FEATURES) if f in customers and f in base]
    reference = log_money(base, features)
    mean, std = reference.mean(), reference.std(ddof=0)
    known = codes >= 0
    seg_mean = log_money(customers, features)[known].groupby(codes[known], sort=True).mean()
    z = (seg_mean - mean) / std.where(std > 0)
    z.index = pd.CategoricalIndex([names[c] for c in z.index], categories=names, ordered=True, name="segment")
    out = z.T
    out.index.name = "feature"
    return out
