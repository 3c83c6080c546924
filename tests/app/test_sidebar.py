"""The sidebar filters: unknown ages with a narrowed age range, location search, links with unusable values, reset."""

import re

import pytest

from tests.app.conftest import assert_clean, run_page


def matching(at) -> int:
    """The sidebar's '1,234 of 5,000 customers match' count."""
    text = next(m.value for m in at.sidebar.markdown if "customers match" in m.value)
    return int(re.search(r"\*\*([\d,]+)\*\*", text).group(1).replace(",", ""))


# Every page counts with engine queries (sidebar_query_filters); Segment movement was the last on the in-memory frame.
@pytest.mark.parametrize("page", ["Home.py", "pages/3_Segment_profiles.py", "pages/10_Segment_movement.py"])
def test_a_narrowed_age_range_leaves_unknown_ages_out_and_says_how_many_ticking_adds(trained, page):
    c = trained.customers
    unknown = int(c["age"].isna().sum())
    assert unknown > 0
    at = run_page(page)
    assert matching(at) == len(c)  # untouched: everyone, unknown ages included
    assert at.checkbox(key="age_unknown").value is True
    at.slider(key="age").set_value((25, 40)).run()
    assert_clean(at)
    assert matching(at) == int(c["age"].between(25, 40).sum())
    box = at.checkbox(key="age_unknown_narrowed")
    assert box.value is False
    assert any(f"Leaves out {unknown:,} customers of unknown age" in t.value for t in at.sidebar.caption)
    box.check().run()
    assert matching(at) == int((c["age"].between(25, 40) | c["age"].isna()).sum())
    assert any(f"Includes {unknown:,} customers of unknown age" in t.value for t in at.sidebar.caption)
    assert at.query_params["age_unknown"] == "include"


def test_an_age_range_from_a_link_excludes_unknown_ages_unless_it_says_include(trained):
    c = trained.customers
    assert matching(run_page("Home.py", age="30..50")) == int(c["age"].between(30, 50).sum())
    both = run_page("Home.py", age="30..50", age_unknown="include")
    assert matching(both) == int((c["age"].between(30, 50) | c["age"].isna()).sum())


def test_enter_in_the_location_box_picks_one_location_and_adding_all_matches_is_separate(trained):
    c = trained.customers
    at = run_page("Home.py")
    box = at.multiselect(key="location")
    # Streamlit's dropdown puts "Select N matches" first unless select_all is off; then Enter picks the first
    # match, which for a typed name is that name (the browser check is in tests/e2e/test_sidebar_search.py).
    assert box.proto.select_all == 0
    biggest = c["location"].value_counts().index[0]
    word = biggest.split()[0][:4]
    containing = sorted({loc for loc in c["location"].dropna().astype(str) if word.casefold() in loc.casefold()})
    at.text_input(key="location_match").input(word.lower()).run()
    add = at.button(key="location_add_matches")
    assert add.label == f"Add {len(containing):,} location{'s' if len(containing) != 1 else ''}"
    add.click().run()
    assert_clean(at)
    assert sorted(at.multiselect(key="location").value) == containing
    assert matching(at) == int(c["location"].isin(containing).sum())


def test_link_values_are_matched_ignoring_case_and_unusable_ones_are_named(trained):
    c = trained.customers
    biggest = c["location"].value_counts().index[0]
    at = run_page("Home.py", location=biggest.lower(), gender="f")
    assert_clean(at)
    assert matching(at) == int(((c["location"] == biggest) & (c["gender"] == "F")).sum())
    assert not at.sidebar.warning
    bad = run_page("Home.py", age="abc", location="Atlantis")
    assert_clean(bad)
    assert matching(bad) == len(c)
    note = bad.sidebar.warning[0].value
    assert "Age 'abc' is not a range like 25..40" in note
    assert "Location 'Atlantis' is not in this data" in note


def test_reset_brings_every_customer_back(trained):
    at = run_page("Home.py", segment="High", age="30..50")
    assert matching(at) < len(trained.customers)
    at.button(key="reset_filters").click().run()
    assert_clean(at)
    assert matching(at) == len(trained.customers)
    assert "segment" not in at.query_params and "age" not in at.query_params
