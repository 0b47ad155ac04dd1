"""The openai provider, through the real SDK, against a real local HTTP server."""

from __future__ import annotations

import asyncio

import pytest
from pydantic import BaseModel

from personae.errors import (
    LLMRequestError,
    LLMTimeoutError,
    LLMTransientError,
    LLMUnavailableError,
)
from personae.llm import GenerationRequest, Message, OpenAILLM, RecordedLLM, RetryPolicy
from personae.store import Database, StoreCallLog, crud, session_scope
from tests.doubles import FakeSleep, tokens_of
from tests.llm.servers import FakeProviderServer, Step
from tests.redis_support import free_port


class Identity(BaseModel):
    persona_name: str
    archetype: str


IDENTITY = '{"persona_name": "Ada", "archetype": "Sage"}'


def _llm(
    server: FakeProviderServer, *, retries: int = 2, sleep: FakeSleep | None = None
) -> OpenAILLM:
    return OpenAILLM(
        "test-model",
        api_key="sk-test",
        base_url=f"{server.url}/v1",
        timeout=10,
        retry=RetryPolicy(max_retries=retries),
        sleep=sleep or FakeSleep(),
    )


def _stream(llm: OpenAILLM | RecordedLLM, prompt: str = "go", **kwargs: object) -> list[str]:
    async def run() -> list[str]:
        return [t async for t in llm.stream(prompt, **kwargs)]  # type: ignore[arg-type]

    return asyncio.run(run())


def test_complete_sends_the_request_and_reads_the_answer(server: FakeProviderServer) -> None:
    server.reset(Step(text="Hi there, friend.", prompt_tokens=12))
    completion = _llm(server).complete(
        [Message.system("Be kind."), Message.user("Hi")],
        max_tokens=40,
        temperature=0.2,
        stop=["END"],
        seed=5,
    )
    assert completion.text == "Hi there, friend."
    assert (completion.prompt_tokens, completion.completion_tokens) == (12, 3)
    assert (completion.provider, completion.model, completion.finish_reason) == (
        "openai",
        "test-model",
        "stop",
    )
    assert completion.latency_ms > 0
    (received,) = server.received
    assert received.headers["authorization"] == "Bearer sk-test"
    body = received.body
    assert body["model"] == "test-model"
    assert body["messages"] == [
        {"role": "system", "content": "Be kind."},
        {"role": "user", "content": "Hi"},
    ]
    assert (body["max_tokens"], body["temperature"], body["stop"], body["seed"]) == (
        40,
        0.2,
        ["END"],
        5,
    )
    assert "response_format" not in body


def test_a_server_that_needs_no_key_gets_a_placeholder(server: FakeProviderServer) -> None:
    llm = OpenAILLM("m", base_url=f"{server.url}/v1", sleep=FakeSleep())
    assert llm.complete("Hi").text == "Hello from the server."


def test_the_length_limit_is_reported(server: FakeProviderServer) -> None:
    server.reset(Step(text="cut", finish="length"))
    assert _llm(server).complete("go").finish_reason == "length"


def test_against_openai_itself_the_limit_is_max_completion_tokens() -> None:
    llm = OpenAILLM("gpt-4o-mini", api_key="sk-test")
    request = GenerationRequest(messages=(Message.user("x"),), max_tokens=9, temperature=0.0)
    kwargs = llm._kwargs(request)
    assert kwargs["max_completion_tokens"] == 9
    assert "max_tokens" not in kwargs


def test_stream_yields_the_servers_tokens(server: FakeProviderServer) -> None:
    text = "one two three four"
    server.reset(Step(text=text))
    assert _stream(_llm(server), max_tokens=9) == tokens_of(text)
    body = server.bodies[0]
    assert body["stream"] is True
    assert "stream_options" not in body  # compatible servers may refuse it


def test_a_recorded_stream_counts_its_chunks(
    server: FakeProviderServer, db: Database, owner_ids: tuple[int, int]
) -> None:
    server.reset(Step(text="a b c"))
    llm = RecordedLLM(_llm(server), log=StoreCallLog(db), owner_id=owner_ids[0])
    assert "".join(_stream(llm, temperature=0)) == "a b c"
    with session_scope(db) as session:
        summary = crud.llm_usage_summary(session=session, owner_id=owner_ids[0])
    assert (summary["calls"], summary["completion_tokens"]) == (1, 3)


def test_structured_asks_for_the_json_schema(server: FakeProviderServer) -> None:
    server.reset(Step(text=IDENTITY))
    assert _llm(server).structured("Who?", Identity) == Identity(
        persona_name="Ada", archetype="Sage"
    )
    response_format = server.bodies[0]["response_format"]
    assert response_format["type"] == "json_schema"
    assert response_format["json_schema"]["name"] == "Identity"
    assert response_format["json_schema"]["schema"] == Identity.model_json_schema()


def test_a_server_without_json_schema_mode_is_asked_again_without_it(
    server: FakeProviderServer,
) -> None:
    server.reset(Step(refuse_json_schema=True), Step(text=IDENTITY), Step(text=IDENTITY))
    llm = _llm(server)
    assert llm.structured("Who?", Identity).archetype == "Sage"
    assert ["response_format" in body for body in server.bodies] == [True, False]
    llm.structured("Who?", Identity)
    assert "response_format" not in server.bodies[2]  # remembered


def test_a_rate_limit_is_retried_after_the_servers_hint(server: FakeProviderServer) -> None:
    sleep = FakeSleep()
    server.reset(
        Step(status=429, message="slow down", headers={"retry-after": "3"}),
        Step(text="finally"),
    )
    assert _llm(server, sleep=sleep).complete("go").text == "finally"
    assert len(server.received) == 2
    (wait,) = sleep.calls
    assert wait >= 3


def test_server_errors_are_retried_then_reported(server: FakeProviderServer) -> None:
    sleep = FakeSleep()
    server.reset(*[Step(status=503, message="overloaded")] * 3)
    with pytest.raises(LLMTransientError, match="overloaded") as caught:
        _llm(server, sleep=sleep).complete("go")
    assert caught.value.details["status"] == 503
    assert len(server.received) == 3
    assert len(sleep.calls) == 2


@pytest.mark.parametrize(
    ("status", "error", "says"),
    [
        (401, LLMUnavailableError, "API key was refused"),
        (403, LLMUnavailableError, "may not use this model"),
        (404, LLMUnavailableError, "no such model"),
        (400, LLMRequestError, "context length"),
        (422, LLMRequestError, "context length"),
    ],
)
def test_errors_that_would_repeat_are_not_retried(
    server: FakeProviderServer, status: int, error: type[Exception], says: str
) -> None:
    sleep = FakeSleep()
    server.reset(Step(status=status, message="context length exceeded"), Step())
    with pytest.raises(error, match=says):
        _llm(server, sleep=sleep).complete("go")
    assert len(server.received) == 1
    assert sleep.calls == []


def test_a_slow_server_times_out_and_is_retried(server: FakeProviderServer) -> None:
    sleep = FakeSleep()
    server.reset(Step(delay=1.5), Step(text="quick"))
    llm = _llm(server, retries=1, sleep=sleep)
    assert llm.complete("go", timeout=0.3).text == "quick"
    assert len(sleep.calls) == 1


def test_a_slow_server_past_the_retries_is_a_timeout(server: FakeProviderServer) -> None:
    server.reset(Step(delay=1.5))
    with pytest.raises(LLMTimeoutError, match="did not answer in time"):
        _llm(server, retries=0).complete("go", timeout=0.3)


def test_an_unreachable_server_is_transient_and_retried() -> None:
    sleep = FakeSleep()
    llm = OpenAILLM(
        "m",
        base_url=f"http://127.0.0.1:{free_port()}/v1",
        retry=RetryPolicy(max_retries=2),
        sleep=sleep,
    )
    with pytest.raises(LLMTransientError, match="cannot reach"):
        llm.complete("go")
    assert len(sleep.calls) == 2


def test_a_stream_that_fails_before_its_first_token_is_retried(server: FakeProviderServer) -> None:
    sleep = FakeSleep()
    server.reset(Step(status=500, message="boom"), Step(text="x y"))
    assert _stream(_llm(server, sleep=sleep)) == ["x", " y"]
    assert len(sleep.calls) == 1


def test_a_stream_refused_by_the_server_raises_its_typed_error(
    server: FakeProviderServer,
) -> None:
    server.reset(Step(status=401, message="bad key"))
    with pytest.raises(LLMUnavailableError, match="bad key"):
        _stream(_llm(server))
