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
