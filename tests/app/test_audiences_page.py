"""Audiences page: a rule's live size, saving, the saved list, overlap, deleting with confirmation."""

from __future__ import annotations

import pytest

from core.pipeline.audience_sql import SqlAudienceStore
from core.pipeline.audience_store import SqliteAudienceStore, audience_file, dataset_of
from tests.app.conftest import assert_clean, run_page
from tests.browser import free_port

PAGE = "pages/9_Audiences.py"


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_store(request, app_data, monkeypatch):
    """The app's audience store, with no saved audience before or after the test: every test here runs on the
    default SQLite file and on a real PostgreSQL server (SEGMENTATION_AUDIENCE_DB; skipped when none starts)."""
    if request.param == "sqlite":
        path = audience_file(app_data.resolve())
        path.unlink(missing_ok=True)
        yield SqliteAudienceStore(path)
        path.unlink(missing_ok=True)
        return
    url = request.getfixturevalue("postgres_url")
    monkeypatch.setattr("ui.audiences.AUDIENCE_DB_URL", url)
    store = SqlAudienceStore(url, dataset_of(app_data.resolve()))
    store.delete_all()
    yield store
    store.delete_all()


def _metric(at, label):
    return next(m.value for m in at.metric if m.label == label)


def _save(at, name, rule):
    at.text_area(key="audience_rule").input(rule).run()
    at.text_input(key="audience_name").input(name)
    at.text_input(key="audience_author").input("tester")
    at.button[[b.label for b in at.button].index("Save audience")].click().run()
    return at


def test_no_audience_yet(empty_store):
    at = run_page(PAGE)
    assert_clean(at)
    assert any("No audience is saved yet" in i.value for i in at.info)


def test_live_size_counts_the_rule(empty_store, trained):
    c = trained.customers
    at = run_page(PAGE)
    at.text_area(key="audience_rule").input("segment = 'High' and gender = 'F'").run()
    assert_clean(at)
    expected = int(((c["segment"] == "High") & (c["gender"] == "F")).sum())
    assert _metric(at, "Audience size") == f"{expected:,}"


def test_a_bad_rule_shows_a_message_not_a_traceback(empty_store):
    at = run_page(PAGE)
    at.text_area(key="audience_rule").input("segmnt = 'High'").run()
    assert not at.exception
    assert any("did you mean 'segment'" in e.value for e in at.error)


def test_save_list_overlap_and_delete(empty_store, trained):
    c = trained.customers
    at = _save(run_page(PAGE), "High spenders", "segment = 'High'")
    assert_clean(at)
    assert any("Saved" in s.value for s in at.success)
    at = _save(at, "Women", "gender = 'F'")
    saved = next(d.value for d in at.dataframe if "Audience" in d.value.columns)
    assert saved["Audience"].tolist() == ["High spenders", "Women"]
    assert saved["Customers"].tolist() == [int((c["segment"] == "High").sum()), int((c["gender"] == "F").sum())]
    assert saved["Created by"].tolist() == ["tester", "tester"]
    assert saved["Link"].tolist() == ["/?audience=High+spenders", "/?audience=Women"]
    at.multiselect(key="audience_overlap").set_value(["High spenders", "Women"]).run()
    matrix = at.dataframe[-1].value
    assert matrix.loc["High spenders", "Women"] == int(((c["segment"] == "High") & (c["gender"] == "F")).sum())
    assert at.get("plotly_chart")
    # saving the same name again is refused
    at = _save(at, "women", "age > 30")
    assert any("already exists" in e.value for e in at.error)
    # deleting needs the confirmation
    at.selectbox(key="audience_picked").select("Women").run()
    assert at.button(key="audience_delete").disabled
    at.checkbox(key="audience_confirm_delete").check().run()
    at.button(key="audience_delete").click().run()
    assert_clean(at)
    saved = next(d.value for d in at.dataframe if "Audience" in d.value.columns)
    assert saved["Audience"].tolist() == ["High spenders"]


def test_a_saved_audience_filters_every_page_from_its_url(empty_store, trained):
    c = trained.customers
    _save(run_page(PAGE), "Women", "gender = 'F'")
    at = run_page("pages/3_Segment_profiles.py", audience="women")  # any case
    assert_clean(at)
    assert at.selectbox(key="audience").value == "Women"
    expected = int((c["gender"] == "F").sum())
    assert any(f"**{expected:,}** of {len(c):,} customers match" in m.value for m in at.sidebar.markdown)
    assert any("in the audience" in cap.value for cap in at.sidebar.caption)


def test_an_unknown_audience_in_the_url_is_ignored(empty_store, trained):
    at = run_page("Home.py", audience="nobody")
    assert_clean(at)
    c = trained.customers
    assert any(f"**{len(c):,}** of {len(c):,} customers match" in m.value for m in at.sidebar.markdown)


def test_compare_two_saved_audiences(empty_store, trained):
    c = trained.customers
    at = _save(run_page(PAGE), "Women", "gender = 'F'")
    _save(at, "Rich", "balance >= 100000")
    at = run_page("pages/8_Compare.py")
    at.selectbox(key="compare_a").select("Audience: Women").run()
    at.selectbox(key="compare_b").select("Audience: Rich").run()
    assert_clean(at)
    kpis = at.dataframe[0].value
    expected = [f"{(c['gender'] == 'F').sum():,}", f"{(c['balance'] >= 100000).sum():,}"]
    assert kpis.loc["Customers"].tolist() == expected


def test_overlap_picker_forgets_a_deleted_audience(empty_store, trained):
    at = _save(run_page(PAGE), "High spenders", "segment = 'High'")
    at = _save(at, "Women", "gender = 'F'")
    at = _save(at, "Over 40", "age > 40")
    at.multiselect(key="audience_overlap").set_value(["High spenders", "Over 40"]).run()
    at.selectbox(key="audience_picked").select("Over 40").run()
    empty_store.delete("Over 40")  # deleted by someone else, in another session
    at.run()
    assert_clean(at)
    assert at.multiselect(key="audience_overlap").value == ["High spenders"]
    assert at.selectbox(key="audience_picked").value == "High spenders"
    assert any("Pick at least two audiences" in i.value for i in at.info)
    # deleting here also leaves no stale choice behind
    at.multiselect(key="audience_overlap").set_value(["High spenders", "Women"]).run()
    at.selectbox(key="audience_picked").select("Women").run()
    at.checkbox(key="audience_confirm_delete").check().run()
    at.button(key="audience_delete").click().run()
    assert_clean(at)
    assert at.multiselect(key="audience_overlap").value == ["High spenders"]


def _plain(text: str) -> str:
    """A message as the reader sees it: without Markdown's escapes and the invisible link breakers."""
    return text.replace("\\", "").replace("\u2060", "")


@pytest.fixture
def database_down(app_data, monkeypatch):
    """The app pointed at a PostgreSQL server that isn't there (a password in the URL)."""
    monkeypatch.setattr("ui.audiences.AUDIENCE_DB_URL", f"postgresql://app:s3cret@127.0.0.1:{free_port()}/segments")


def test_a_database_that_is_down_is_one_message_and_the_rule_is_kept(database_down):
    at = _save(run_page(PAGE), "Women", "gender = 'F'")
    assert not at.exception
    errors = [_plain(e.value) for e in at.error]
    assert len(errors) == 2  # the save, and the saved list below it
    assert errors[0].startswith("Not saved: the audience database postgresql+psycopg://app:***@127.0.0.1:")
    assert "can't be used right now (" in errors[0]
    assert errors[0].endswith("Your rule, name and description are still here: save again once it is back")
    assert errors[1].startswith("Saved audiences can't be shown: the audience database postgresql+psycopg://app:***@")
    assert not any("s3cret" in e for e in errors)
    assert at.text_area(key="audience_rule").value == "gender = 'F'"
    assert at.text_input(key="audience_name").value == "Women"


def test_every_page_opens_when_the_database_is_down(database_down):
    at = run_page("pages/8_Compare.py")
    assert_clean(at)
    warnings = [_plain(w.value) for w in at.sidebar.warning]
    assert any(w.startswith("Saved audiences can't be shown: the audience database") for w in warnings)


@pytest.mark.parametrize("url", ["not a url", "mysql://app@db/segments"])
def test_a_bad_url_is_one_message(app_data, monkeypatch, url):
    monkeypatch.setattr("ui.audiences.AUDIENCE_DB_URL", url)
    at = run_page(PAGE)
    assert not at.exception
    errors = [_plain(e.value) for e in at.error]
    assert len(errors) == 1
    assert errors[0].startswith("Saved audiences can't be shown: SEGMENTATION_AUDIENCE_DB")


def test_a_markdown_name_is_shown_as_written_in_the_delete_confirmation(empty_store, trained):
    at = _save(run_page(PAGE), "**Big** [x](https://evil.example)", "segment = 'High'")
    assert_clean(at)
    label = at.checkbox(key="audience_confirm_delete").label
    assert "\\*\\*Big\\*\\*" in label and "\\[x\\]" in label  # escaped: no bold, no link in the label
