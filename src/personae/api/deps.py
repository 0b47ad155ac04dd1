"""The API's dependencies, declared once as ``Annotated`` aliases.

Routes ask for what they need by type::

    @router.get("/{persona_id}")
    def read(persona_id: PersonaIdPath, caller: CurrentUserDep, service: PersonaServiceDep): ...

No route opens a session: each service method is one unit of work that commits before
it returns (so before the response is sent), then runs its after-commit hooks (the
cache invalidations). A client that got a response to a write can rely on it being
durable and visible everywhere.
- :data:`CurrentUserDep`: the caller, from ``Authorization: Bearer`` with an access token
  or an API key, then counted by the rate limiter. An access token is trusted as signed
  (its user id and role), so a request needs no database read to be authorised, as
  ``personae.auth`` intends; an API key is looked up by its prefix. A read served from
  the cache therefore touches no database. :data:`LiveUserDep` also confirms the account
  still exists (routes that create rows or act on the account); :data:`AdminDep` needs
  the admin role, confirmed against the store; :data:`PasswordUserDep` refuses API keys
  (for managing keys and the account).
- :data:`SettingsDep`, :data:`CacheDep`, :data:`StateDep`: what the app's lifespan built.
- :data:`PersonaServiceDep`, :data:`AccountServiceDep`, :data:`StrategyServiceDep`: the
  services on the app's database, wired as the CLI and jobs wire them
  (:func:`~personae.api._cache.persona_service` and
  :func:`~personae.api._cache.account_service` add the app's cache invalidations as their
  after-commit hooks).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Annotated

from fastapi import Depends, Path, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.security.utils import get_authorization_scheme_param
from starlette.concurrency import run_in_threadpool

from personae._types import Role
from personae.accounts import AccountService
from personae.api._cache import (
    account_service,
    persona_service,
    session_live_async,
)
from personae.api._schemas import PLATFORM_PATTERN
from personae.api._state import AppState
from personae.auth import RateLimiter, is_api_key, require_role
from personae.cache import Cache
from personae.config import Settings
from personae.errors import AuthError, InvalidTokenError, PermissionDeniedError
from personae.persona import PersonaService
from personae.store import MAX_INT
from personae.strategy import StrategyServices, build_strategy_service
from personae.vectors import Embedder, LazyEmbedder

__all__ = [
    "AccountServiceDep",
    "AdminDep",
    "CacheDep",
    "Caller",
    "CurrentUserDep",
    "LabelPath",
    "LimiterDep",
    "LiveUserDep",
    "PasswordUserDep",
    "PersonaIdPath",
    "PersonaServiceDep",
    "PlatformPath",
    "SettingsDep",
    "StateDep",
    "StrategyServiceDep",
    "VersionPath",
    "authenticate",
    "bearer_token",
    "confirm_admin",
    "get_current_user",
    "get_embedder",
    "get_state",
    "identify",
    "limit_account_sign_in",
    "limit_sign_in",
    "spend_rate_budget",
]

# Dependencies that only look something up are ``async``: FastAPI runs them on the event
# loop instead of hopping to the thread pool for each. Anything that does I/O (database,
# Redis) stays a plain function and runs in the pool.

_RATE_WINDOW_SECONDS = 60.0


async def get_state(request: Request) -> AppState:
    """What the lifespan built for this app."""
    state: AppState = request.app.state.personae
    return state


StateDep = Annotated[AppState, Depends(get_state)]


async def _settings(state: StateDep) -> Settings:
    return state.settings


async def _cache(state: StateDep) -> Cache:
    return state.cache


async def _limiter(state: StateDep) -> RateLimiter:
    return state.limiter


async def _persona_service(state: StateDep) -> PersonaService:
    return persona_service(state)


async def _account_service(state: StateDep) -> AccountService:
    return account_service(state)


async def get_embedder(request: Request, state: StateDep) -> Embedder:
    """The app's embedder for strategy descriptions, one per app, loaded on first use."""
    embedder: Embedder | None = getattr(request.app.state, "strategy_embedder", None)
    if embedder is None:
        embedder = LazyEmbedder(state.settings)
        request.app.state.strategy_embedder = embedder
    return embedder


async def _strategy_service(
    state: StateDep, embedder: Annotated[Embedder, Depends(get_embedder)]
) -> StrategyServices:
    return build_strategy_service(state.settings, database=state.database, embedder=embedder)


SettingsDep = Annotated[Settings, Depends(_settings)]
StrategyServiceDep = Annotated[StrategyServices, Depends(_strategy_service)]
PersonaServiceDep = Annotated[PersonaService, Depends(_persona_service)]
AccountServiceDep = Annotated[AccountService, Depends(_account_service)]
CacheDep = Annotated[Cache, Depends(_cache)]
LimiterDep = Annotated[RateLimiter, Depends(_limiter)]


# -- who is calling -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Caller:
    """The authenticated caller of a request."""

    id: int
    role: Role
    api_key_id: int | None = None
    api_key_prefix: str | None = None
    session_id: str | None = None
    """The sign-in of an access token (``sid``); ``None`` for API keys."""

    @property
    def is_admin(self) -> bool:
        """Whether the caller may act on other users' data where the API allows it."""
        return self.role == "admin"

    @property
    def rate_identity(self) -> str:
        """Whose budget a request spends: each API key has its own, apart from its owner."""
        if self.api_key_prefix is not None:
            return f"key:{self.api_key_prefix}"
        return f"user:{self.id}"


_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="bearer",
    description=(
        "An access token from POST /api/auth/login (or /register, /refresh), or an API key "
        "(pk_…) from POST /api/auth/keys."
    ),
)


async def _from_access_token(state: AppState, token: str) -> Caller:
    """The caller an access token names, if its sign-in is still live.

    The signature is checked once per token (:class:`~personae.auth.VerifiedTokens`
    remembers it until ``exp``); the token's session (``sid``) is checked on every use
    through the cache (:func:`~personae.api._cache.session_live_async`: an in-process
    hit, or one Redis round trip), so logout, refresh-token reuse and account deletion
    end a token at once, and a token can never act for a later account that happens to
    get the same user id. :data:`AdminDep` still confirms the role against the store.
    """
    claims = state.verified_tokens.access_claims(token, settings=state.settings)
    if claims.user_id > MAX_INT or claims.role is None:
        raise InvalidTokenError("the token's claims are not a user of this service")
    if claims.session_id is None or not await session_live_async(
        state, user_id=claims.user_id, session_id=claims.session_id
    ):
        raise InvalidTokenError("the token's sign-in has ended; sign in again")
    return Caller(id=claims.user_id, role=claims.role, session_id=claims.session_id)


def bearer_token(authorization: str | None) -> str | None:
    """The credentials of an ``Authorization: Bearer …`` header (``None`` when absent).

    The same reading as FastAPI's ``HTTPBearer``: the scheme is case-insensitive.
    """
    scheme, credentials = get_authorization_scheme_param(authorization)
    if not authorization or scheme.lower() != "bearer" or not credentials:
        return None
    return credentials


async def authenticate(state: AppState, token: str | None) -> Caller:
    """Authenticate a request's bearer credentials, then spend one unit of its rate budget.

    Needs no session of the request: an access token is checked by its signature alone,
    and an API key is looked up in a short unit of work of its own (which also records
    its use). So a read served from the cache touches no database at all.

    It is a coroutine because the common case (a token, an in-process limiter) is pure
    computation: a trip to the thread pool would cost more than the work. Only what does
    I/O (the API-key lookup, a Redis limiter) goes to a worker thread.

    Raises
    ------
    AuthError
        No bearer credentials, or an expired, forged or revoked token or key (401).
    RateLimitedError
        The caller used up ``rate_limit_per_minute`` (429 with ``Retry-After``).
    """
    caller = await identify(state, token)
    await spend_rate_budget(state, caller)
    return caller


async def identify(state: AppState, token: str | None) -> Caller:
    """Who ``token`` (an access token or an API key) is, without spending rate budget.

    Open WebSockets call it again now and then, so a revoked key or an ended sign-in
    closes them.

    Raises
    ------
    AuthError
        No credentials, or an expired, forged or revoked token or key (401).
    """
    if not token:
        raise AuthError("sign in first: send 'Authorization: Bearer <access token or API key>'")
    if is_api_key(token):
        return await run_in_threadpool(_caller_from_api_key, state, token)
    return await _from_access_token(state, token)


async def spend_rate_budget(state: AppState, caller: Caller) -> None:
    """Spend one unit of the caller's budget (``rate_limit_per_minute``): every way in
    (a REST request, a WebSocket chat turn, an SSE stream) goes through here.

    Raises
    ------
    RateLimitedError
        The caller used up ``rate_limit_per_minute`` (429 with ``Retry-After``).
    """
    limiter = state.limiter
    spend = partial(
        limiter.hit,
        caller.rate_identity,
        limit=state.settings.rate_limit_per_minute,
        window_seconds=_RATE_WINDOW_SECONDS,
    )
    result = spend() if limiter.in_process else await run_in_threadpool(spend)
    result.raise_for_limit()


async def get_current_user(
    state: StateDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Caller:
    """:func:`authenticate` as a dependency (``HTTPBearer`` documents the scheme in OpenAPI)."""
    return await authenticate(state, credentials.credentials if credentials else None)


def _caller_from_api_key(state: AppState, key: str) -> Caller:
    holder = account_service(state).key_holder(key)
    return Caller(
        id=holder.user_id, role=holder.role, api_key_id=holder.key_id, api_key_prefix=holder.prefix
    )


CurrentUserDep = Annotated[Caller, Depends(get_current_user)]


def _live_user(caller: CurrentUserDep, accounts: AccountServiceDep) -> Caller:
    if not accounts.exists(caller.id):
        raise InvalidTokenError("the token's user no longer exists; sign in again")
    return caller


LiveUserDep = Annotated[Caller, Depends(_live_user)]
"""A caller whose account still exists (401 otherwise): for routes that create rows owned
by the caller or act on the account, where a token outliving its account must not end in
a confusing 404. One primary-key read, on writes only."""


def confirm_admin(accounts: AccountService, caller: Caller) -> bool:
    """Whether the caller is an admin *now*: the token says so and so does the store.

    Admin powers are checked against the store, not only the token, so a demotion takes
    effect at once where it matters; it costs one read, on admin actions only.
    """
    return caller.is_admin and accounts.is_admin(caller.id)


def _admin(caller: CurrentUserDep, accounts: AccountServiceDep) -> Caller:
    require_role("admin" if confirm_admin(accounts, caller) else "user", "admin")
    return caller


AdminDep = Annotated[Caller, Depends(_admin)]
"""An admin caller (403 otherwise). For routes only admins may use at all."""


async def _password_user(caller: LiveUserDep) -> Caller:
    if caller.api_key_id is not None:
        raise PermissionDeniedError(
            "API keys cannot manage API keys or the account; use an access token from "
            "/api/auth/login",
            reason="api_key",
        )
    return caller


PasswordUserDep = Annotated[Caller, Depends(_password_user)]
"""A caller signed in with a password (access token), not a machine with an API key: a
leaked key must not be able to mint more keys or erase the account."""


def limit_account_sign_in(state: AppState, email: str) -> None:
    """Count a sign-in attempt against the account it names (its e-mail, lower-cased).

    The per-address budget of :func:`limit_sign_in` alone lets an attacker with many
    addresses guess one account's password; this budget is per account, whoever asks.

    Raises
    ------
    RateLimitedError
        The account used up ``auth_rate_limit_per_minute`` (429 with ``Retry-After``).
    """
    state.limiter.hit(
        f"signin-account:{email.strip().lower()}",
        limit=state.settings.auth_rate_limit_per_minute,
        window_seconds=_RATE_WINDOW_SECONDS,
    ).raise_for_limit()


def limit_sign_in(request: Request, state: StateDep) -> None:
    """Count a request to the sign-in routes against its client address.

    Register, login and refresh have no user yet to count against, so they share a
    per-address budget (``auth_rate_limit_per_minute``): the brake on password guessing.

    Raises
    ------
    RateLimitedError
        The address used up its budget (429 with ``Retry-After``).
    """
    address = request.client.host if request.client is not None else "unknown"
    state.limiter.hit(
        f"signin:{address}",
        limit=state.settings.auth_rate_limit_per_minute,
        window_seconds=_RATE_WINDOW_SECONDS,
    ).raise_for_limit()


# -- path parameters ----------------------------------------------------------------------

PersonaIdPath = Annotated[int, Path(ge=1, le=MAX_INT, description="The persona's id.")]
VersionPath = Annotated[int, Path(ge=1, le=MAX_INT, description="A version number.")]
PlatformPath = Annotated[
    str,
    Path(
        pattern=PLATFORM_PATTERN,
        description="Platform name: lower-case letters, digits, '_' or '-' (e.g. linkedin).",
    ),
]
LabelPath = Annotated[
    str,
    Path(
        pattern=r"^[a-z0-9][a-z0-9_.-]{0,49}$",
        description="Label name: lower-case letters, digits, '_', '.' or '-' (e.g. production).",
    ),
]
