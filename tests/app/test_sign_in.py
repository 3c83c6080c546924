"""Optional sign-in: with a shared-password hash in secrets every page asks for it; without, the app is open."""

from streamlit.testing.v1 import AppTest

from core.auth import hash_password
from core.config import ROOT
from tests.app.conftest import TIMEOUT


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


def test_every_page_is_locked():
    for page in ["pages/5_What_if.py", "pages/7_Data.py"]:
        at = app_with_password(page)
        assert [t.value for t in at.title] == ["Sign in"], page


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
