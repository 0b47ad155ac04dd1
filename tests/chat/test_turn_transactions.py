"""A chat turn costs the store two transactions, its model calls and memories included."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event, func, select

from personae.chat import ChatService, MemoryStore
from personae.llm import GenerationRequest, RecordedLLM
from personae.store import Database, LlmUsage, Memory, StoreCallLog, session_scope
from tests.doubles import Clock, ScriptedLLM, json_reply
from tests.waiting import wait_until


def _responder(request: GenerationRequest) -> str:
    system = request.messages[0].content
    if "behavioural traits" in system:
        return json_reply({"traits": [{"name": "warm", "intensity": 0.6, "confidence": 0.8}]})
    if "want to remember" in system:
        return json_reply({"memories": ["The user's favourite colour is teal."]})
    return f"Nice to meet you. You said: {request.messages[-1].content}"


@contextmanager
def counted(db: Database) -> Iterator[list[str]]:
    """Every transaction begun on the store's engine while inside (one entry each)."""
    begun: list[str] = []

    def on_begin(connection: object) -> None:
        begun.append("begin")

    event.listen(db.engine, "begin", on_begin)
    try:
        yield begun
    finally:
        event.remove(db.engine, "begin", on_begin)


@pytest.fixture
def service(db: Database, memory: MemoryStore, clock: Clock) -> ChatService:
    """Models recorded in the store (as in production), a summary on every reply."""
    scripted = ScriptedLLM(responder=_responder)
    log = StoreCallLog(db)

    def llm_for(owner_id: int, purpose: str) -> RecordedLLM:
        return RecordedLLM(scripted, log=log, owner_id=owner_id, purpose=purpose)

    return ChatService(db, llm_for, memory=memory, summarize_every=1, clock=clock)


def _usage(db: Database) -> list[str]:
    with session_scope(db) as session:
        return list(session.scalars(select(LlmUsage.purpose).order_by(LlmUsage.id)))


def _memories(db: Database) -> int:
    with session_scope(db) as session:
        return session.scalar(select(func.count()).select_from(Memory)) or 0


def test_a_blocking_turn_is_two_transactions(
    db: Database,
    service: ChatService,
    owner_ids: tuple[int, int],
    make_persona: Callable[..., int],
) -> None:
    alice, _ = owner_ids
    ada = make_persona(alice, "ada")
    with counted(db) as begun:
        response = service.reply(owner_id=alice, message="Hi, my name is Sam.", persona_id=ada)
    assert len(begun) == 2
    assert response.response.startswith("Nice to meet you.")
    # Everything the turn did was still written: its three model calls, its memories.
    assert _usage(db) == ["chat.reply", "chat.traits", "chat.memory"]
    assert _memories(db) >= 1


def test_a_streamed_turn_is_two_transactions(
    db: Database,
    service: ChatService,
    owner_ids: tuple[int, int],
    make_persona: Callable[..., int],
) -> None:
    alice, _ = owner_ids
    ada = make_persona(alice, "ada")

    async def run() -> str:
        plan = service.prepare(owner_id=alice, message="Hello there.", persona_id=ada)
        pieces = [piece async for piece in service.stream(plan)]
        return service.finish(plan, "".join(pieces)).response

    with counted(db) as begun:
        text = asyncio.run(run())
    assert len(begun) == 2
    assert text.startswith("Nice to meet you.")
    assert _usage(db) == ["chat.reply", "chat.traits", "chat.memory"]


def test_an_abandoned_stream_still_records_its_call(
    db: Database,
    service: ChatService,
    owner_ids: tuple[int, int],
    make_persona: Callable[..., int],
) -> None:
    alice, _ = owner_ids
    ada = make_persona(alice, "ada")

    async def run() -> None:
        plan = service.prepare(owner_id=alice, message="Hello there.", persona_id=ada)
        stream = service.stream(plan)
        await anext(stream)  # the client reads one sentence and goes away
        await stream.aclose()

    asyncio.run(run())
    # The model's thread stops at its next token and records what it spent then.
    wait_until(lambda: bool(_usage(db)))
    assert _usage(db) == ["chat.reply"]
