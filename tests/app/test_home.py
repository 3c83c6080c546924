"""Home page: KPI cards, segment cards, filters change counts, empty filters get a message."""

from tests.app.conftest import assert_clean, run_page


def metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_home_renders_kpis_and_segments(trained):
    at = run_page("Home.py")
    assert_clean(at)
    assert metric(at, "Customers") == f"{len(trained.customers):,}"
    assert [m.label for m in at.metric].count("Median balance") == 3
    assert any("silhouette" in i.value for i in at.info)


def test_segment_filter_changes_the_count(trained):
    at = run_page("Home.py")
    at.multiselect(key="segment").select("High").run()
    assert_clean(at)
    expected = int((trained.customers["segment"] == "High").sum())
    assert metric(at, "Customers") == f"{expected:,}"


def test_gender_and_segment_filters_combine(trained):
    at = run_page("Home.py")
    at.multiselect(key="gender").select("F").run()
    at.multiselect(key="segment").select("Low").select("High").run()
    c = trained.customers
    expected = int(((c["gender"] == "F") & c["segment"].isin(["Low", "High"])).sum())
    assert metric(at, "Customers") == f"{expected:,}"
