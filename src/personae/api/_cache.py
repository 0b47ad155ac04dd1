"""Cached persona reads and the invalidation a write schedules for after its commit.

Keys are ``persona:<owner>:<persona>:<what>``. The owner comes first so that no request
can ever name another owner's entry (a key is built from the caller's own id, and the
loader reads through the owner-scoped services), and so that one prefix drops all of an
owner's entries (account deletion, definitions sync). Everything cached about one persona
shares the prefix ``persona:<owner>:<persona>:``, so one invalidation covers the persona
and its platform adaptations.

Loaders read through the services (:func:`persona_service`, :func:`account_service`, the
services as this app wires them, with these invalidations as their after-commit hooks),
in a unit of work of their own, opened when the loader runs. The cache takes its
invalidation token *before* the loader starts, and a snapshot taken by an earlier query of
the request (the user lookup) could predate a write whose invalidation the token already
reflects; a fresh session cannot.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.concurrency import run_in_threadpool

from personae._metrics import observe_cache
from personae.accounts import AccountService, build_account_service
from personae.api._schemas import PlatformPersonaPublic
from personae.api._state import AppState
from personae.persona import PersonaService, build_persona_service

__all__ = [
    "SESSION_TTL_SECONDS",
    "account_service",
    "owner_prefix",
    "persona_key",
    "persona_prefix",
    "persona_service",
    "platform_key",
    "read_persona_json",
    "read_persona_json_async",
    "read_platform_json",
    "session_key",
    "session_live",
    "session_live_async",
    "sessions_prefix",
]


def owner_prefix(owner_id: int) -> str:
    """Every cached entry of one owner."""
    return f"persona:{owner_id}:"


def persona_prefix(owner_id: int, persona_id: int) -> str:
    """Every cached entry of one persona."""
    return f"persona:{owner_id}:{persona_id}:"


def persona_key(owner_id: int, persona_id: int) -> str:
    """The persona itself (``PersonaPublic`` JSON)."""
    return f"{persona_prefix(owner_id, persona_id)}doc"


def platform_key(owner_id: int, persona_id: int, platform: str) -> str:
    """One platform adaptation of the persona."""
    return f"{persona_prefix(owner_id, persona_id)}platform:{platform}"


SESSION_TTL_SECONDS = 5.0
"""How long a sign-in's state is cached. Revocations through the API invalidate it at
once; this bounds how long one made outside the API (``personae users delete`` against a
server with an in-process cache) takes to reach the server."""


def sessions_prefix(user_id: int) -> str:
    """Every cached sign-in state of one user."""
    return f"session:{user_id}:"


def session_key(user_id: int, session_id: str) -> str:
    """Whether one sign-in (``auth_sessions`` row) is live: ``b"1"`` or ``b"0"``."""
    return f"{sessions_prefix(user_id)}{session_id}"


def persona_service(state: AppState) -> PersonaService:
    """The persona service on the app's database and models
    (:func:`~personae.persona.build_persona_service`, the wiring the CLI and jobs use too);
    it drops the app's cached reads of a persona after each commit that changed it."""

    def changed(owner_id: int, persona_id: int | None) -> None:
        state.cache.invalidate_prefix(
            owner_prefix(owner_id) if persona_id is None else persona_prefix(owner_id, persona_id)
        )

    return build_persona_service(
        state.settings, database=state.database, models=state.llm_for, on_change=changed
    )


def account_service(state: AppState) -> AccountService:
    """The account service on the app's database
    (:func:`~personae.accounts.build_account_service`, as the CLI builds it); after a
    commit that ended a sign-in it drops the user's cached sign-ins, and after an erasure
    everything cached for the owner."""
    return build_account_service(
        state.settings,
        database=state.database,
        on_sessions_changed=lambda user_id: state.cache.invalidate_prefix(sessions_prefix(user_id)),
        on_erased=lambda owner_id: state.cache.invalidate_prefix(owner_prefix(owner_id)),
    )


def session_live(state: AppState, *, user_id: int, session_id: str) -> bool:
    """Whether tokens of this sign-in are still honoured, through the cache.

    Logout, refresh-token reuse and account deletion invalidate the entry after their
    commit (the account service's ``on_sessions_changed`` hook), so the cache's guarantee
    carries over: once the revoking request has answered, no worker honours the session's
    tokens.
    """

    def load() -> bytes:
        live = account_service(state).session_live(user_id, session_id)
        return b"1" if live else b"0"

    key = session_key(user_id, session_id)
    return _counted(state, "session", key, load, ttl=SESSION_TTL_SECONDS) == b"1"


async def session_live_async(state: AppState, *, user_id: int, session_id: str) -> bool:
    """:func:`session_live` for a coroutine: an in-process hit is answered on the loop."""
    if state.cache.in_process:
        cached = state.cache.get(session_key(user_id, session_id))
        if cached is not None:
            observe_cache(cache="session", hit=True)
            return cached == b"1"
    return await run_in_threadpool(session_live, state, user_id=user_id, session_id=session_id)


def _counted(
    state: AppState, kind: str, key: str, load: Callable[[], bytes], *, ttl: float | None = None
) -> bytes:
    """``state.cache.get_or_load``, counted as a hit or a miss (the loader ran) in the
    metrics (``personae_cache_lookups_total{cache=kind}``)."""
    missed = False

    def loader() -> bytes:
        nonlocal missed
        missed = True
        return load()

    value = state.cache.get_or_load(key, loader, ttl=ttl)
    observe_cache(cache=kind, hit=not missed)
    return value


def read_persona_json(state: AppState, *, owner_id: int, persona_id: int) -> bytes:
    """The owner's persona as ``PersonaPublic`` JSON, through the cache.

    Raises
    ------
    PersonaNotFoundError
        No such persona for this owner (nothing is cached).
    """

    def load() -> bytes:
        persona = persona_service(state).read(owner_id, persona_id)
        return persona.model_dump_json().encode()

    return _counted(state, "persona", persona_key(owner_id, persona_id), load)


async def read_persona_json_async(state: AppState, *, owner_id: int, persona_id: int) -> bytes:
    """:func:`read_persona_json` for a coroutine: a hit of an in-process cache is served on
    the event loop; a miss, or a cache that does I/O, goes to a worker thread.

    The thread-pool trip costs more than a cache hit itself, and the cached read is the
    hot path of the API.
    """
    if state.cache.in_process:
        cached = state.cache.get(persona_key(owner_id, persona_id))
        if cached is not None:
            observe_cache(cache="persona", hit=True)
            return cached
    return await run_in_threadpool(
        read_persona_json, state, owner_id=owner_id, persona_id=persona_id
    )


def read_platform_json(state: AppState, *, owner_id: int, persona_id: int, platform: str) -> bytes:
    """One platform adaptation as ``PlatformPersonaPublic`` JSON, through the cache.

    Raises
    ------
    PersonaNotFoundError, NotFoundError
        No such persona for this owner, or no adaptation to ``platform``.
    """

    def load() -> bytes:
        row = persona_service(state).adaptation(owner_id, persona_id, platform)
        return PlatformPersonaPublic.model_validate(row).model_dump_json().encode()

    return _counted(state, "platform", platform_key(owner_id, persona_id, platform), load)
