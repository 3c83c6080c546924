"""RFM on Segment profiles and in the sidebar: the cross-tab counts, the degenerate-score note, the RFM filter."""

from __future__ import annotations

import pandas as pd

from core.pipeline.rfm import RFM_SEGMENTS, with_rfm
from tests.app.conftest import assert_clean, run_page

PAGE = "pages/3_Segment_profiles.py"


def open_rfm_tab():
    at = run_page(PAGE)
    at.session_state["profile_tab"] = "RFM"
    return at.run()


def _scored(trained) -> pd.DataFrame:
    return with_rfm(trained.customers)


def test_crosstab_counts_budget_by_rfm_segment(trained):
    c = _scored(trained)
    at = open_rfm_tab()
    assert_clean(at)
    table = next(d.value for d in at.dataframe if "All" in d.value.columns)
    for segment in ("Low", "High"):
        for rfm in ("Champions", "Hibernating"):
            expected = int(((c["segment"] == segment) & (c["rfm_segment"] == rfm)).sum())
            assert table.loc[segment, rfm] == expected
    assert table.loc["All", "All"] == len(c)
    assert list(table.columns) == [*RFM_SEGMENTS, "All"]


def test_degenerate_frequency_is_said(trained):
    c = trained.customers
    one = (c["n_transactions"] == 1).mean()
    at = open_rfm_tab()
    warning = " ".join(w.value for w in at.warning)
    assert f"{one:.1%} of customers have exactly 1 transaction" in warning.replace("\\", "")


def test_rfm_filter_from_the_url_in_the_sidebar(trained):
    c = _scored(trained)
    at = run_page("Home.py", rfm="Champions")
    assert_clean(at)
    assert at.multiselect(key="rfm").value == ["Champions"]
    expected = int((c["rfm_segment"] == "Champions").sum())
    assert any(f"**{expected:,}** of {len(c):,} customers match" in m.value for m in at.sidebar.markdown)
