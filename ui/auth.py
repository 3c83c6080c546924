"""Optional sign-in: OIDC through `st.login`, or a shared password checked against a salted hash.

Configured in `.streamlit/secrets.toml`: an `[auth]` section turns on OIDC, an `[auth_password]` section with
`hash = "pbkdf2_sha256$..."` (made by `python -m core.auth`) turns on the shared password. With neither, the
app runs open, which is meant for localhost only; the Home page says so.
"""

from __future__ import annotations

import streamlit as st

from core.auth import verify_password
from ui.state import SIGNED_IN_KEY


def secrets_section(name: str) -> dict:
    """A section of secrets.toml, or {} when there is no secrets file or no such section."""
    try:
        return dict(st.secrets.get(name, {}))
    except (FileNotFoundError, KeyError, AttributeError, ValueError):
        return {}
    except Exception:  # streamlit raises its own error type when no secrets file exists at all
        return {}


def sign_in_mode() -> str:
    """'oidc', 'password' or 'open'."""
    if secrets_section("auth"):
        return "oidc"
    if secrets_section("auth_password").get("hash"):
        return "password"
    return "open"


def require_sign_in() -> None:
    """Stop the page until the visitor has signed in, when sign-in is configured."""
    mode = sign_in_mode()
    if mode == "oidc":
        if not st.user.get("is_logged_in", False):  # absent (not False) when no identity is known
            st.title("Sign in")
            st.button("Sign in", on_click=st.login, type="primary")
            st.stop()
        st.sidebar.caption(f"Signed in as {st.user.get('email') or st.user.get('name') or 'user'}")
        st.sidebar.button("Sign out", on_click=st.logout)
    elif mode == "password" and not st.session_state.get(SIGNED_IN_KEY):
        st.title("Sign in")
        with st.form("sign_in"):
            password = st.text_input("Team password", type="password", key="password")
            if st.form_submit_button("Sign in", type="primary"):
                if verify_password(password, secrets_section("auth_password")["hash"]):
                    st.session_state[SIGNED_IN_KEY] = True
                    st.rerun()
                st.error("That password is not right.")
        st.stop()
