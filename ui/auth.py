"""Optional sign-in: OIDC through `st.login`, or a shared password checked against a salted hash.

Configured in `.streamlit/secrets.toml`: an `[auth]` section turns on OIDC, an `[auth_password]` section with
`hash = "pbkdf2_sha256$..."` (made by `python -m core.auth`) turns on the shared password. With neither, the
app runs open, which is meant for localhost only; the Home page says so. A configuration that mentions sign-in
but cannot be used (an empty hash, a misspelt key or section) closes every page with a message naming the
problem. Repeated wrong passwords slow down each session and each client address, and are logged (never the
password itself).
"""

from __future__ import annotations

import logging
import os
import uuid

import streamlit as st
from streamlit import config

from core.auth import sign_in_problem, verify_password
from core.present.markdown import escape_markdown
from ui.cache import sign_in_throttle
from ui.state import SIGNED_IN_KEY

LOG = logging.getLogger("segment_studio.sign_in")
SESSION_ID_KEY = "_sign_in_session"


def all_secrets() -> dict:
    """The top-level sections of the secrets, {} when there are none; raises ValueError when a secrets file
    exists but cannot be read (sign-in may be configured in it)."""
    try:
        return {key: st.secrets[key] for key in st.secrets}
    except Exception as exc:  # streamlit raises its own error type for a missing and for a broken file
        if any(os.path.isfile(p) for p in config.get_option("secrets.files")):
            raise ValueError(f"the secrets file cannot be read ({type(exc).__name__})") from exc
        return {}


def secrets_section(name: str) -> dict:
    """A section of secrets.toml, or {} when there is no secrets file or no such section."""
    try:
        section = all_secrets().get(name, {})
    except ValueError:
        return {}
    return dict(section) if hasattr(section, "keys") else {}


def configuration_problem() -> str | None:
    """Why the sign-in configuration cannot be used, None when it can (or when there is none)."""
    try:
        return sign_in_problem(all_secrets())
    except ValueError as exc:
        return f"{exc}; fix .streamlit/secrets.toml"


def sign_in_mode() -> str:
    """'closed' (unusable configuration), 'oidc', 'password' or 'open'."""
    if configuration_problem():
        return "closed"
    if secrets_section("auth"):
        return "oidc"
    if secrets_section("auth_password").get("hash"):
        return "password"
    return "open"


def require_sign_in() -> None:
    """Stop the page until the visitor has signed in, when sign-in is configured (or refuse when it is broken)."""
    mode = sign_in_mode()
    if mode == "closed":
        st.title("Sign-in is misconfigured")
        st.error(f"{escape_markdown(configuration_problem())}. The app stays closed until this is fixed.")
        st.stop()
    if mode == "oidc":
        if not st.user.get("is_logged_in", False):  # absent (not False) when no identity is known
            st.title("Sign in")
            st.button("Sign in", on_click=st.login, type="primary")
            st.stop()
        st.sidebar.caption(f"Signed in as {escape_markdown(st.user.get('email') or st.user.get('name') or 'user')}")
        st.sidebar.button("Sign out", on_click=st.logout)
    elif mode == "password" and not st.session_state.get(SIGNED_IN_KEY):
        password_form()
        st.stop()


def password_form() -> None:
    """The shared-password form, with back-off per session and per client after repeated failures."""
    throttle = sign_in_throttle()
    session = "session:" + st.session_state.setdefault(SESSION_ID_KEY, uuid.uuid4().hex)
    address = st.context.ip_address
    client = f"client:{address if isinstance(address, str) and address else 'unknown'}"
    st.title("Sign in")
    with st.form("sign_in"):
        password = st.text_input("Team password", type="password", key="password")
        if not st.form_submit_button("Sign in", type="primary"):
            return
    wait = max(throttle.wait_seconds(session), throttle.wait_seconds(client))
    if wait > 0:
        st.error(f"Too many wrong passwords: wait {wait:.0f} s before trying again.")
        return
    if verify_password(password, secrets_section("auth_password")["hash"]):
        throttle.record_success(session)
        throttle.record_success(client)
        st.session_state[SIGNED_IN_KEY] = True
        st.rerun()
    failures = throttle.record_failure(session), throttle.record_failure(client)
    LOG.warning("failed sign-in: attempt %d in this session, %d from %s", failures[0], failures[1], client)
    st.error("That password is not right.")
