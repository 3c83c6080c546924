"""Shared-password hashing."""

from core.auth import hash_password, verify_password


def test_right_password_verifies_and_wrong_does_not():
    stored = hash_password("s3cret!", iterations=1000)
    assert verify_password("s3cret!", stored)
    assert not verify_password("s3cret", stored)
    assert "s3cret" not in stored


def test_salt_makes_hashes_differ_and_malformed_hashes_fail_closed():
    assert hash_password("pw", iterations=1000) != hash_password("pw", iterations=1000)
    for bad in ["", "plain-text", "md5$1$x$y", "pbkdf2_sha256$notanumber$aaaa$bbbb"]:
        assert not verify_password("pw", bad)


# ---- unusable configuration and back-off (issue 13) ---------------------------------------------------------

from core.auth import (  # noqa: E402
    FIRST_WAIT_SECONDS,
    FREE_ATTEMPTS,
    MAX_WAIT_SECONDS,
    SignInThrottle,
    hash_problem,
    sign_in_problem,
)


def test_a_real_hash_has_no_problem_and_broken_ones_are_named():
    assert hash_problem(hash_password("pw", iterations=1_000)) is None
    assert hash_problem("") == "is empty" and hash_problem("   ") == "is empty" and hash_problem(None) == "is empty"
    assert "is not a pbkdf2_sha256" in hash_problem("sha1$1$x$y")
    assert "is damaged" in hash_problem("pbkdf2_sha256$many$c2FsdA==$aGFzaA==")
    assert "is damaged" in hash_problem("pbkdf2_sha256$1000$c2FsdA==$aGFzaA==")  # 4 bytes, not a sha256


def test_no_configuration_or_a_good_one_is_usable():
    good = hash_password("pw", iterations=1_000)
    assert sign_in_problem({}) is None
    assert sign_in_problem({"auth_password": {"hash": good}, "model_signing": {"key": "x" * 32}}) is None
    oidc = {
        "redirect_uri": "u",
        "cookie_secret": "c",
        "google": {"client_id": "i", "client_secret": "s", "server_metadata_url": "m"},
    }
    assert sign_in_problem({"auth": oidc}) is None


def test_misspelt_sections_and_keys_are_named():
    good = hash_password("pw", iterations=1_000)
    assert "Did you mean [auth_password]?" in sign_in_problem({"auth-password": {"hash": good}})
    assert "section [Login] " in sign_in_problem({"Login": {"hash": good}})
    assert "no 'hash' key (found: Hash)" in sign_in_problem({"auth_password": {"Hash": good}})
    assert "missing client_id" in sign_in_problem({"auth": {"redirect_uri": "u", "cookie_secret": "c"}})


def test_throttle_backs_off_after_the_free_attempts_and_doubles_up_to_the_ceiling():
    now = [1000.0]
    throttle = SignInThrottle(clock=lambda: now[0])
    for _ in range(FREE_ATTEMPTS - 1):
        throttle.record_failure("s")
        assert throttle.wait_seconds("s") == 0.0
    throttle.record_failure("s")
    assert throttle.wait_seconds("s") == FIRST_WAIT_SECONDS
    throttle.record_failure("s")
    assert throttle.wait_seconds("s") == 2 * FIRST_WAIT_SECONDS
    now[0] += 1.5
    assert throttle.wait_seconds("s") == 2 * FIRST_WAIT_SECONDS - 1.5
    assert throttle.wait_seconds("other") == 0.0  # keys are independent
    for _ in range(30):
        throttle.record_failure("s")
    assert throttle.wait_seconds("s") == MAX_WAIT_SECONDS
    throttle.record_success("s")
    assert throttle.wait_seconds("s") == 0.0
