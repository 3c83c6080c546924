"""Optional sign-in: with a shared-password hash in secrets every page asks for it; without, the app is open."""

import pytest
from streamlit.testing.v1 import AppTest

from core.auth import hash_password
from core.config import ROOT
from tests.app.conftest import TIMEOUT
from ui.navigation import PAGES


def app_with_password(page: str = "Home.py") -> AppTest:
    at = AppTest.from_file(str(ROOT / "Home.py"), default_timeout=TIMEOUT)
    if page != "Home.py":
        at.switch_page(page)
    at.secrets["auth_password"] = {"hash": hash_password("open sesame", iterations=1_000)}
    return at.run()


def test_page_is_locked_until_the_right_password():
    at = app_with_password()
    assert not at.exception
    assert [t.value for t in at.title] == ["Sign in"] and not at.metric
    at.text_input(key="password").input("wrong")
    at.button[0].click().run()
    assert any("not right" in e.value for e in at.error) and not at.metric
    at.text_input(key="password").input("open sesame")
    at.button[0].click().run()
    assert not at.exception and at.metric


@pytest.mark.parametrize("page", [script for script, *_ in PAGES])
def test_every_page_is_locked(page):
    at = app_with_password(page)
    assert not at.exception
    assert [t.value for t in at.title] == ["Sign in"]
    assert not at.metric and not at.dataframe and not at.get("plotly_chart")


def test_without_configuration_home_says_it_is_open():
    at = AppTest.from_file(str(ROOT / "Home.py"), default_timeout=TIMEOUT).run()
    assert any("Sign-in is not configured" in c.value for c in at.caption)


def test_oidc_configuration_asks_to_sign_in_through_the_provider():
    at = AppTest.from_file(str(ROOT / "Home.py"), default_timeout=TIMEOUT)
    at.secrets["auth"] = {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "s3cret",
        "client_id": "id",
        "client_secret": "secret",
        "server_metadata_url": "https://idp.example/.well-known/openid-configuration",
    }
    at.run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Sign in"] and not at.metric
    assert [b.label for b in at.button] == ["Sign in"]


# ---- fail closed and back-off (issue 13) -------------------------------------------------------------------

import logging  # noqa: E402

import pytest  # noqa: E402

from ui.cache import sign_in_throttle  # noqa: E402


@pytest.fixture
def fresh_throttle():
    """Each test starts with no recorded failures, and leaves none behind for the other sign-in tests."""
    sign_in_throttle.clear()
    yield
    sign_in_throttle.clear()


@pytest.mark.parametrize(
    ("section", "value", "expected"),
    [
        ("auth_password", {"hash": ""}, "hash in .streamlit/secrets.toml is empty"),
        ("auth_password", {"hash": "not-a-hash"}, "is not a pbkdf2_sha256"),
        ("auth_password", {"hsah": "pbkdf2_sha256$1000$c2FsdA==$aGFzaA=="}, "has no 'hash' key (found: hsah)"),
        ("auth_pasword", {"hash": "pbkdf2_sha256$1000$c2FsdA==$aGFzaA=="}, "Did you mean [auth_password]?"),
        (
            "auth",
            {"redirect_uri": "http://localhost:8501/oauth2callback"},
            "[auth] in .streamlit/secrets.toml is missing cookie_secret",
        ),
    ],
    ids=["empty hash", "malformed hash", "typo in key", "typo in section", "incomplete oidc"],
)
def test_unusable_sign_in_configuration_closes_every_page(section, value, expected):
    for page in ["Home.py", "pages/7_Data.py"]:
        at = AppTest.from_file(str(ROOT / "Home.py"), default_timeout=TIMEOUT)
        if page != "Home.py":
            at.switch_page(page)
        at.secrets[section] = value
        at.run()
        assert not at.exception
        assert [t.value for t in at.title] == ["Sign-in is misconfigured"], page
        assert any(expected in e.value.replace("\\", "") for e in at.error), [e.value for e in at.error]
        assert not at.metric and not at.dataframe and not at.text_input


def test_repeated_wrong_passwords_back_off_and_are_logged_without_the_password(fresh_throttle, caplog):
    at = app_with_password()
    with caplog.at_level(logging.WARNING, logger="segment_studio.sign_in"):
        for attempt in range(5):
            at.text_input(key="password").input(f"guess-{attempt}")
            at.button[0].click().run()
            assert [e.value for e in at.error] == ["That password is not right."], attempt
        at.text_input(key="password").input("open sesame")  # even the right one waits now
        at.button[0].click().run()
    assert any("Too many wrong passwords: wait" in e.value for e in at.error), [e.value for e in at.error]
    assert not at.metric
    failures = [r.getMessage() for r in caplog.records if r.name == "segment_studio.sign_in"]
    assert len(failures) == 5 and "attempt 5 in this session" in failures[-1]
    assert not any("guess" in m or "sesame" in m for m in failures)
    # A new session from the same client is slowed down too (per-client back-off).
    other = app_with_password()
    other.text_input(key="password").input("open sesame")
    other.button[0].click().run()
    assert any("Too many wrong passwords" in e.value for e in other.error) and not other.metric
