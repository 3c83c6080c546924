"""Activity and mix queries equal the Explore data functions; the engine's sample is stratified like the pandas one."""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.analysis import explore
from core.analysis.filters import Filters, apply_filters
from core.analysis.joins import select_transactions
from core.analysis.sampling import stratum_quotas
from core.analysis.sql import activity
from core.analysis.sql.sample import sample_view


def _views(customers):
    names = list(customers["segment"].cat.categories)
    return [
        Filters(),
        Filters(segments=(names[0],), genders=("M",)),
        Filters(locations=("NO SUCH PLACE",)),
        Filters(segments=(names[-1], names[0])),  # segments alone: the transactions' own segment, no join
    ]


def test_activity_and_gender_mix_equal_the_pandas_functions(pair):
    artifacts, source = pair
    for filters in _views(artifacts.customers):
        view = apply_filters(artifacts.customers, filters, artifacts.transactions)
        tx = select_transactions(artifacts.transactions, view)
        for name in ("activity_by_hour", "activity_by_weekday", "activity_by_date"):
            expected = getattr(explore, name)(tx)
            got = getattr(activity, name)(source, filters)
            pd.testing.assert_frame_equal(got, expected, check_dtype=False, obj=f"{name} {filters}")
        pd.testing.assert_frame_equal(activity.gender_mix(source, filters), explore.gender_mix(view), check_dtype=False)


def test_sample_is_stratified_deterministic_and_inside_the_view(pair):
    artifacts, source = pair
    customers = artifacts.customers
    filters = Filters(genders=("F", "M"))
    view = apply_filters(customers, filters, artifacts.transactions)
    sample = sample_view(source, filters, n=900, seed=3)
    assert sample.attrs["sampled_from"] == len(view)
    sizes = view["segment"].value_counts().reindex(customers["segment"].cat.categories).to_numpy()
    expected = stratum_quotas(sizes, 900)
    got = sample["segment"].value_counts().reindex(customers["segment"].cat.categories).to_numpy()
    assert got.tolist() == expected.tolist()
    assert set(sample.index) <= set(np.flatnonzero(customers.index.isin(view.index)))
    assert (customers.loc[sample.index, "CustomerID"].to_numpy() == sample["CustomerID"].to_numpy()).all()
    assert sample_view(source, filters, n=900, seed=3).index.tolist() == sample.index.tolist()
    assert sample_view(source, filters, n=900, seed=4).index.tolist() != sample.index.tolist()


def test_a_view_smaller_than_the_sample_is_returned_whole(generated_pair):
    artifacts, source = generated_pair
    names = list(artifacts.customers["segment"].cat.categories)
    filters = Filters(segments=(names[0],), age_range=(30, 31), include_unknown_age=False)
    view = apply_filters(artifacts.customers, filters, artifacts.transactions)
    sample = sample_view(source, filters, n=100_000)
    assert sorted(sample.index) == sorted(view.index)
