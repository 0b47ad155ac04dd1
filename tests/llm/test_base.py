"""The behaviour every provider shares, driven through the scripted test LLM."""

from __future__ import annotations

import asyncio
import contextlib
import math
import random
import threading
from collections.abc import Callable, Iterator

import pytest
from pydantic import BaseModel

from personae.errors import (
    LLMOutputError,
    LLMRequestError,
    LLMTimeoutError,
    LLMTransientError,
    LLMUnavailableError,
)
from personae.llm import (
    LLM,
    GenerationRequest,
    Message,
    RetryPolicy,
    StreamStats,
    as_messages,
)
from tests.doubles import FakeSleep, Reply, ScriptedLLM, json_reply, tokens_of


class Identity(BaseModel):
    persona_name: str
    archetype: str


GOOD = json_reply({"persona_name": "Ada", "archetype": "Sage"})


def _collect(llm: ScriptedLLM, messages: str = "go", **kwargs: object) -> list[str]:
    async def run() -> list[str]:
        return [token async for token in llm.stream(messages, **kwargs)]  # type: ignore[arg-type]

    return asyncio.run(run())


def test_the_scripted_llm_is_an_llm() -> None:
    assert isinstance(ScriptedLLM(), LLM)


def test_complete_returns_the_answer_and_what_was_asked() -> None:
    llm = ScriptedLLM(["Hello there, friend."])
    completion = llm.complete(
        [{"role": "system", "content": "Be brief."}, Message.user("Hi")],
        max_tokens=20,
        temperature=0.3,
        stop=["\n\n"],
        seed=7,
        timeout=5,
    )
    assert completion.text == "Hello there, friend."
    assert (completion.provider, completion.model) == ("scripted", "scripted-1")
    assert completion.completion_tokens == 3
    assert completion.prompt_tokens == 3
    assert completion.finish_reason == "stop"
    (request,) = llm.requests
    assert request.messages == (Message.system("Be brief."), Message.user("Hi"))
    assert (request.max_tokens, request.temperature, request.stop, request.seed) == (
        20,
        0.3,
        ("\n\n",),
        7,
    )
    assert request.timeout == 5.0
    assert request.json_schema is None


def test_a_string_is_one_user_turn_and_the_default_timeout_applies() -> None:
    llm = ScriptedLLM(["ok"], timeout=12.5)
    llm.complete("Hi")
    assert llm.requests[0].messages == (Message.user("Hi"),)
    assert llm.requests[0].timeout == 12.5


def test_max_tokens_cuts_the_answer() -> None:
    completion = ScriptedLLM(["one two three four"]).complete("go", max_tokens=2)
    assert (completion.text, completion.finish_reason) == ("one two", "length")


@pytest.mark.parametrize(
    ("kwargs", "says"),
    [
        ({"max_tokens": 0}, "max_tokens"),
        ({"max_tokens": True}, "max_tokens"),
        ({"temperature": -0.1}, "temperature"),
        ({"temperature": 2.5}, "temperature"),
        ({"temperature": math.nan}, "temperature"),
        ({"stop": [""]}, "stop"),
        ({"seed": -1}, "seed"),
        ({"seed": 2**31}, "seed"),
        ({"timeout": 0}, "timeout"),
        ({"timeout": math.inf}, "timeout"),
    ],
)
def test_bad_parameters_never_reach_the_model(kwargs: dict[str, object], says: str) -> None:
    llm = ScriptedLLM(["never"])
    with pytest.raises(LLMRequestError, match=says):
        llm.complete("go", **kwargs)  # type: ignore[arg-type]
    assert llm.requests == []


@pytest.mark.parametrize(
    "messages",
    [[], [{"role": "robot", "content": "x"}], [{"role": "user"}], [{"content": "x"}]],
)
def test_bad_messages_are_request_errors(messages: list[dict[str, str]]) -> None:
    with pytest.raises(LLMRequestError):
        as_messages(messages)


def test_a_stop_string_is_one_stop_sequence() -> None:
    llm = ScriptedLLM(["a. b"])
    assert llm.complete("go", stop=".").text == "a"  # type: ignore[arg-type]
    assert llm.requests[0].stop == (".",)


# -- retries and back-off ---------------------------------------------------------------


def test_transient_failures_are_retried_with_growing_jittered_waits() -> None:
    llm = ScriptedLLM([LLMTransientError("busy"), LLMTransientError("busy"), "ok"])
    assert llm.complete("go").text == "ok"
    assert len(llm.requests) == 3
    first, second = llm.fake_sleep.calls
    assert 0.25 <= first <= 0.5
    assert 0.5 <= second <= 1.0


def test_the_providers_retry_after_hint_is_respected_but_capped() -> None:
    llm = ScriptedLLM(
        [
            LLMTransientError("slow down", retry_after=7),
            LLMTransientError("x", retry_after=900),
            "ok",
        ],
        retry=RetryPolicy(max_retries=2, base_delay=0.5, max_delay=30),
    )
    llm.complete("go")
    assert 7 <= llm.fake_sleep.calls[0] <= 7.5
    assert llm.fake_sleep.calls[1] == 30


def test_retries_are_bounded_and_the_last_error_is_raised() -> None:
    llm = ScriptedLLM([LLMTransientError(f"busy {n}") for n in range(5)])
    with pytest.raises(LLMTransientError, match="busy 2"):
        llm.complete("go")
    assert len(llm.requests) == 3
    assert len(llm.fake_sleep.calls) == 2


def test_no_retries_means_one_attempt() -> None:
    llm = ScriptedLLM([LLMTransientError("busy"), "ok"], retry=RetryPolicy(max_retries=0))
    with pytest.raises(LLMTransientError):
        llm.complete("go")
    assert llm.fake_sleep.calls == []


@pytest.mark.parametrize(
    "error",
    [
        LLMRequestError("too long"),
        LLMUnavailableError("bad key"),
        LLMOutputError("weird"),
        RuntimeError("a bug"),
    ],
)
def test_failures_that_would_repeat_are_not_retried(error: Exception) -> None:
    llm = ScriptedLLM([error, "ok"])
    with pytest.raises(type(error)):
        llm.complete("go")
    assert len(llm.requests) == 1
    assert llm.fake_sleep.calls == []


@pytest.mark.parametrize(("retry_timeouts", "attempts"), [(True, 2), (False, 1)])
def test_timeouts_are_retried_only_where_that_helps(retry_timeouts: bool, attempts: int) -> None:
    llm = ScriptedLLM([LLMTimeoutError("slow"), "ok"], retry_timeouts=retry_timeouts)
    if retry_timeouts:
        assert llm.complete("go").text == "ok"
    else:
        with pytest.raises(LLMTimeoutError):
            llm.complete("go")
    assert len(llm.requests) == attempts


@pytest.mark.parametrize("retry", range(8))
def test_backoff_stays_within_its_window(retry: int) -> None:
    policy = RetryPolicy(max_retries=8, base_delay=0.5, max_delay=10)
    ceiling = min(10.0, 0.5 * 2**retry)
    waits = [policy.delay(retry, retry_after=None, rng=random.Random(s)) for s in range(50)]
    assert all(ceiling / 2 <= w <= ceiling for w in waits)
    assert len(set(waits)) > 1  # jitter: workers that failed together spread out


@pytest.mark.parametrize(
    ("kwargs", "says"),
    [
        ({"max_retries": -1}, "max_retries"),
        ({"base_delay": -1.0}, "base_delay"),
        ({"base_delay": 2.0, "max_delay": 1.0}, "max_delay"),
    ],
)
def test_bad_retry_policies_are_refused(kwargs: dict[str, float], says: str) -> None:
    with pytest.raises(ValueError, match=says):
        RetryPolicy(**kwargs)  # type: ignore[arg-type]


# -- structured output ----------------------------------------------------------------


def test_structured_sends_the_schema_and_returns_the_object() -> None:
    llm = ScriptedLLM([GOOD])
    identity = llm.structured("Describe the persona.", Identity)
    assert identity == Identity(persona_name="Ada", archetype="Sage")
    (request,) = llm.requests
    assert request.json_schema == Identity.model_json_schema()
    assert request.temperature == 0.0
    system = request.messages[0]
    assert system.role == "system"
    assert '"persona_name"' in system.content
    assert request.messages[1] == Message.user("Describe the persona.")


def test_structured_extends_an_existing_system_turn() -> None:
    llm = ScriptedLLM([GOOD])
    llm.structured([Message.system("You name personas."), Message.user("Go.")], Identity)
    messages = llm.requests[0].messages
    assert len(messages) == 2
    assert messages[0].content.startswith("You name personas.\n\n")
    assert "JSON schema" in messages[0].content


def test_an_untidy_answer_is_repaired_without_asking_again() -> None:
    llm = ScriptedLLM(['Here you go:\n```json\n{"persona_name": "Ada", "archetype": "Sage",}\n```'])
    assert llm.structured("go", Identity).archetype == "Sage"
    assert len(llm.requests) == 1


def test_an_invalid_answer_is_shown_to_the_model_with_what_is_wrong() -> None:
    bad = '{"persona_name": "Ada"}'
    llm = ScriptedLLM([bad, GOOD])
    assert llm.structured("go", Identity).persona_name == "Ada"
    first, second = llm.requests
    assert second.messages[: len(first.messages)] == first.messages
    assistant, feedback = second.messages[len(first.messages) :]
    assert assistant == Message.assistant(bad)
    assert feedback.role == "user"
    assert "archetype: Field required" in feedback.content


def test_no_valid_answer_after_the_retries_is_an_output_error() -> None:
    llm = ScriptedLLM(["nope", '{"persona_name": 3}', '{"archetype": "x"}'])
    with pytest.raises(LLMOutputError) as caught:
        llm.structured("go", Identity)
    error = caught.value
    assert len(llm.requests) == 3
    assert error.details["attempts"] == 3
    assert error.details["last_output"] == '{"archetype": "x"}'
    assert error.details["errors"] == ["persona_name: Field required"]
    assert (error.details["provider"], error.details["model"]) == ("scripted", "scripted-1")


def test_output_retries_follow_the_policy() -> None:
    llm = ScriptedLLM(["nope", GOOD], retry=RetryPolicy(max_retries=0))
    with pytest.raises(LLMOutputError):
        llm.structured("go", Identity)
    assert len(llm.requests) == 1


def test_transient_failures_inside_structured_are_retried_too() -> None:
    llm = ScriptedLLM([LLMTransientError("busy"), "nope", GOOD])
    assert llm.structured("go", Identity).archetype == "Sage"
    assert len(llm.requests) == 3
    assert len(llm.fake_sleep.calls) == 1


# -- streaming --------------------------------------------------------------------------


def test_stream_yields_the_answer_token_by_token() -> None:
    text = "The quick brown fox,\njumps over  the lazy dog. "
    tokens = _collect(ScriptedLLM([text]))
    assert tokens == tokens_of(text)
    assert len(tokens) == 9
    assert "".join(tokens) == text


def test_stream_retries_a_failure_before_the_first_token() -> None:
    llm = ScriptedLLM([LLMTransientError("busy"), "a b c"])
    assert "".join(_collect(llm)) == "a b c"
    assert len(llm.fake_sleep.calls) == 1


def test_stream_raises_the_providers_typed_error() -> None:
    with pytest.raises(LLMUnavailableError, match="bad key"):
        _collect(ScriptedLLM([LLMUnavailableError("bad key")]))


def test_stream_validates_before_starting() -> None:
    llm = ScriptedLLM(["x"])
    with pytest.raises(LLMRequestError):
        _collect(llm, max_tokens=0)
    assert llm.requests == []


def _blocking(gate: threading.Event) -> Callable[[GenerationRequest], str]:
    def respond(request: GenerationRequest) -> str:
        gate.wait(10)
        return "late"

    return respond


def test_a_stalled_stream_times_out() -> None:
    gate = threading.Event()
    llm = ScriptedLLM(responder=_blocking(gate))
    try:
        with pytest.raises(LLMTimeoutError, match="no token") as caught:
            _collect(llm, timeout=0.2)
        assert caught.value.details["timeout"] == 0.2
    finally:
        gate.set()


class _Endless(ScriptedLLM):
    """Streams for ever unless the consumer's leaving stops it."""

    def _generate_stream(self, request: GenerationRequest, stats: StreamStats) -> Iterator[str]:
        try:
            while True:
                yield "word "
        finally:
            self.streams_closed.set()


def test_leaving_a_stream_early_stops_the_generation() -> None:
    llm = _Endless()

    async def first_three() -> list[str]:
        got = []
        async with contextlib.aclosing(llm.stream("go")) as tokens:
            async for token in tokens:
                got.append(token)
                if len(got) == 3:
                    break
        return got

    assert asyncio.run(first_three()) == ["word "] * 3
    assert llm.streams_closed.wait(10), "the generation kept running after the consumer left"


def test_a_scripted_reply_controls_the_finish_and_counts() -> None:
    llm = ScriptedLLM([Reply("x", finish_reason="length", prompt_tokens=11, completion_tokens=5)])
    completion = llm.complete("go")
    assert (completion.finish_reason, completion.prompt_tokens, completion.completion_tokens) == (
        "length",
        11,
        5,
    )


def test_the_fake_sleep_records() -> None:
    sleep = FakeSleep()
    sleep(1.5)
    assert sleep.calls == [1.5]
