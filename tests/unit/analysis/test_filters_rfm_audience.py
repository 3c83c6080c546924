"""The RFM-segment and saved-audience filters: masks, URL form, words and file-name slugs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.analysis.audience_rules import RuleError
from core.analysis.filter_urls import audience_from_query, filters_from_query, filters_to_query
from core.analysis.filters import Filters, apply_filters, filter_options
from core.present.filter_text import describe_filters, filters_slug


@pytest.fixture
def customers() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "CustomerID": ["C0", "C1", "C2", "C3"],
            "segment": pd.Categorical(["High", "Low", "High", "Low"], categories=["Low", "High"], ordered=True),
            "gender": ["F", "M", "M", "F"],
            "location": ["MUMBAI", "PUNE", "DELHI", "MUMBAI"],
            "age": [30.0, np.nan, 45.0, 25.0],
            "balance": [100.0, 50.0, 2000.0, 20.0],
            "first_date": pd.to_datetime(["2016-08-01"] * 4),
            "last_date": pd.to_datetime(["2016-09-01"] * 4),
            "rfm_segment": pd.Categorical(
                ["Champions", "New", "Champions", "Hibernating"],
                categories=["Champions", "Loyal", "New", "Hibernating"],
                ordered=True,
            ),
        }
    )


def test_rfm_filter_keeps_exactly_those_segments(customers):
    view = apply_filters(customers, Filters(rfm_segments=("Champions",)))
    assert view["CustomerID"].tolist() == ["C0", "C2"]
    both = apply_filters(customers, Filters(rfm_segments=["New", "Hibernating"], segments=["Low"]))
    assert both["CustomerID"].tolist() == ["C1", "C3"]


def test_audience_filter_applies_its_rule(customers):
    view = apply_filters(customers, Filters(audience=("Mumbai women", "location = 'MUMBAI' and gender = 'F'")))
    assert view["CustomerID"].tolist() == ["C0", "C3"]
    assert Filters(audience=("a", "b")).is_active
    with pytest.raises(RuleError):
        apply_filters(customers, Filters(audience=("bad", "nope > 1")))


def test_options_list_the_rfm_segments_that_occur_best_first(customers):
    assert filter_options(customers).rfm_segments == ("Champions", "New", "Hibernating")
    assert filter_options(customers.drop(columns="rfm_segment")).rfm_segments == ()


def test_url_round_trip(customers):
    options = filter_options(customers)
    f = Filters(rfm_segments=("Champions", "New"), audience=("Big, spenders", "balance > 1"))
    query = filters_to_query(f)
    assert query == {"rfm": "Champions,New", "audience": "Big, spenders"}
    back = filters_from_query(query, options)
    assert back.rfm_segments == ("Champions", "New")
    assert back.audience is None  # the rule is looked up by name in the store, not read from the URL
    assert audience_from_query(query) == "Big, spenders"
    assert audience_from_query({}) is None and audience_from_query({"audience": "  "}) is None
    # every RFM segment that occurs is the same as no RFM filter; unknown ones are dropped
    assert filters_from_query({"rfm": "Champions,New,Hibernating"}, options).rfm_segments == ()
    assert filters_from_query({"rfm": "Nope,New"}, options).rfm_segments == ("New",)


def test_words_and_slugs():
    f = Filters(rfm_segments=("Champions", "Can't lose"), audience=("Q3 / push", "age > 1"))
    assert describe_filters(f) == "Customers in RFM segments Champions or Can't lose, in the audience 'Q3 / push'."
    assert filters_slug(f) == "rfm-Champions-Can-t-lose_audience-Q3-push"
