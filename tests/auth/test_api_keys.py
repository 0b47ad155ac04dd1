"""API keys: format, lookup prefix, hash-only storage, verification."""

from __future__ import annotations

import hashlib
import re

import pytest

from personae.auth import (
    api_key_prefix,
    generate_api_key,
    hash_api_key,
    is_api_key,
    verify_api_key,
)
from personae.errors import InvalidCredentialsError


def test_round_trip() -> None:
    plaintext, prefix, key_hash = generate_api_key()
    assert verify_api_key(plaintext, key_hash)
    assert api_key_prefix(plaintext) == prefix


def test_the_format_is_recognisable() -> None:
    key = generate_api_key()
    assert re.fullmatch(r"pk_[a-z0-9]{8}", key.prefix)
    assert key.plaintext.startswith(key.prefix + "_")
    assert len(key.plaintext) > 40
    assert is_api_key(key.plaintext)
    assert not is_api_key("eyJhbGciOiJIUzI1NiJ9.e30.sig")


def test_only_a_sha256_hash_is_stored() -> None:
    key = generate_api_key()
    secret = key.plaintext.removeprefix(key.prefix + "_")
    assert secret not in key.key_hash
    assert key.key_hash == hashlib.sha256(key.plaintext.encode()).hexdigest()
    assert hash_api_key(key.plaintext) == key.key_hash


def test_every_key_is_new() -> None:
    keys = [generate_api_key() for _ in range(50)]
    assert len({key.plaintext for key in keys}) == 50
    assert len({key.prefix for key in keys}) == 50


def test_a_wrong_key_does_not_verify() -> None:
    plaintext, _, key_hash = generate_api_key()
    other, _, _ = generate_api_key()
    assert not verify_api_key(other, key_hash)
    assert not verify_api_key(plaintext[:-1] + ("A" if plaintext[-1] != "A" else "B"), key_hash)
    assert not verify_api_key("", key_hash)


def test_a_secret_moved_to_another_prefix_does_not_verify() -> None:
    plaintext, prefix, key_hash = generate_api_key()
    moved = plaintext.replace(prefix, "pk_00000000", 1)
    assert not verify_api_key(moved, key_hash)


@pytest.mark.parametrize(
    "value", ["", "pk_", "pk_short_secret", "sk_abcdefgh_" + "x" * 43, "pk_ABCDEFGH_" + "x" * 43]
)
def test_malformed_keys_are_refused_before_any_lookup(value: str) -> None:
    with pytest.raises(InvalidCredentialsError) as caught:
        api_key_prefix(value)
    assert caught.value.code == "invalid_credentials"
