"""Persona chat: traits, seed 002's personality adjustments, memories, chat turns.

- ``GET|POST /api/personas/{persona_id}/traits``, ``GET|PATCH|DELETE
  /api/personas/{persona_id}/traits/{trait_id}`` and
  ``GET /api/personas/{persona_id}/traits/proposals``: the persona's traits (its own,
  ``t<n>``, and inherited core traits, ``c<n>``; ``"inherited": true`` on create makes
  an owner-wide core trait).
- ``PUT /api/personality`` (seed 002): ``personaId``, ``traitId``, ``action``
  (``increase`` / ``decrease`` / ``set``), ``intensity``.
- ``GET /api/personas/{persona_id}/memories``: memories with hygiene figures;
  ``DELETE .../memories/{memory_id}`` forgets one.
- ``POST /api/chat`` (seed 002): ``message``, ``personaId``, ``sessionId`` → ``ChatResponse``.
- ``GET /api/chat/sessions/{session_id}/messages``: a session's history.

Another owner's persona, trait or session is a 404, like a missing one.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, WebSocket, WebSocketDisconnect
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection

from personae.api._envelope import Envelope, error_responses, ok
from personae.api._errors import status_for
from personae.api._schemas import RequestLLMSpec
from personae.api._state import AppState
from personae.api.deps import (
    CurrentUserDep,
    LiveUserDep,
    PersonaIdPath,
    StateDep,
    authenticate,
    identify,
)
from personae.chat import (
    ChatLine,
    ChatResponse,
    ChatService,
    MemoryList,
    MemoryStore,
    TraitProposalView,
    TraitView,
    build_chat_service,
    build_memory_store,
)
from personae.errors import AuthError, InputError, PersonaeError
from personae.store import MAX_INT

__all__ = ["get_chat_service", "get_memory_store", "router"]

logger = logging.getLogger("personae.api")

WS_AUTH_TIMEOUT = 10.0
"""Seconds a WebSocket client has to authenticate before it is closed."""

router = APIRouter(tags=["chat"], responses=error_responses(401, 404, 422, 429))

TraitIdPath = Annotated[
    str,
    Path(pattern=r"^[ct]?[0-9]{1,10}$", description="A trait id: 't12' (own) or 'c3' (core)."),
]


def get_memory_store(connection: HTTPConnection) -> MemoryStore:
    """The app's memory store (:func:`~personae.chat.build_memory_store`: the configured
    embedder and the ``memories`` index, both built on first use), one per app; tests
    override this dependency. It serves HTTP requests and WebSockets alike."""
    state: AppState = connection.app.state.personae
    store: MemoryStore | None = getattr(connection.app.state, "chat_memory", None)
    if store is None:
        store = build_memory_store(state.settings, state.database)
        connection.app.state.chat_memory = store
    return store


MemoryDep = Annotated[MemoryStore, Depends(get_memory_store)]


def _service(state: AppState, memory: MemoryStore, spec: str | None = None) -> ChatService:
    return build_chat_service(
        state.settings, database=state.database, models=state.llm_for, spec=spec, memory=memory
    )


def get_chat_service(state: StateDep, memory: MemoryDep) -> ChatService:
    """The chat service with the configured model, for the routes that name none."""
    return _service(state, memory)


ChatDep = Annotated[ChatService, Depends(get_chat_service)]


# -- traits -------------------------------------------------------------------------------

TraitName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class TraitCreate(BaseModel):
    """A trait set by hand; ``inherited`` makes it a core trait of every persona of yours."""

    model_config = ConfigDict(extra="forbid")

    name: TraitName
    description: str = Field(default="", max_length=2_000)
    intensity: float = Field(default=0.5, ge=0, le=1)
    inherited: bool = False


class TraitUpdate(BaseModel):
    """Fields of a trait to change (the trait becomes the user's)."""

    model_config = ConfigDict(extra="forbid")

    description: str | None = Field(default=None, max_length=2_000)
    intensity: float | None = Field(default=None, ge=0, le=1)


class TraitList(BaseModel):
    """The persona's traits (own and inherited) and the proposals extraction made."""

    traits: list[TraitView]


@router.get(
    "/api/personas/{persona_id}/traits",
    summary="The persona's traits",
    response_model=Envelope[TraitList],
)
def list_traits(
    persona_id: PersonaIdPath, caller: CurrentUserDep, chat: ChatDep
) -> Envelope[TraitList]:
    """Own traits and the core traits the persona inherits, by name."""
    return ok(TraitList(traits=chat.traits(owner_id=caller.id, persona_id=persona_id)))


@router.get(
    "/api/personas/{persona_id}/traits/proposals",
    summary="Changes extraction proposes to your hand-set traits",
    response_model=Envelope[list[TraitProposalView]],
)
def list_proposals(
    persona_id: PersonaIdPath, caller: CurrentUserDep, chat: ChatDep
) -> Envelope[list[TraitProposalView]]:
    """Extraction never rewrites a trait you set: what it saw is listed here."""
    return ok(chat.trait_proposals(owner_id=caller.id, persona_id=persona_id))


@router.post(
    "/api/personas/{persona_id}/traits",
    status_code=201,
    summary="Set a trait by hand",
    response_model=Envelope[TraitView],
)
def create_trait(
    persona_id: PersonaIdPath, body: TraitCreate, caller: LiveUserDep, chat: ChatDep
) -> Envelope[TraitView]:
    """Create (or replace) a trait of the persona, or a core trait with ``inherited``."""
    return ok(
        chat.set_trait(
            owner_id=caller.id,
            persona_id=persona_id,
            name=body.name,
            description=body.description,
            intensity=body.intensity,
            inherited=body.inherited,
        )
    )


@router.get(
    "/api/personas/{persona_id}/traits/{trait_id}",
    summary="One trait",
    response_model=Envelope[TraitView],
)
def read_trait(
    persona_id: PersonaIdPath, trait_id: TraitIdPath, caller: CurrentUserDep, chat: ChatDep
) -> Envelope[TraitView]:
    return ok(chat.trait(owner_id=caller.id, persona_id=persona_id, trait_id=trait_id))


@router.patch(
    "/api/personas/{persona_id}/traits/{trait_id}",
    summary="Change a trait by hand",
    response_model=Envelope[TraitView],
)
def update_trait(
    persona_id: PersonaIdPath,
    trait_id: TraitIdPath,
    body: TraitUpdate,
    caller: LiveUserDep,
    chat: ChatDep,
) -> Envelope[TraitView]:
    """Change a trait; changing an inherited one changes it for every persona of yours."""
    return ok(
        chat.change_trait(
            owner_id=caller.id,
            persona_id=persona_id,
            trait_id=trait_id,
            description=body.description,
            intensity=body.intensity,
        )
    )


@router.delete(
    "/api/personas/{persona_id}/traits/{trait_id}",
    summary="Delete a trait",
    response_model=Envelope[dict[str, bool]],
)
def delete_trait(
    persona_id: PersonaIdPath, trait_id: TraitIdPath, caller: LiveUserDep, chat: ChatDep
) -> Envelope[dict[str, bool]]:
    """Delete a trait (an inherited one: from every persona of yours)."""
    chat.delete_trait(owner_id=caller.id, persona_id=persona_id, trait_id=trait_id)
    return ok({"deleted": True})


class PersonalityUpdate(BaseModel):
    """Seed 002's ``PUT /api/personality`` body."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    persona_id: int = Field(alias="personaId", ge=1, le=MAX_INT)
    trait_id: Annotated[str, StringConstraints(pattern=r"^[ct]?[0-9]{1,10}$")] = Field(
        alias="traitId"
    )
    action: Literal["increase", "decrease", "set"]
    intensity: float | None = Field(default=None, ge=0, le=1)


@router.put(
    "/api/personality",
    summary="Turn a trait up or down (seed 002)",
    response_model=Envelope[TraitView],
)
def personality(body: PersonalityUpdate, caller: LiveUserDep, chat: ChatDep) -> Envelope[TraitView]:
    """``increase`` / ``decrease`` by ``intensity`` (0.1 when left out), or ``set`` it;
    clamped to 0..1. An inherited trait is copied to the persona first."""
    return ok(
        chat.adjust_trait(
            owner_id=caller.id,
            persona_id=body.persona_id,
            trait_id=body.trait_id,
            action=body.action,
            intensity=body.intensity,
        )
    )


# -- memories -----------------------------------------------------------------------------


@router.get(
    "/api/personas/{persona_id}/memories",
    summary="The persona's memories, with hygiene figures",
    response_model=Envelope[MemoryList],
)
def list_memories(
    persona_id: PersonaIdPath,
    caller: CurrentUserDep,
    chat: ChatDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_INT)] = 0,
) -> Envelope[MemoryList]:
    """Newest first; ``hygiene`` has count, duplicate rate and echo rate."""
    return ok(chat.memories(owner_id=caller.id, persona_id=persona_id, limit=limit, offset=offset))


@router.delete(
    "/api/personas/{persona_id}/memories/{memory_id}",
    summary="Forget a memory",
    response_model=Envelope[dict[str, bool]],
)
def delete_memory(
    persona_id: PersonaIdPath,
    memory_id: Annotated[int, Path(ge=1, le=MAX_INT)],
    caller: LiveUserDep,
    chat: ChatDep,
) -> Envelope[dict[str, bool]]:
    """The persona stops remembering it (row and vector); 404 for an unknown id."""
    chat.forget_memory(owner_id=caller.id, persona_id=persona_id, memory_id=memory_id)
    return ok({"deleted": True})


# -- chat ---------------------------------------------------------------------------------


class ChatRequest(BaseModel):
    """Seed 002's ``POST /api/chat`` body: a message for a persona, in a session."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    message: Annotated[str, StringConstraints(min_length=1, max_length=8_000)]
    persona_id: int | None = Field(default=None, alias="personaId", ge=1, le=MAX_INT)
    session_id: int | None = Field(default=None, alias="sessionId", ge=1, le=MAX_INT)
    llm: RequestLLMSpec | None = None


@router.post(
    "/api/chat",
    summary="Send a message; the persona answers (seed 002)",
    response_model=Envelope[ChatResponse],
    responses=error_responses(503),
)
def chat(
    body: ChatRequest, caller: CurrentUserDep, state: StateDep, memory: MemoryDep
) -> Envelope[ChatResponse]:
    """A new session when ``sessionId`` is left out; the reply names its session.

    The turn's first transaction confirms the account still exists (401 otherwise), so
    the route opens none of its own: a turn is two transactions.
    """
    service = _service(state, memory, body.llm)
    return ok(
        service.reply(
            owner_id=caller.id,
            message=body.message,
            persona_id=body.persona_id,
            session_id=body.session_id,
        )
    )


@router.get(
    "/api/chat/sessions/{session_id}/messages",
    summary="A chat session's messages",
    response_model=Envelope[list[ChatLine]],
)
def session_messages(
    session_id: Annotated[int, Path(ge=1, le=MAX_INT)],
    caller: CurrentUserDep,
    chat: ChatDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> Envelope[list[ChatLine]]:
    return ok(chat.session_lines(owner_id=caller.id, session_id=session_id, limit=limit))


# -- WebSocket ----------------------------------------------------------------------------


def _ws_error(exc: PersonaeError) -> dict[str, Any]:
    return {
        "type": "error",
        "error": {"code": exc.code, "message": str(exc), "status": status_for(exc)},
    }


WS_SUBPROTOCOL = "personae.bearer"
"""The subprotocol a browser names, followed by its token, to authenticate in the
handshake: ``new WebSocket(url, ["personae.bearer", token])``."""

WS_RECHECK_SECONDS = 2.0
"""How often an open socket re-checks its credentials: a revoked API key, an ended
sign-in or a deleted account closes it (1008) within this many seconds."""


def _subprotocol_token(websocket: WebSocket) -> str | None:
    offered = [
        part.strip()
        for part in websocket.headers.get("sec-websocket-protocol", "").split(",")
        if part.strip()
    ]
    if len(offered) == 2 and offered[0] == WS_SUBPROTOCOL:
        return offered[1]
    return None


async def _ws_token(websocket: WebSocket, handshake_token: str | None) -> str:
    """The socket's credentials: from the handshake's subprotocol, or a first message
    ``{"type": "auth", "token": "…"}``. Never from the URL, which access logs record."""
    if handshake_token:
        return handshake_token
    try:
        first = await asyncio.wait_for(websocket.receive_json(), WS_AUTH_TIMEOUT)
    except (TimeoutError, ValueError, json.JSONDecodeError) as exc:
        raise InputError("send {'type': 'auth', 'token': …} first") from exc
    if not isinstance(first, dict) or first.get("type") != "auth":
        raise InputError("send {'type': 'auth', 'token': …} first")
    return str(first.get("token") or "")


async def _watch_credentials(websocket: WebSocket, state: AppState, token: str) -> None:
    """Close the socket once its credentials stop being valid (checked every few seconds)."""
    while True:
        await asyncio.sleep(WS_RECHECK_SECONDS)
        try:
            await identify(state, token)
        except PersonaeError as exc:
            with contextlib.suppress(Exception):
                await websocket.send_json(_ws_error(exc))
                await websocket.close(code=1008)
            return


class WsChatMessage(ChatRequest):
    """A ``chat_message`` event of ``/ws/chat``."""

    type: Literal["chat_message"]


@router.websocket("/ws/chat")
async def chat_socket(
    websocket: WebSocket, memory: Annotated[MemoryStore, Depends(get_memory_store)]
) -> None:
    """Seed 002's real-time chat: ``chat_message`` in; ``token`` events, then
    ``ai_response`` (the ``ChatResponse``) out.

    Authenticate with a first message ``{"type": "auth", "token": "…"}`` or the
    subprotocols ``["personae.bearer", token]`` (answered with ``{"type": "ready"}``);
    ``?token=`` is refused, since URLs end up in access logs. A failed authentication is
    an ``error`` event, then close code 1008. Every ``chat_message`` counts against the
    caller's rate limit like a request, and re-checks the credentials; a revoked key or
    ended sign-in also closes an idle socket within ``WS_RECHECK_SECONDS``. Other errors are
    ``error`` events with the API's error ``code`` and HTTP-equivalent ``status``, and
    the socket stays open.
    """
    state: AppState = websocket.app.state.personae
    handshake_token = _subprotocol_token(websocket)
    await websocket.accept(subprotocol=WS_SUBPROTOCOL if handshake_token else None)
    if "token" in websocket.query_params:
        await websocket.send_json(
            _ws_error(
                InputError(
                    "credentials in the URL are not accepted (access logs keep URLs): send "
                    "{'type': 'auth', 'token': …} first, or the 'personae.bearer' subprotocol"
                )
            )
        )
        await websocket.close(code=1008)
        return
    try:
        credentials = await _ws_token(websocket, handshake_token)
        caller = await authenticate(state, credentials)
    except PersonaeError as exc:
        await websocket.send_json(_ws_error(exc))
        await websocket.close(code=1008)
        return
    except WebSocketDisconnect:
        return
    await websocket.send_json({"type": "ready", "userId": caller.id})
    watcher = asyncio.create_task(_watch_credentials(websocket, state, credentials))
    try:
        while True:
            raw = await websocket.receive_text()
            try:
                # Every turn is a request: credentials re-checked, rate budget spent.
                try:
                    caller = await authenticate(state, credentials)
                except AuthError as exc:
                    await websocket.send_json(_ws_error(exc))
                    await websocket.close(code=1008)
                    return
                try:
                    event = WsChatMessage.model_validate_json(raw)
                except ValidationError as exc:
                    raise InputError(
                        "expected {'type': 'chat_message', 'message': …, 'personaId': …, "
                        f"'sessionId': …}} ({exc.error_count()} problem(s))"
                    ) from exc
                service = _service(state, memory, event.llm)
                plan = await run_in_threadpool(
                    service.prepare,
                    owner_id=caller.id,
                    message=event.message,
                    persona_id=event.persona_id,
                    session_id=event.session_id,
                )
                pieces: list[str] = []
                async for token in service.stream(plan):
                    pieces.append(token)
                    await websocket.send_json({"type": "token", "data": token})
                response = await run_in_threadpool(service.finish, plan, "".join(pieces))
                await websocket.send_json(
                    {"type": "ai_response", "data": response.model_dump(mode="json", by_alias=True)}
                )
            except PersonaeError as exc:
                await websocket.send_json(_ws_error(exc))
    except (WebSocketDisconnect, RuntimeError):  # RuntimeError: closed by the watcher
        return
    finally:
        watcher.cancel()
