"""Access and refresh tokens: HS256 JWTs signed with ``PERSONAE_SECRET_KEY``.

An **access** token (``access_token_minutes``, 15 by default) authorises requests and
carries the role, so a request needs no database read to be authorised. A **refresh**
token (``refresh_token_days``, 14) can only buy a new pair. It carries no role on purpose:
the refresh endpoint must re-read the user, so a deleted or demoted user's next access
token reflects that. Both carry ``sub`` (the user id, a string as RFC 7519 requires),
``type``, ``iat``, ``exp`` and a unique ``jti`` that a deny-list can name.

Tokens are decoded with the algorithm pinned to HS256, so ``alg: none`` and algorithm
confusion are refused, and every failure becomes one of two typed errors:
:class:`~personae.errors.TokenExpiredError` (refresh) or
:class:`~personae.errors.InvalidTokenError` (sign in again).
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, get_args

import jwt

from personae._types import Role, TokenType
from personae.config import Settings, get_settings
from personae.errors import InvalidTokenError, TokenExpiredError

__all__ = [
    "ALGORITHM",
    "TokenClaims",
    "TokenPair",
    "VerifiedTokens",
    "create_access_token",
    "create_refresh_token",
    "decode_token",
    "issue_tokens",
    "new_token_id",
]

ALGORITHM = "HS256"
"""The only signing algorithm personae issues or accepts."""

_REQUIRED_CLAIMS = ["sub", "type", "iat", "exp", "jti"]


@dataclass(frozen=True, slots=True)
class TokenClaims:
    """What a valid token says about its bearer."""

    user_id: int
    """The ``sub`` claim, as the store's integer user id."""
    type: TokenType
    role: Role | None
    """The role for access tokens; ``None`` for refresh tokens (re-read the user)."""
    jti: str
    """Unique id of this token, for deny-lists and refresh-token rotation."""
    issued_at: datetime
    expires_at: datetime
    session_id: str | None = None
    """The ``sid`` claim: the sign-in (``auth_sessions`` row) the token belongs to. The
    API honours a token only while its session is live, so logout, refresh-token reuse
    and account deletion end it; ``None`` for tokens minted without a session, which the
    API refuses."""


@dataclass(frozen=True, slots=True)
class TokenPair:
    """What a login or a refresh returns (OAuth 2 field names)."""

    access_token: str
    refresh_token: str
    expires_in: int
    """Seconds the access token is valid."""
    token_type: Literal["bearer"] = "bearer"


def create_access_token(
    user_id: int,
    role: Role,
    *,
    session_id: str | None = None,
    settings: Settings | None = None,
    now: datetime | None = None,
) -> str:
    """A signed access token for ``user_id`` acting as ``role``.

    Parameters
    ----------
    user_id
        The user's id in the store.
    role
        ``"user"`` or ``"admin"``.
    session_id
        The sign-in the token belongs to (``sid``); the API refuses tokens without one.
    settings
        Secret and lifetime; :func:`~personae.config.get_settings` by default.
    now
        Issue time (UTC); tests pass one in the past to get an expired token.

    Returns
    -------
    str
        The compact JWT to send as ``Authorization: Bearer <token>``.

    Examples
    --------
    >>> token = create_access_token(7, "user")
    >>> decode_token(token, "access").user_id
    7
    """
    if role not in get_args(Role):
        raise ValueError(f"unknown role {role!r}; expected one of {get_args(Role)}")
    settings = settings if settings is not None else get_settings()
    lifetime = timedelta(minutes=settings.access_token_minutes)
    return _encode(user_id, "access", lifetime, settings, now, role=role, session_id=session_id)


def create_refresh_token(
    user_id: int,
    *,
    session_id: str | None = None,
    jti: str | None = None,
    settings: Settings | None = None,
    now: datetime | None = None,
) -> str:
    """A signed refresh token for ``user_id``; see :func:`create_access_token`.

    ``jti`` names this refresh token (the store keeps the one current per session, so
    rotation can tell a reused one); random when ``None``.
    """
    settings = settings if settings is not None else get_settings()
    lifetime = timedelta(days=settings.refresh_token_days)
    return _encode(
        user_id, "refresh", lifetime, settings, now, role=None, session_id=session_id, jti=jti
    )


def issue_tokens(
    user_id: int,
    role: Role,
    *,
    session_id: str | None = None,
    refresh_jti: str | None = None,
    settings: Settings | None = None,
    now: datetime | None = None,
) -> TokenPair:
    """A fresh access and refresh token, as a login or refresh answers them."""
    settings = settings if settings is not None else get_settings()
    return TokenPair(
        access_token=create_access_token(
            user_id, role, session_id=session_id, settings=settings, now=now
        ),
        refresh_token=create_refresh_token(
            user_id, session_id=session_id, jti=refresh_jti, settings=settings, now=now
        ),
        expires_in=settings.access_token_minutes * 60,
    )


def new_token_id() -> str:
    """A random, never reissued id for a token (``jti``) or a sign-in session (``sid``)."""
    return secrets.token_urlsafe(24)


def decode_token(
    token: str,
    expected_type: TokenType,
    *,
    settings: Settings | None = None,
    leeway: float = 0.0,
) -> TokenClaims:
    """Verify ``token`` and return its claims.

    Parameters
    ----------
    token
        The compact JWT (without the ``Bearer`` word).
    expected_type
        ``"access"`` for requests, ``"refresh"`` for the refresh endpoint: a refresh
        token must never authorise a request, nor an access token buy new tokens.
    settings
        The secret; :func:`~personae.config.get_settings` by default.
    leeway
        Seconds of clock skew tolerated on ``exp`` (for tokens checked on another host).

    Returns
    -------
    TokenClaims
        The verified claims.

    Raises
    ------
    TokenExpiredError
        The token is genuine but past ``exp``.
    InvalidTokenError
        Bad signature (forged, or signed with another secret), tampered payload, not a
        JWT, another algorithm, a missing or ill-typed claim, or the wrong ``type``.
    """
    settings = settings if settings is not None else get_settings()
    try:
        payload: dict[str, Any] = jwt.decode(
            token,
            settings.secret_key.get_secret_value(),
            algorithms=[ALGORITHM],
            options={"require": _REQUIRED_CLAIMS},
            leeway=leeway,
        )
    except jwt.ExpiredSignatureError as exc:
        raise TokenExpiredError("the token has expired; refresh it or sign in again") from exc
    except jwt.InvalidSignatureError as exc:
        raise InvalidTokenError("the token's signature does not match") from exc
    except jwt.InvalidTokenError as exc:
        raise InvalidTokenError(f"the token cannot be used: {exc}") from exc
    return _claims(payload, expected_type)


def _encode(
    user_id: int,
    token_type: TokenType,
    lifetime: timedelta,
    settings: Settings,
    now: datetime | None,
    *,
    role: Role | None,
    session_id: str | None = None,
    jti: str | None = None,
) -> str:
    if isinstance(user_id, bool) or not isinstance(user_id, int) or user_id < 1:
        raise ValueError(f"a user id is a positive integer; got {user_id!r}")
    issued = (now if now is not None else datetime.now(UTC)).astimezone(UTC)
    payload: dict[str, Any] = {
        "sub": str(user_id),
        "type": token_type,
        "iat": int(issued.timestamp()),
        "exp": int((issued + lifetime).timestamp()),
        "jti": jti if jti is not None else new_token_id(),
    }
    if role is not None:
        payload["role"] = role
    if session_id is not None:
        payload["sid"] = session_id
    return jwt.encode(payload, settings.secret_key.get_secret_value(), algorithm=ALGORITHM)


def _claims(payload: dict[str, Any], expected_type: TokenType) -> TokenClaims:
    """Check the claims' types and meaning; the signature and ``exp`` are already verified."""
    token_type = payload.get("type")
    if token_type not in get_args(TokenType):
        raise InvalidTokenError("the token has no valid type")
    if token_type != expected_type:
        raise InvalidTokenError(f"expected an {expected_type} token, got a {token_type} token")
    subject = payload.get("sub")
    if not isinstance(subject, str) or not subject.isascii() or not subject.isdigit():
        raise InvalidTokenError("the token's subject is not a user id")
    role = payload.get("role")
    if token_type == "access" and role not in get_args(Role):
        raise InvalidTokenError("the access token carries no valid role")
    jti = payload.get("jti")
    if not isinstance(jti, str) or not jti:
        raise InvalidTokenError("the token has no id")
    session_id = payload.get("sid")
    if session_id is not None and (not isinstance(session_id, str) or not session_id):
        raise InvalidTokenError("the token's session id is not a string")
    issued_at, expires_at = payload.get("iat"), payload.get("exp")
    if not isinstance(issued_at, int | float) or not isinstance(expires_at, int | float):
        raise InvalidTokenError("the token's times are not numbers")
    return TokenClaims(
        user_id=int(subject),
        type=token_type,
        role=role if token_type == "access" else None,
        jti=jti,
        issued_at=datetime.fromtimestamp(issued_at, UTC),
        expires_at=datetime.fromtimestamp(expires_at, UTC),
        session_id=session_id,
    )


class VerifiedTokens:
    """Access tokens already verified, remembered with their claims until they expire.

    Checking an HS256 signature and parsing the claims costs tens of microseconds on
    every request, more than serving a cached persona. A token is immutable and carries
    its own expiry, so once verified its answer cannot change before ``exp``: remembering
    it is exact, not a heuristic. Only valid *access* tokens are remembered (never a
    failure, so a forged token is re-checked and refused every time). The memo is bounded:
    when full it is emptied, which costs one re-verification per live token.

    Parameters
    ----------
    max_entries
        Most tokens remembered at once.
    clock
        Seconds since the epoch; tests pass a fake one.
    """

    def __init__(
        self, *, max_entries: int = 10_000, clock: Callable[[], float] = time.time
    ) -> None:
        if max_entries < 1:
            raise ValueError(f"max_entries must be positive; got {max_entries}")
        self._max_entries = max_entries
        self._clock = clock
        self._claims: dict[str, tuple[TokenClaims, float]] = {}

    def __len__(self) -> int:
        return len(self._claims)

    def access_claims(self, token: str, *, settings: Settings) -> TokenClaims:
        """The claims of a valid access token: from memory, else :func:`decode_token`.

        Raises
        ------
        TokenExpiredError, InvalidTokenError
            As :func:`decode_token`; an expired token is also forgotten.
        """
        remembered = self._claims.get(token)
        if remembered is not None:
            claims, expires = remembered
            if self._clock() < expires:
                return claims
            del self._claims[token]
        claims = decode_token(token, "access", settings=settings)
        if len(self._claims) >= self._max_entries:
            self._claims.clear()
        self._claims[token] = (claims, claims.expires_at.timestamp())
        return claims
