"""The auth part of the error tree: classes, stable codes, the retry hint."""

from __future__ import annotations

import pytest

from personae.errors import (
    AuthError,
    InputError,
    InvalidCredentialsError,
    InvalidTokenError,
    PermissionDeniedError,
    PersonaeError,
    RateLimitedError,
    TokenExpiredError,
    WeakPasswordError,
)


@pytest.mark.parametrize(
    ("cls", "parent", "code"),
    [
        (AuthError, PersonaeError, "unauthenticated"),
        (InvalidCredentialsError, AuthError, "invalid_credentials"),
        (TokenExpiredError, AuthError, "token_expired"),
        (InvalidTokenError, AuthError, "invalid_token"),
        (PermissionDeniedError, PersonaeError, "permission_denied"),
        (RateLimitedError, PersonaeError, "rate_limited"),
        (WeakPasswordError, InputError, "weak_password"),
    ],
)
def test_classes_sit_in_the_tree_with_stable_codes(
    cls: type[PersonaeError], parent: type[PersonaeError], code: str
) -> None:
    assert issubclass(cls, parent)
    assert cls.code == code


def test_permission_denied_is_not_an_auth_error() -> None:
    # 403 (known caller, not allowed) must not be mapped like 401 (unknown caller).
    assert not issubclass(PermissionDeniedError, AuthError)


def test_rate_limited_carries_retry_after() -> None:
    error = RateLimitedError(retry_after=30, limit=120)
    assert error.retry_after == 30
    assert error.details == {"retry_after": 30, "limit": 120}
    assert "30 seconds" in error.message
