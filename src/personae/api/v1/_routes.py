"""``/v1``: the caller's personas as OpenAI models (thin shells over ``personae.compat``).

- ``GET /v1/models``, ``GET /v1/models/{id}``: active personas, ``id`` = the name.
- ``POST /v1/chat/completions``: the persona answers; ``stream: true`` sends OpenAI's
  SSE chunks and ``data: [DONE]``.

Authentication is the API's own (``Authorization: Bearer pk_…`` or an access token),
rate limit included; errors are in OpenAI's shape (:mod:`personae.api.v1._errors`).
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Path
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

from personae.api._state import AppState
from personae.api.deps import CurrentUserDep, StateDep
from personae.api.routes.chat import get_chat_service
from personae.api.v1._errors import OpenAIRoute
from personae.api.v1._schemas import (
    OPENAI_ERROR_RESPONSES,
    ChatCompletion,
    ChatCompletionRequest,
    Choice,
    ModelCard,
    ModelList,
    ResponseMessage,
    Usage,
)
from personae.chat import ChatService
from personae.compat import ClientMessage, OpenAIChat, PersonaRef, Turn, TurnResult, VoiceService
from personae.errors import InputError, PersonaeError
from personae.usage import build_usage_service

__all__ = ["router"]

router = APIRouter(
    prefix="/v1", tags=["openai"], route_class=OpenAIRoute, responses=OPENAI_ERROR_RESPONSES
)

SESSION_HEADER = "X-Session-Id"
"""The header a client may set to name its conversation (see ``personae.compat``)."""


def _voices(state: AppState) -> VoiceService:
    return VoiceService(state.database, max_text_chars=state.settings.max_text_chars)


ChatDep = Annotated[ChatService, Depends(get_chat_service)]


def _card(persona: PersonaRef) -> ModelCard:
    return ModelCard(id=persona.name, created=int(persona.created_at.timestamp()))


@router.get("/models", summary="Your personas, as models", response_model=ModelList)
async def list_models(caller: CurrentUserDep, state: StateDep) -> ModelList:
    """Your active personas; a model's ``id`` is the persona's name."""
    personas = await run_in_threadpool(_voices(state).personas, owner_id=caller.id)
    return ModelList(data=[_card(persona) for persona in personas])


@router.get("/models/{model_id}", summary="One persona, as a model", response_model=ModelCard)
async def read_model(
    model_id: Annotated[str, Path(min_length=1, max_length=200)],
    caller: CurrentUserDep,
    state: StateDep,
) -> ModelCard:
    """A persona by name (or id); another owner's is a 404 like a missing one."""
    persona = await run_in_threadpool(_voices(state).find, owner_id=caller.id, persona=model_id)
    return _card(persona)


def _client_messages(body: ChatCompletionRequest) -> list[ClientMessage]:
    messages = []
    for index, message in enumerate(body.messages):
        if message.has_non_text():
            raise InputError(
                "personas read text only: this message has an image or audio part",
                field=f"messages[{index}].content",
            )
        messages.append(ClientMessage(message.role, message.text(), message.name))
    return messages


def _json_schema(body: ChatCompletionRequest) -> dict[str, Any] | None:
    if body.response_format is None:
        return None
    try:
        return body.response_format.schema_for_model()
    except ValueError as exc:
        raise InputError(str(exc), field="response_format") from None


def _usage(result: TurnResult) -> Usage:
    return Usage(
        prompt_tokens=result.prompt_tokens,
        completion_tokens=result.completion_tokens,
        total_tokens=result.prompt_tokens + result.completion_tokens,
    )


def _extension(result: TurnResult) -> dict[str, Any] | None:
    """What the ``personae`` extension adds: the score (asked for) and the session."""
    extra: dict[str, Any] = {"session_id": result.session_id}
    if result.score is not None:
        extra["score"] = result.score.score
        extra["typicality"] = result.score.typicality
        if result.score.note:
            extra["score_note"] = result.score.note
    return extra


def _sse(api: OpenAIChat, turn: Turn, body: ChatCompletionRequest) -> StreamingResponse:
    """OpenAI's chunks, the usage (on the last chunk, or on a chunk of its own when
    ``stream_options.include_usage``), ``[DONE]``; the turn is stored after that."""
    completion_id = f"chatcmpl-{secrets.token_hex(12)}"
    created = int(time.time())
    include_usage = body.stream_options is not None and body.stream_options.include_usage
    pieces: list[str] = []
    failed: list[PersonaeError] = []

    def chunk(choices: list[dict[str, Any]], **extra: Any) -> str:
        event = {
            "id": completion_id,
            "object": "chat.completion.chunk",
            "created": created,
            "model": turn.model,
            "choices": choices,
            **extra,
        }
        return f"data: {json.dumps(event, ensure_ascii=False)}\n\n"

    def delta(content: dict[str, Any], finish: str | None = None) -> list[dict[str, Any]]:
        return [{"index": 0, "delta": content, "logprobs": None, "finish_reason": finish}]

    async def events() -> AsyncIterator[str]:
        yield chunk(delta({"role": "assistant", "content": ""}))
        try:
            async for token in api.stream(turn):
                pieces.append(token)
                yield chunk(delta({"content": token}))
        except PersonaeError as exc:
            failed.append(exc)
            error = {"message": exc.message, "type": "server_error", "code": exc.code}
            yield f"data: {json.dumps({'error': error})}\n\n"
            return
        result = await run_in_threadpool(api.streamed, turn, "".join(pieces))
        usage = _usage(result).model_dump()
        last: dict[str, Any] = {"personae": _extension(result)}
        if not include_usage:
            last["usage"] = usage  # optional on any chunk: clients that don't read it skip it
        yield chunk(delta({}, result.finish_reason), **last)
        if include_usage:
            yield chunk([], usage=usage)
        yield "data: [DONE]\n\n"

    async def store() -> None:
        if not failed:
            await run_in_threadpool(api.store, turn, "".join(pieces))

    return StreamingResponse(
        events(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        background=BackgroundTask(store),
    )


@router.post(
    "/chat/completions",
    summary="Chat with a persona (OpenAI-compatible)",
    response_model=ChatCompletion,
    responses={200: {"content": {"text/event-stream": {}}}},
)
async def chat_completions(
    body: ChatCompletionRequest,
    caller: CurrentUserDep,
    state: StateDep,
    chat: ChatDep,
    session_header: Annotated[str | None, Header(alias=SESSION_HEADER, max_length=200)] = None,
) -> Any:
    """The persona answers the conversation: its prompt, traits and memories first, then
    every message you sent. ``personae: {"score": true}`` adds the reply's style-match
    score. Memory follows ``user``, the ``X-Session-Id`` header, or the conversation."""
    api = OpenAIChat(
        chat, _voices(state), state.cache, usage=build_usage_service(state.settings, state.database)
    )
    turn = await run_in_threadpool(
        api.prepare,
        owner_id=caller.id,
        model=body.model,
        messages=_client_messages(body),
        user=body.user,
        session_header=session_header,
        max_tokens=body.max_completion_tokens or body.max_tokens,
        temperature=body.temperature,
        stop=body.stops(),
        seed=body.seed,
        score=body.personae is not None and body.personae.score,
        json_schema=_json_schema(body),
    )
    if body.stream:
        return _sse(api, turn, body)
    result = await run_in_threadpool(api.complete, turn)
    completion = ChatCompletion(
        id=f"chatcmpl-{secrets.token_hex(12)}",
        created=int(time.time()),
        model=turn.model,
        choices=[
            Choice(message=ResponseMessage(content=result.text), finish_reason=result.finish_reason)
        ],
        usage=_usage(result),
        personae=_extension(result),
    )
    return JSONResponse(completion.model_dump(mode="json"))
