"""RecordedLLM: the response cache and usage accounting, through the store's call logs."""

from __future__ import annotations

import asyncio
import contextlib
import time

import pytest
from pydantic import BaseModel
from sqlalchemy import select

from personae.config import Settings
from personae.errors import LLMOutputError, LLMTransientError, PersonaeError
from personae.llm import (
    CallLog,
    GenerationRequest,
    LLMCall,
    LocalLLM,
    Message,
    RecordedLLM,
    build_recorded_llm,
)
from personae.llm import cache_key as make_key
from personae.store import (
    BufferedCallLog,
    Database,
    LlmResponse,
    LlmUsage,
    StoreCallLog,
    crud,
    session_scope,
)
from tests.doubles import ScriptedLLM, json_reply


class Tone(BaseModel):
    adjectives: list[str]


def _usage(db: Database) -> list[LlmUsage]:
    with session_scope(db) as session:
        return list(session.scalars(select(LlmUsage).order_by(LlmUsage.id)))


def _cached_rows(db: Database) -> list[LlmResponse]:
    with session_scope(db) as session:
        return list(session.scalars(select(LlmResponse)))


def _summary(db: Database, owner: int | None) -> dict[str, object]:
    with session_scope(db) as session:
        return crud.llm_usage_summary(session=session, owner_id=owner)


def _recorded(db: Database, fake: ScriptedLLM, owner: int | None, **kwargs: object) -> RecordedLLM:
    return RecordedLLM(fake, log=StoreCallLog(db), owner_id=owner, **kwargs)  # type: ignore[arg-type]


def test_a_reproducible_call_is_answered_from_the_cache_the_second_time(
    db: Database, owner_ids: tuple[int, int]
) -> None:
    alice, _ = owner_ids
    fake = ScriptedLLM(["calm and clear", "should not be asked"])
    llm = _recorded(db, fake, alice, purpose="persona.identity")
    first = llm.complete("Describe the voice.", temperature=0)
    second = llm.complete("Describe the voice.", temperature=0)
    assert (first.text, first.cached) == ("calm and clear", False)
    assert (second.text, second.cached) == ("calm and clear", True)
    assert (second.prompt_tokens, second.completion_tokens) == (
        first.prompt_tokens,
        first.completion_tokens,
    )
    assert len(fake.requests) == 1
    usage = _usage(db)
    assert [(u.cached, u.completion_tokens, u.purpose) for u in usage] == [
        (False, 3, "persona.identity"),
        (True, 0, "persona.identity"),
    ]
    assert all(u.owner_id == alice and u.provider == "scripted" for u in usage)
    assert usage[0].prompt_tokens == first.prompt_tokens == 3


@pytest.mark.parametrize(
    ("kwargs", "differs"),
    [
        ({"max_tokens": 99}, "max_tokens"),
        ({"stop": ["."]}, "stop"),
        ({"seed": 1}, "seed"),
        ({"messages": [Message.system("Be terse."), Message.user("Describe the voice.")]}, "turns"),
    ],
)
def test_any_parameter_that_shapes_the_answer_is_part_of_the_key(
    db: Database, owner_ids: tuple[int, int], kwargs: dict[str, object], differs: str
) -> None:
    alice, _ = owner_ids
    fake = ScriptedLLM(["one", "two"])
    llm = _recorded(db, fake, alice)
    llm.complete("Describe the voice.", temperature=0)
    kwargs = dict(kwargs)  # parametrized values are shared between backends: never mutate
    messages = kwargs.pop("messages", "Describe the voice.")
    assert llm.complete(messages, temperature=0, **kwargs).text == "two", differs  # type: ignore[arg-type]
    assert len(fake.requests) == 2


def test_the_timeout_is_not_part_of_the_key(db: Database, owner_ids: tuple[int, int]) -> None:
    alice, _ = owner_ids
    llm = _recorded(db, ScriptedLLM(["one"]), alice)
    llm.complete("x", temperature=0, timeout=5)
    assert llm.complete("x", temperature=0, timeout=50).cached


def test_one_owners_answers_never_serve_another(db: Database, owner_ids: tuple[int, int]) -> None:
    alice, bob = owner_ids
    fake = ScriptedLLM(["for alice", "for bob"])
    _recorded(db, fake, alice).complete("same prompt", temperature=0)
    answer = _recorded(db, fake, bob).complete("same prompt", temperature=0)
    assert (answer.text, answer.cached) == ("for bob", False)
    rows = _cached_rows(db)
    assert sorted(row.owner_id for row in rows) == sorted([alice, bob])
    assert len({row.key for row in rows}) == 2
    assert _recorded(db, fake, alice).complete("same prompt", temperature=0).text == "for alice"


def test_sampling_without_a_seed_is_never_cached(db: Database, owner_ids: tuple[int, int]) -> None:
    alice, _ = owner_ids
    fake = ScriptedLLM(["first", "second"])
    llm = _recorded(db, fake, alice)
    assert llm.complete("write", temperature=0.8).text == "first"
    assert llm.complete("write", temperature=0.8).text == "second"
    assert _cached_rows(db) == []
    assert [u.cached for u in _usage(db)] == [False, False]


def test_sampling_with_a_seed_is_cached(db: Database, owner_ids: tuple[int, int]) -> None:
    alice, _ = owner_ids
    fake = ScriptedLLM(["first", "second"])
    llm = _recorded(db, fake, alice)
    llm.complete("write", temperature=0.8, seed=42)
    again = llm.complete("write", temperature=0.8, seed=42)
    assert (again.text, again.cached) == ("first", True)


def test_with_the_cache_disabled_every_call_is_still_accounted(
    db: Database, owner_ids: tuple[int, int]
) -> None:
    alice, _ = owner_ids
    fake = ScriptedLLM(["first", "second"])
    llm = _recorded(db, fake, alice, cache=False)
    llm.complete("x", temperature=0)
    assert llm.complete("x", temperature=0).text == "second"
    assert _cached_rows(db) == []
    assert len(_usage(db)) == 2


def test_failed_calls_are_neither_cached_nor_accounted(
    db: Database, owner_ids: tuple[int, int]
) -> None:
    alice, _ = owner_ids
    fake = ScriptedLLM([LLMTransientError("busy"), "ok"])
    llm = _recorded(db, fake, alice)
    assert llm.complete("x", temperature=0).text == "ok"
    assert len(fake.requests) == 2
    assert len(fake.fake_sleep.calls) == 1
    assert len(_usage(db)) == 1


def test_structured_attempts_are_each_cached_and_accounted(
    db: Database, owner_ids: tuple[int, int]
) -> None:
    alice, _ = owner_ids
    fake = ScriptedLLM(["not json", json_reply({"adjectives": ["calm"]})])
    llm = _recorded(db, fake, alice)
    assert llm.structured("tone?", Tone).adjectives == ["calm"]
    assert llm.structured("tone?", Tone).adjectives == ["calm"]  # replayed from the cache
    assert len(fake.requests) == 2
    assert [u.cached for u in _usage(db)] == [False, False, True, True]


def test_an_invalid_cached_answer_still_ends_in_an_output_error(
    db: Database, owner_ids: tuple[int, int]
) -> None:
    alice, _ = owner_ids
    fake = ScriptedLLM(["nope", "nope", "nope"])
    llm = _recorded(db, fake, alice)
    with pytest.raises(LLMOutputError):
        llm.structured("tone?", Tone)
    with pytest.raises(LLMOutputError):
        llm.structured("tone?", Tone)
    assert len(fake.requests) == 3  # the second call replays all three attempts from the cache
    assert [u.cached for u in _usage(db)] == [False] * 3 + [True] * 3


def _stream(llm: RecordedLLM, prompt: str, **kwargs: object) -> list[str]:
    async def run() -> list[str]:
        return [t async for t in llm.stream(prompt, **kwargs)]  # type: ignore[arg-type]

    return asyncio.run(run())


def test_streams_are_accounted_and_cached(db: Database, owner_ids: tuple[int, int]) -> None:
    alice, _ = owner_ids
    fake = ScriptedLLM(["one two three"])
    llm = _recorded(db, fake, alice)
    assert _stream(llm, "count", temperature=0) == ["one", " two", " three"]
    assert _stream(llm, "count", temperature=0) == ["one two three"]  # the cached answer
    assert llm.complete("count", temperature=0).cached
    assert len(fake.requests) == 1
    usage = _usage(db)
    assert [(u.cached, u.completion_tokens) for u in usage] == [(False, 3), (True, 0), (True, 0)]
    assert usage[0].prompt_tokens == 1


def test_an_abandoned_stream_is_accounted_but_not_cached(
    db: Database, owner_ids: tuple[int, int]
) -> None:
    alice, _ = owner_ids
    fake = ScriptedLLM([" ".join(["w"] * 5_000)])
    llm = _recorded(db, fake, alice)

    async def first_two() -> None:
        got = 0
        async with contextlib.aclosing(llm.stream("go", max_tokens=10_000, temperature=0)) as it:
            async for _ in it:
                got += 1
                if got == 2:
                    break

    asyncio.run(first_two())
    # The stream's thread records the usage as it winds down: wait for it (bounded).
    deadline = time.monotonic() + 10
    while not _usage(db) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert _cached_rows(db) == []
    (usage,) = _usage(db)
    assert usage.completion_tokens >= 2
    assert not usage.cached


def test_with_purpose_shares_the_cache(db: Database, owner_ids: tuple[int, int]) -> None:
    alice, _ = owner_ids
    llm = _recorded(db, ScriptedLLM(["x"]), alice, purpose="a")
    llm.complete("p", temperature=0)
    other = llm.with_purpose("b")
    assert other.complete("p", temperature=0).cached
    assert [u.purpose for u in _usage(db)] == ["a", "b"]
    summary = _summary(db, alice)
    assert (summary["calls"], summary["cached_calls"]) == (2, 1)


def test_the_wrapper_reports_the_inner_model(db: Database) -> None:
    llm = _recorded(db, ScriptedLLM(model="m-7", provider="prov"), None)
    assert (llm.provider, llm.model) == ("prov", "m-7")
    assert "m-7" in repr(llm)


def test_the_key_covers_owner_provider_model_and_request() -> None:
    request = GenerationRequest(messages=(Message.user("hi"),), max_tokens=5, temperature=0.0)
    base = make_key(owner_id=1, provider="p", model="m", request=request)
    assert len(base) == 64
    assert make_key(owner_id=1, provider="p", model="m", request=request) == base
    assert make_key(owner_id=2, provider="p", model="m", request=request) != base
    assert make_key(owner_id=None, provider="p", model="m", request=request) != base
    assert make_key(owner_id=1, provider="q", model="m", request=request) != base
    assert make_key(owner_id=1, provider="p", model="n", request=request) != base


def test_build_recorded_llm_follows_the_settings(db: Database, owner_ids: tuple[int, int]) -> None:
    alice, _ = owner_ids
    settings = Settings(_env_file=None, llm_cache_enabled=False)  # type: ignore[call-arg]
    llm = build_recorded_llm(settings, log=StoreCallLog(db), owner_id=alice, purpose="t")
    assert isinstance(llm.inner, LocalLLM)
    assert (llm.cache, llm.owner_id, llm.purpose, llm.provider) == (False, alice, "t", "local")


def test_a_buffered_log_writes_nothing_until_flushed_in_the_callers_transaction(
    db: Database, owner_ids: tuple[int, int]
) -> None:
    alice, _ = owner_ids
    log = BufferedCallLog()
    llm = RecordedLLM(ScriptedLLM(["one", "two"]), log=log, owner_id=alice, purpose="chat")
    llm.complete("p", temperature=0)
    llm.complete("p", temperature=0)  # no lookup through a buffer: asked again
    assert _usage(db) == []
    assert [call.cached for call in log.pending] == [False, False]
    with session_scope(db) as session:
        assert log.flush(session) == 2
    assert [(u.purpose, u.cached) for u in _usage(db)] == [("chat", False), ("chat", False)]
    assert len(_cached_rows(db)) == 1  # both answers under one key: the last one kept
    assert log.pending == []


class _Budget(CallLog):
    """A budget of ``calls`` model calls, checked before each one (the hook's first step)."""

    def __init__(self, calls: int) -> None:
        self.left = calls
        self.calls: list[LLMCall] = []

    def check(self, *, owner_id: int | None, purpose: str) -> None:
        if self.left <= 0:
            raise PersonaeError(f"owner {owner_id} has no calls left for {purpose}")

    def record(self, call: LLMCall) -> None:
        self.left -= 1
        self.calls.append(call)


def test_a_log_can_refuse_a_call_before_the_model_is_asked() -> None:
    fake = ScriptedLLM(["one", "two"])
    budget = _Budget(1)
    llm = RecordedLLM(fake, log=budget, owner_id=7, purpose="p")
    assert llm.complete("p").text == "one"
    with pytest.raises(PersonaeError, match="no calls left"):
        llm.complete("p")
    assert len(fake.requests) == 1
    assert [(c.owner_id, c.purpose, c.cached) for c in budget.calls] == [(7, "p", False)]
