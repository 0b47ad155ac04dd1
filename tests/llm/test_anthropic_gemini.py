"""The anthropic and gemini providers, through their real SDKs, against a local server."""

from __future__ import annotations

import asyncio

import pytest
from pydantic import BaseModel

from personae.errors import LLMRequestError, LLMTransientError, LLMUnavailableError
from personae.llm import AnthropicLLM, GeminiLLM, LLMBase, Message, RetryPolicy
from tests.doubles import FakeSleep, tokens_of
from tests.llm.servers import FakeProviderServer, Step


class Identity(BaseModel):
    persona_name: str
    archetype: str


IDENTITY = '{"persona_name": "Ada", "archetype": "Sage"}'
CONVERSATION = [
    Message.system("Be kind."),
    Message.user("Hi"),
    Message.assistant("Hello!"),
    Message.user("Who are you?"),
]


def _anthropic(server: FakeProviderServer, sleep: FakeSleep | None = None) -> AnthropicLLM:
    return AnthropicLLM(
        "claude-test",
        api_key="sk-ant-test",
        base_url=server.url,
        timeout=10,
        retry=RetryPolicy(max_retries=2),
        sleep=sleep or FakeSleep(),
    )


def _gemini(server: FakeProviderServer, sleep: FakeSleep | None = None) -> GeminiLLM:
    return GeminiLLM(
        "gemini-test",
        api_key="g-test",
        base_url=server.url,
        timeout=10,
        retry=RetryPolicy(max_retries=2),
        sleep=sleep or FakeSleep(),
    )


def _stream(llm: LLMBase, prompt: str = "go") -> list[str]:
    async def run() -> list[str]:
        return [t async for t in llm.stream(prompt, max_tokens=50)]

    return asyncio.run(run())


# -- anthropic --------------------------------------------------------------------------


def test_anthropic_complete(server: FakeProviderServer) -> None:
    server.reset(Step(text="I am Claude.", prompt_tokens=9))
    completion = _anthropic(server).complete(
        CONVERSATION, max_tokens=30, temperature=1.7, stop=["END"], seed=3
    )
    assert completion.text == "I am Claude."
    assert (completion.prompt_tokens, completion.completion_tokens) == (9, 3)
    assert (completion.provider, completion.finish_reason) == ("anthropic", "stop")
    (received,) = server.received
    assert received.headers["authorization"] == "Bearer sk-ant-test"
    body = received.body
    assert body["system"] == "Be kind."
    assert body["messages"] == [
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "Hello!"},
        {"role": "user", "content": "Who are you?"},
    ]
    assert (body["max_tokens"], body["stop_sequences"]) == (30, ["END"])
    assert "seed" not in body
    assert "temperature" not in body  # the Messages API of anthropic 2.x takes none


def test_anthropic_turns_are_made_to_alternate() -> None:
    from personae.llm._anthropic import _split

    system, turns = _split(
        (Message.assistant("Earlier."), Message.user("a"), Message.user("b"), Message.system("S"))
    )
    assert system == "S"
    assert turns == [
        {"role": "user", "content": "(continue)"},
        {"role": "assistant", "content": "Earlier."},
        {"role": "user", "content": "a\n\nb"},
    ]
    assert _split((Message.system("only"),)) == (None, [{"role": "user", "content": "only"}])


def test_anthropic_length_is_reported(server: FakeProviderServer) -> None:
    server.reset(Step(text="cut", finish="max_tokens"))
    assert _anthropic(server).complete("go").finish_reason == "length"


def test_anthropic_stream(server: FakeProviderServer) -> None:
    server.reset(Step(text="one two three"))
    assert _stream(_anthropic(server)) == tokens_of("one two three")
    assert server.bodies[0]["stream"] is True


def test_anthropic_structured_uses_output_config(server: FakeProviderServer) -> None:
    server.reset(Step(text=IDENTITY))
    assert _anthropic(server).structured("Who?", Identity).persona_name == "Ada"
    fmt = server.bodies[0]["output_config"]["format"]
    assert fmt == {"type": "json_schema", "schema": Identity.model_json_schema()}


def test_anthropic_without_json_schema_mode_is_asked_again(server: FakeProviderServer) -> None:
    server.reset(Step(refuse_json_schema=True), Step(text=IDENTITY))
    assert _anthropic(server).structured("Who?", Identity).archetype == "Sage"
    assert ["output_config" in body for body in server.bodies] == [True, False]


@pytest.mark.parametrize(
    ("status", "error", "attempts"),
    [
        (529, LLMTransientError, 3),
        (429, LLMTransientError, 3),
        (401, LLMUnavailableError, 1),
        (400, LLMRequestError, 1),
    ],
)
def test_anthropic_errors(
    server: FakeProviderServer, status: int, error: type[Exception], attempts: int
) -> None:
    server.reset(*[Step(status=status, message="nope")] * 3)
    with pytest.raises(error, match="nope"):
        _anthropic(server).complete("go")
    assert len(server.received) == attempts


# -- gemini -----------------------------------------------------------------------------


def test_gemini_complete(server: FakeProviderServer) -> None:
    server.reset(Step(text="I am Gemini.", prompt_tokens=8))
    completion = _gemini(server).complete(
        CONVERSATION, max_tokens=30, temperature=0.4, stop=["END"], seed=3
    )
    assert completion.text == "I am Gemini."
    assert (completion.prompt_tokens, completion.completion_tokens) == (8, 3)
    assert (completion.provider, completion.finish_reason) == ("gemini", "stop")
    (received,) = server.received
    assert received.path == "/v1/models/gemini-test:generateContent"
    assert received.headers["x-goog-api-key"] == "g-test"
    body = received.body
    assert body["systemInstruction"]["parts"] == [{"text": "Be kind."}]
    assert [(c["role"], c["parts"][0]["text"]) for c in body["contents"]] == [
        ("user", "Hi"),
        ("model", "Hello!"),
        ("user", "Who are you?"),
    ]
    config = body["generationConfig"]
    assert (config["maxOutputTokens"], config["temperature"], config["stopSequences"]) == (
        30,
        0.4,
        ["END"],
    )
    assert config["seed"] == 3


def test_gemini_length_is_reported(server: FakeProviderServer) -> None:
    server.reset(Step(text="cut", finish="MAX_TOKENS"))
    assert _gemini(server).complete("go").finish_reason == "length"


def test_gemini_stream(server: FakeProviderServer) -> None:
    server.reset(Step(text="one two three"))
    assert _stream(_gemini(server)) == tokens_of("one two three")
    assert server.received[0].path == "/v1/models/gemini-test:streamGenerateContent"


def test_gemini_structured_uses_the_json_schema(server: FakeProviderServer) -> None:
    server.reset(Step(text=IDENTITY))
    assert _gemini(server).structured("Who?", Identity).archetype == "Sage"
    config = server.bodies[0]["generationConfig"]
    assert config["responseMimeType"] == "application/json"
    assert config["responseJsonSchema"] == Identity.model_json_schema()


def test_gemini_without_json_schema_mode_is_asked_again(server: FakeProviderServer) -> None:
    server.reset(Step(refuse_json_schema=True), Step(text=IDENTITY))
    assert _gemini(server).structured("Who?", Identity).archetype == "Sage"
    schemas = ["responseJsonSchema" in b["generationConfig"] for b in server.bodies]
    assert schemas == [True, False]


@pytest.mark.parametrize(
    ("status", "error", "attempts"),
    [
        (503, LLMTransientError, 3),
        (429, LLMTransientError, 3),
        (403, LLMUnavailableError, 1),
        (400, LLMRequestError, 1),
    ],
)
def test_gemini_errors(
    server: FakeProviderServer, status: int, error: type[Exception], attempts: int
) -> None:
    sleep = FakeSleep()
    server.reset(*[Step(status=status, message="nope")] * 3)
    with pytest.raises(error, match="nope"):
        _gemini(server, sleep).complete("go")
    assert len(server.received) == attempts
    assert len(sleep.calls) == attempts - 1
