"""Authentication primitives: passwords, tokens, API keys, roles and rate limits.

Pure functions and small classes with no web framework in sight; the HTTP layer wires
them to routes and the store. The pieces of a login:

>>> from personae.auth import hash_password, issue_tokens, verify_password, decode_token
>>> stored = hash_password("correct horse battery staple")  # at registration
>>> verify_password("correct horse battery staple", stored)  # at login
True
>>> pair = issue_tokens(7, "user")
>>> decode_token(pair.access_token, "access").user_id  # on every request
7

Machines use API keys (:func:`generate_api_key`, :func:`verify_api_key`) in the same
``Authorization: Bearer`` header; :func:`is_api_key` tells the two apart. Every failure
raises a class of :mod:`personae.errors` (``AuthError`` → 401, ``PermissionDeniedError``
→ 403, ``RateLimitedError`` → 429, ``WeakPasswordError`` → 422).

Design notes
============

`personae.auth`
---------------

Pure functions and small classes, no FastAPI; the API layer wires them to the routes
and the store.

- **Passwords** (`_passwords.py`): argon2id through argon2-cffi with its RFC 9106
  low-memory defaults. `check_password_policy` accepts 8 to 256 characters, not blank,
  not in a short list of the most common passwords (`_common_passwords.py`, Python data so
  it ships without packaging changes), and makes no composition rules (NIST SP 800-63B);
  a violation raises
  `WeakPasswordError` with `reason`. `verify_password(pw, None)` checks a dummy hash so
  that the timing of a login does not reveal which e-mail addresses exist.
  `password_needs_rehash` lets logins upgrade old hashes.
- **Tokens** (`_tokens.py`): HS256 JWTs with `sub` (the user id as a string), `type`,
  `iat`, `exp`, `jti` and `sid`, the sign-in (`auth_sessions` row, a random id never
  reissued) the token belongs to; access tokens (`PERSONAE_ACCESS_TOKEN_MINUTES`) also
  carry `role`. The API honours a token only while its sign-in row exists, belongs to
  `sub` and is not revoked, so a token cannot act for a later account that gets a
  deleted user's id (SQLite reuses ids). Refresh rotates: the row keeps the one refresh
  `jti` still usable, a conditional `UPDATE` swaps it, and a token that is not current
  revokes the whole sign-in (reuse detection, OAuth 2.0 Security BCP). Refresh tokens
  (`PERSONAE_REFRESH_TOKEN_DAYS`) carry no role, so the refresh
  endpoint must re-read the user, and a demotion takes effect there. `decode_token` pins the
  algorithm and the expected type. Failures raise `TokenExpiredError` (refresh) or
  `InvalidTokenError` (forged, tampered, malformed, wrong type).
- **API keys** (`_api_keys.py`): `pk_<8-char id>_<43-char secret>`. The store keeps the
  prefix `pk_<id>` for the indexed lookup and a SHA-256 of the whole key. A fast hash is
  enough because the secret has 256 random bits, and it keeps a per-request check cheap.
  Comparisons are constant-time. `is_api_key` tells a key from a JWT in the same
  `Authorization: Bearer` header.
- **Roles** (`_roles.py`): `user` < `admin`; `require_role` raises `PermissionDeniedError`.
- **Rate limits** (`_ratelimit.py`): `RateLimiter.hit(identity, limit=, window_seconds=)`
  returns `RateLimitResult(allowed, limit, remaining, retry_after_seconds)`, and
  `raise_for_limit()` raises `RateLimitedError(retry_after=…)` for a 429 with
  `Retry-After`. Both limiters keep a sliding-window log (at most `limit` hits in *any*
  window; refused hits are not recorded). `MemoryRateLimiter` is thread-safe and bounded.
  `RedisRateLimiter` does trim, count, add and expire in one Lua script on a sorted set,
  timed by the Redis server's clock so that workers agree. When Redis is down it **falls
  back to a per-process `MemoryRateLimiter`** rather than failing open: an outage must not
  open the door to password guessing, and the cost is per-worker counting until Redis is
  back. `build_rate_limiter(settings)` picks one.
- `SECRET_KEY` hygiene lives in `Settings`: with `PERSONAE_ENVIRONMENT=production`, a
  placeholder secret or one shorter than 32 characters is a validation error.
"""

from __future__ import annotations

from personae._types import Role, TokenType
from personae.auth._api_keys import (
    API_KEY_START,
    GeneratedApiKey,
    api_key_prefix,
    generate_api_key,
    hash_api_key,
    is_api_key,
    verify_api_key,
)
from personae.auth._passwords import (
    MAX_PASSWORD_CHARS,
    MIN_PASSWORD_CHARS,
    check_password_policy,
    hash_password,
    password_needs_rehash,
    verify_password,
)
from personae.auth._ratelimit import (
    MemoryRateLimiter,
    RateLimiter,
    RateLimitResult,
    RedisRateLimiter,
    build_rate_limiter,
)
from personae.auth._roles import ROLES, require_role
from personae.auth._tokens import (
    ALGORITHM,
    TokenClaims,
    TokenPair,
    VerifiedTokens,
    create_access_token,
    create_refresh_token,
    decode_token,
    issue_tokens,
    new_token_id,
)

__all__ = [
    "ALGORITHM",
    "API_KEY_START",
    "MAX_PASSWORD_CHARS",
    "MIN_PASSWORD_CHARS",
    "ROLES",
    "GeneratedApiKey",
    "MemoryRateLimiter",
    "RateLimitResult",
    "RateLimiter",
    "RedisRateLimiter",
    "Role",
    "TokenClaims",
    "TokenPair",
    "TokenType",
    "VerifiedTokens",
    "api_key_prefix",
    "build_rate_limiter",
    "check_password_policy",
    "create_access_token",
    "create_refresh_token",
    "decode_token",
    "generate_api_key",
    "hash_api_key",
    "hash_password",
    "is_api_key",
    "issue_tokens",
    "new_token_id",
    "password_needs_rehash",
    "require_role",
    "verify_api_key",
    "verify_password",
]
