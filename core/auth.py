"""Shared-password hashing for the optional sign-in: salted PBKDF2-SHA256, compared in constant time.

Create a hash for `.streamlit/secrets.toml` with `python -m core.auth` (it asks for the password).
"""

from __future__ import annotations

import base64
import getpass
import hashlib
import hmac
import os
import sys

ALGORITHM = "pbkdf2_sha256"
ITERATIONS = 600_000


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
