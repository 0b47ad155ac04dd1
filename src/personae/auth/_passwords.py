"""Password policy and argon2id hashing.

argon2id (RFC 9106) is memory-hard, so guessing passwords from a stolen database costs an
attacker memory as well as time. argon2-cffi's defaults are the RFC's low-memory profile
(64 MiB, 3 passes); :func:`password_needs_rehash` tells the login path when a stored hash
was made with weaker parameters, so hashes get stronger as users sign in.
"""

from __future__ import annotations

import secrets
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from personae.auth._common_passwords import COMMON_PASSWORDS
from personae.errors import WeakPasswordError

__all__ = [
    "MAX_PASSWORD_CHARS",
    "MIN_PASSWORD_CHARS",
    "check_password_policy",
    "hash_password",
    "password_needs_rehash",
    "verify_password",
]

MIN_PASSWORD_CHARS = 8
"""Shortest password accepted (NIST SP 800-63B's minimum for user-chosen secrets)."""

MAX_PASSWORD_CHARS = 256
"""Longest password accepted: room for passphrases, not for a request-sized payload."""

_hasher = PasswordHasher()


def check_password_policy(password: str) -> str:
    """Refuse a password the policy does not allow; return it unchanged otherwise.

    Length, blankness and a list of commonly used passwords are checked, after NIST SP
    800-63B: composition rules ("one digit, one symbol") push people to predictable
    patterns without adding strength.

    Parameters
    ----------
    password
        The password as typed; never stripped, since spaces can be part of a passphrase.

    Returns
    -------
    str
        ``password``.

    Raises
    ------
    WeakPasswordError
        Empty or whitespace only (``reason="blank"``), shorter than
        :data:`MIN_PASSWORD_CHARS` (``"too_short"``) or longer than
        :data:`MAX_PASSWORD_CHARS` (``"too_long"``), or a commonly used password
        (``"common"``).
    """
    if not password or not password.strip():
        raise WeakPasswordError("the password is empty or only spaces", reason="blank")
    if len(password) < MIN_PASSWORD_CHARS:
        raise WeakPasswordError(
            f"the password has {len(password)} characters; use at least {MIN_PASSWORD_CHARS}",
            reason="too_short",
        )
    if len(password) > MAX_PASSWORD_CHARS:
        raise WeakPasswordError(
            f"the password has {len(password)} characters; the most allowed is "
            f"{MAX_PASSWORD_CHARS}",
            reason="too_long",
        )
    if password.lower() in COMMON_PASSWORDS:
        raise WeakPasswordError(
            "the password is one of the most commonly used; choose another",
            reason="common",
        )
    return password


def hash_password(password: str) -> str:
    """Check ``password`` against the policy and hash it with argon2id.

    Parameters
    ----------
    password
        A new password (registration or change).

    Returns
    -------
    str
        The PHC-format hash (``$argon2id$v=19$m=…``) to store; it carries its own salt
        and parameters.

    Raises
    ------
    WeakPasswordError
        The policy refuses the password.

    Examples
    --------
    >>> stored = hash_password("correct horse battery staple")
    >>> verify_password("correct horse battery staple", stored)
    True
    """
    return _hasher.hash(check_password_policy(password))


def verify_password(password: str, password_hash: str | None) -> bool:
    """Whether ``password`` matches ``password_hash``, in time that reveals nothing.

    The policy is not applied: a password set under an older policy must still work.

    Parameters
    ----------
    password
        The password as typed at login.
    password_hash
        The stored hash, or ``None`` when no user has the e-mail address given. Then a
        dummy hash is checked so that the answer takes as long as for a real user and the
        response time does not tell an attacker which addresses are registered.

    Returns
    -------
    bool
        ``False`` for a wrong password, an unknown user, a password longer than any
        policy allowed, or a stored value that is not an argon2 hash (such as the
        ``"!"`` of an account without a password).
    """
    if len(password) > MAX_PASSWORD_CHARS:
        return False
    try:
        _hasher.verify(password_hash or _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return False
    return bool(password_hash)


def password_needs_rehash(password_hash: str) -> bool:
    """Whether a stored hash was made with other parameters than today's.

    Call it after a successful :func:`verify_password` and, if true, store
    ``hash_password(password)`` in its place.
    """
    try:
        return _hasher.check_needs_rehash(password_hash)
    except (InvalidHashError, ValueError):
        return True


@cache
def _dummy_hash() -> str:
    """A hash of a random password, made once, for timing-safe checks of unknown users."""
    return _hasher.hash(secrets.token_urlsafe(16))
