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
