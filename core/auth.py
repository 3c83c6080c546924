"""Shared-password hashing for the optional sign-in: salted PBKDF2-SHA256, compared in constant time.

Create a hash for `.streamlit/secrets.toml` with `python -m core.auth` (it asks for the password).
"""

from __future__ import annotations

import base64
import binascii
import difflib
import getpass
import hashlib
import hmac
import os
import sys
import threading
import time
from collections.abc import Mapping

ALGORITHM = "pbkdf2_sha256"
ITERATIONS = 600_000
PASSWORD_SECTION = "auth_password"
OIDC_SECTION = "auth"
OIDC_REQUIRED = ("redirect_uri", "cookie_secret")  # provider keys may sit in [auth] or in [auth.<provider>]
OIDC_PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url")
# Back-off after repeated wrong passwords, per session and per client address: free attempts, then a wait
# that doubles with each further failure, up to a ceiling.
FREE_ATTEMPTS = 5
FIRST_WAIT_SECONDS = 2.0
MAX_WAIT_SECONDS = 300.0


def hash_password(password: str, salt: bytes | None = None, iterations: int = ITERATIONS) -> str:
    """`pbkdf2_sha256$<iterations>$<salt b64>$<hash b64>` for a password."""
    if not password:
        raise ValueError("the password must not be empty")
    salt = salt or os.urandom(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    return "$".join([ALGORITHM, str(iterations), base64.b64encode(salt).decode(), base64.b64encode(digest).decode()])


def verify_password(password: str, stored: str) -> bool:
    """True when the password matches the stored hash; False for any malformed hash."""
    try:
        algorithm, iterations, salt, expected = stored.split("$")
        if algorithm != ALGORITHM:
            return False
        digest = hashlib.pbkdf2_hmac("sha256", password.encode(), base64.b64decode(salt), int(iterations))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(digest, base64.b64decode(expected))


def hash_problem(stored: object) -> str | None:
    """Why a stored hash cannot be used (None when it has the form ``pbkdf2_sha256$<n>$<salt>$<hash>``)."""
    if not isinstance(stored, str) or not stored.strip():
        return "is empty"
    parts = stored.split("$")
    if len(parts) != 4 or parts[0] != ALGORITHM:
        return f"is not a {ALGORITHM}$<iterations>$<salt>$<hash> value"
    try:
        iterations = int(parts[1])
        base64.b64decode(parts[2], validate=True)
        digest = base64.b64decode(parts[3], validate=True)
    except (ValueError, binascii.Error):
        return "is damaged (its iterations, salt or hash cannot be read)"
    if iterations < 1 or len(digest) != 32:
        return "is damaged (wrong iteration count or hash length)"
    return None


def sign_in_problem(secrets: Mapping) -> str | None:
    """Why a secrets configuration that mentions sign-in cannot be used; None when it is usable or absent.

    A misspelt section or key, an empty hash or an incomplete OpenID Connect section must not leave the app
    open: the app refuses to serve until it is fixed (fail closed).
    """
    where = "in .streamlit/secrets.toml"
    known = (PASSWORD_SECTION, OIDC_SECTION)
    for name in secrets:
        lowered = str(name).lower()
        if name in known:
            continue
        close = difflib.get_close_matches(lowered.replace("-", "_"), known, n=1, cutoff=0.75)
        if close or "auth" in lowered or "password" in lowered or "login" in lowered:
            hint = f" Did you mean [{close[0]}]?" if close else ""
            return (
                f"section [{name}] {where} is not one the app knows ([{PASSWORD_SECTION}] or [{OIDC_SECTION}]).{hint}"
            )
    if PASSWORD_SECTION in secrets:
        section = secrets[PASSWORD_SECTION]
        if not isinstance(section, Mapping) or "hash" not in section:
            keys = ", ".join(map(str, section)) if isinstance(section, Mapping) else "none"
            return (
                f"[{PASSWORD_SECTION}] {where} has no 'hash' key (found: {keys}); make one with `python -m core.auth`"
            )
        problem = hash_problem(section["hash"])
        if problem:
            return f"the [{PASSWORD_SECTION}] hash {where} {problem}; make a new one with `python -m core.auth`"
    if OIDC_SECTION in secrets:
        section = secrets[OIDC_SECTION]
        section = section if isinstance(section, Mapping) else {}
        missing = [k for k in OIDC_REQUIRED if not section.get(k)]
        providers = [section] + [v for v in section.values() if isinstance(v, Mapping)]
        if not any(all(p.get(k) for k in OIDC_PROVIDER_KEYS) for p in providers):
            missing.append(" / ".join(OIDC_PROVIDER_KEYS) + " (in [auth] or [auth.<provider>])")
        if missing:
            return f"[{OIDC_SECTION}] {where} is missing {', '.join(missing)}"
    return None


class SignInThrottle:
    """Counts wrong passwords per key (a session, a client address) and says how long to wait before the next try.

    The first ``FREE_ATTEMPTS`` failures cost nothing; after that each failure doubles the wait, from
    ``FIRST_WAIT_SECONDS`` up to ``MAX_WAIT_SECONDS``. A success clears the key. Thread-safe (one per server).
    """

    def __init__(self, clock=time.monotonic):
        self._clock = clock
        self._lock = threading.Lock()
        self._failures: dict[str, tuple[int, float]] = {}  # key -> (failures, time of the last one)

    def wait_seconds(self, key: str) -> float:
        """Seconds until this key may try again (0 when it may try now)."""
        with self._lock:
            failures, last = self._failures.get(key, (0, 0.0))
        if failures < FREE_ATTEMPTS:
            return 0.0
        wait = min(MAX_WAIT_SECONDS, FIRST_WAIT_SECONDS * 2 ** (failures - FREE_ATTEMPTS))
        return max(0.0, last + wait - self._clock())

    def record_failure(self, key: str) -> int:
        """Count one more wrong password for this key; returns the number of failures so far."""
        with self._lock:
            failures = self._failures.get(key, (0, 0.0))[0] + 1
            self._failures[key] = (failures, self._clock())
        return failures

    def record_success(self, key: str) -> None:
        """Forget this key's failures."""
        with self._lock:
            self._failures.pop(key, None)


def main() -> int:
    """Print a hash for a password typed at the prompt."""
    password = getpass.getpass("Shared password: ")
    if password != getpass.getpass("Again: "):
        print("error: the two passwords differ", file=sys.stderr)
        return 2
    print(f'[auth_password]\nhash = "{hash_password(password)}"')
    return 0


if __name__ == "__main__":
    sys.exit(main())
