"""Password policy and argon2 hashing."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from personae.auth import (
    MAX_PASSWORD_CHARS,
    MIN_PASSWORD_CHARS,
    check_password_policy,
    hash_password,
    password_needs_rehash,
    verify_password,
)
from personae.errors import InputError, WeakPasswordError

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def stored() -> str:
    return hash_password(PASSWORD)


def test_hash_then_verify_round_trips(stored: str) -> None:
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    assert verify_password(PASSWORD, stored)


def test_a_wrong_password_does_not_verify(stored: str) -> None:
    assert not verify_password("correct horse battery stapler", stored)
    assert not verify_password("", stored)


def test_each_hash_has_its_own_salt(stored: str) -> None:
    assert hash_password(PASSWORD) != stored


@pytest.mark.parametrize("password_hash", [None, "", "!", "not-a-hash", "$argon2id$broken"])
def test_unknown_users_and_unusable_hashes_never_verify(password_hash: str | None) -> None:
    assert not verify_password(PASSWORD, password_hash)


def test_verifying_does_not_apply_todays_policy() -> None:
    legacy = PasswordHasher().hash("short")  # set before the policy existed
    assert verify_password("short", legacy)


def test_over_long_passwords_are_refused_at_login_too(stored: str) -> None:
    assert not verify_password("x" * (MAX_PASSWORD_CHARS + 1), stored)


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("", "blank"),
        ("          ", "blank"),
        ("\t\n  \r\n  ", "blank"),
        ("a" * (MIN_PASSWORD_CHARS - 1), "too_short"),
        ("x" * (MAX_PASSWORD_CHARS + 1), "too_long"),
    ],
)
def test_weak_passwords_are_refused(password: str, reason: str) -> None:
    with pytest.raises(WeakPasswordError) as caught:
        hash_password(password)
    assert caught.value.reason == reason
    assert caught.value.details == {"reason": reason}
    assert caught.value.code == "weak_password"
    assert isinstance(caught.value, InputError)


@pytest.mark.parametrize(
    "password", ["a" * MIN_PASSWORD_CHARS, "x" * MAX_PASSWORD_CHARS, " spaced passphrase "]
)
def test_passwords_at_the_bounds_are_accepted(password: str) -> None:
    assert check_password_policy(password) == password


def test_a_fresh_hash_needs_no_rehash(stored: str) -> None:
    assert not password_needs_rehash(stored)


def test_a_hash_with_weaker_parameters_needs_a_rehash() -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    assert verify_password(PASSWORD, weak)
    assert password_needs_rehash(weak)


def test_an_unusable_hash_needs_a_rehash() -> None:
    assert password_needs_rehash("!")
