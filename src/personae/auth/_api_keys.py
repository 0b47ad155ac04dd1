"""API keys for machines: ``pk_<8-char id>_<secret>``, stored as a prefix and a hash.

The ``pk_`` start makes a leaked key easy to recognise (secret scanners, logs) and to
tell from a JWT in the same ``Authorization: Bearer`` header. The id part, stored in
clear as the key's **prefix** (``pk_ab12cd34``), finds the row with an indexed lookup and
lets owners tell their keys apart. The secret is 32 random bytes, so the stored
**SHA-256** of the whole key is safe without a slow password hash: there is nothing to
guess from, and verification stays cheap enough to run on every request. Hashing the
whole key rather than the secret alone binds the secret to its prefix. The comparison is
constant-time.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import string
from typing import NamedTuple

from personae.errors import InvalidCredentialsError

__all__ = [
    "API_KEY_START",
    "GeneratedApiKey",
    "api_key_prefix",
    "generate_api_key",
    "hash_api_key",
    "is_api_key",
    "verify_api_key",
]

API_KEY_START = "pk_"
"""How every personae API key begins."""

_ID_ALPHABET = string.ascii_lowercase + string.digits
_ID_CHARS = 8
_SECRET_BYTES = 32
_PATTERN = re.compile(
    rf"^({re.escape(API_KEY_START)}[a-z0-9]{{{_ID_CHARS}}})_[A-Za-z0-9_-]{{32,128}}$"
)


class GeneratedApiKey(NamedTuple):
    """A new key: show ``plaintext`` once, store ``prefix`` and ``key_hash``."""

    plaintext: str
    prefix: str
    key_hash: str


def generate_api_key() -> GeneratedApiKey:
    """Make a new API key.

    Returns
    -------
    GeneratedApiKey
        ``(plaintext, prefix, key_hash)``. The plaintext is shown to its owner once and
        never stored.

    Examples
    --------
    >>> plaintext, prefix, key_hash = generate_api_key()
    >>> plaintext.startswith(prefix + "_") and verify_api_key(plaintext, key_hash)
    True
    """
    key_id = "".join(secrets.choice(_ID_ALPHABET) for _ in range(_ID_CHARS))
    prefix = f"{API_KEY_START}{key_id}"
    plaintext = f"{prefix}_{secrets.token_urlsafe(_SECRET_BYTES)}"
    return GeneratedApiKey(plaintext=plaintext, prefix=prefix, key_hash=hash_api_key(plaintext))


def hash_api_key(plaintext: str) -> str:
    """The hex SHA-256 of a key, as stored."""
    return hashlib.sha256(plaintext.encode("utf-8")).hexdigest()


def is_api_key(token: str) -> bool:
    """Whether a bearer token is meant as an API key rather than a JWT."""
    return token.startswith(API_KEY_START)


def api_key_prefix(plaintext: str) -> str:
    """The lookup prefix of a presented key (``pk_ab12cd34``).

    Raises
    ------
    InvalidCredentialsError
        The value is not shaped like a personae API key.
    """
    match = _PATTERN.fullmatch(plaintext)
    if match is None:
        raise InvalidCredentialsError("the API key is malformed")
    return match.group(1)


def verify_api_key(plaintext: str, key_hash: str) -> bool:
    """Whether ``plaintext`` is the key whose hash is ``key_hash`` (constant-time)."""
    return hmac.compare_digest(hash_api_key(plaintext), key_hash)
