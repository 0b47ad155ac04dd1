"""Fallback between providers (``PERSONAE_LLM=openai:gpt-4o-mini,local``)."""

from __future__ import annotations

import asyncio

import pytest
from prometheus_client import REGISTRY

from personae.config import Settings
from personae.errors import (
    LLMRequestError,
    LLMTimeoutError,
    LLMTransientError,
    LLMUnavailableError,
)
from personae.llm import CallLog, LLMBase, LLMCall, OpenAILLM, RecordedLLM, RetryPolicy
from personae.llm._fallback import FallbackLLM, split_specs
from tests.doubles import FakeSleep, ScriptedLLM
from tests.llm.servers import FakeProviderServer, Step


def _local(text: str = "Local answer.") -> ScriptedLLM:
    return ScriptedLLM(responder=lambda request: text, provider="local", model="smollm2")


def _passed_over(provider: str, model: str) -> float:
    value = REGISTRY.get_sample_value(
        "personae_llm_calls_total",
        {"provider": provider, "model": model, "outcome": "fallback"},
    )
    return value or 0.0


def _openai(server: FakeProviderServer) -> OpenAILLM:
    return OpenAILLM(
        "gpt-4o-mini",
        api_key="sk-test",
        base_url=f"{server.url}/v1",
        timeout=10,
        retry=RetryPolicy(max_retries=1),
        sleep=FakeSleep(),
    )


def test_a_rate_limited_provider_hands_over_to_the_next(server: FakeProviderServer) -> None:
    """The real OpenAI adapter gets 429 twice (its own retry included), then local answers."""
    server.reset(Step(status=429, message="slow down"), Step(status=429, message="slow down"))
    before = _passed_over("openai", "gpt-4o-mini")
    llm = FallbackLLM([_openai(server), _local()])
    completion = llm.complete("Hello", max_tokens=20)
    assert completion.text == "Local answer."
    assert (completion.provider, completion.model) == ("local", "smollm2")  # who answered
    assert len(server.received) == 2
    assert _passed_over("openai", "gpt-4o-mini") == before + 1


def test_the_first_that_answers_is_used(server: FakeProviderServer) -> None:
    server.reset(Step(text="From OpenAI."))
    local = _local()
    completion = FallbackLLM([_openai(server), local]).complete("Hello")
    assert (completion.text, completion.provider) == ("From OpenAI.", "openai")
    assert local.requests == []


@pytest.mark.parametrize(
    "failure",
    [
        LLMTimeoutError("no answer in 30 s"),
        LLMUnavailableError("connection refused"),
        LLMTransientError("overloaded"),
    ],
)
def test_outages_and_timeouts_fall_through(failure: Exception) -> None:
    first = ScriptedLLM([failure], retry=RetryPolicy(max_retries=0), provider="a", model="m1")
    assert FallbackLLM([first, _local()]).complete("Hi").provider == "local"


def test_a_refused_request_is_not_passed_on() -> None:
    first = ScriptedLLM([LLMRequestError("prompt too long")], provider="a")
    second = _local()
    with pytest.raises(LLMRequestError):
        FallbackLLM([first, second]).complete("Hi")
    assert second.requests == []


def test_when_all_fail_the_last_error_is_raised() -> None:
    first = ScriptedLLM([LLMTimeoutError("a")], retry=RetryPolicy(max_retries=0), provider="a")
    second = ScriptedLLM([LLMTransientError("b")], retry=RetryPolicy(max_retries=0))
    with pytest.raises(LLMTransientError, match="b"):
        FallbackLLM([first, second]).complete("Hi")


def test_a_stream_falls_back_before_its_first_token() -> None:
    first = ScriptedLLM([LLMTransientError("down")], provider="a")
    llm = FallbackLLM([first, _local("One two three.")])

    async def read() -> list[str]:
        return [token async for token in llm.stream("Hi")]

    tokens = asyncio.run(read())
    assert "".join(tokens) == "One two three."
    assert len(tokens) == 3


def test_a_provider_that_cannot_be_built_is_skipped() -> None:
    def build(spec: str) -> LLMBase:
        if spec.startswith("openai"):
            raise LLMUnavailableError("PERSONAE_OPENAI_API_KEY is not set")
        return _local()

    llm = FallbackLLM.of(["openai:gpt-4o-mini", "local"], build)
    assert llm.complete("Hi").provider == "local"
    assert llm.model == "openai:gpt-4o-mini,local:smollm2"


def test_specs_are_split_on_commas() -> None:
    assert split_specs(" openai:gpt-4o-mini , local,") == ["openai:gpt-4o-mini", "local"]
    assert split_specs("openai:llama3:8b") == ["openai:llama3:8b"]


def test_the_setting_builds_a_fallback(server: FakeProviderServer) -> None:
    from personae.llm import build_llm

    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        llm="openai:gpt-4o-mini,anthropic:claude-x",
        openai_api_key="sk-test",
        openai_base_url=f"{server.url}/v1",
        llm_max_retries=0,
    )
    llm = build_llm(settings)
    assert isinstance(llm, FallbackLLM)
    assert [p.provider for p in llm.providers] == ["openai", "anthropic"]
    # A spec a request sends is one model, never a chain (it cannot smuggle a file path).
    single = build_llm(settings, "openai:x,local:/etc/passwd")
    assert not isinstance(single, FallbackLLM)
    assert single.model == "x,local:/etc/passwd"


def test_the_usage_record_names_the_provider_that_answered() -> None:
    class Kept(CallLog):
        def __init__(self) -> None:
            self.calls: list[LLMCall] = []

        def record(self, call: LLMCall) -> None:
            self.calls.append(call)

    log = Kept()
    first = ScriptedLLM([LLMTransientError("down")], retry=RetryPolicy(max_retries=0), provider="a")
    recorded = RecordedLLM(FallbackLLM([first, _local()]), log=log, owner_id=None)
    recorded.complete("Hi")
    assert [(c.provider, c.model) for c in log.calls] == [("local", "smollm2")]
