"""The default provider for real: SmolLM2-135M-Instruct through llama-cpp-python.

Small ``max_tokens`` keep each test to a few seconds on a laptop CPU; the model is loaded
once per process and shared. The texts a model writes are not asserted, only what
personae promises about them (non-empty, counted, streamed, valid against the schema).
"""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

import pytest
from pydantic import BaseModel, Field

from personae.config import Settings
from personae.errors import LLMRequestError, LLMTimeoutError, LLMUnavailableError
from personae.llm import LocalLLM, Message, build_llm


class Colour(BaseModel):
    name: str = Field(max_length=40)
    warm: bool


@pytest.fixture(scope="module")
def llm() -> LocalLLM:
    built = build_llm(Settings(_env_file=None, llm_threads=2))  # type: ignore[call-arg]
    assert isinstance(built, LocalLLM)
    return built


def test_complete(llm: LocalLLM) -> None:
    completion = llm.complete(
        [Message.system("You are brief."), Message.user("Say hello.")],
        max_tokens=8,
        temperature=0,
    )
    assert completion.text.strip()
    assert 1 <= completion.completion_tokens <= 8
    assert completion.prompt_tokens > 5
    assert completion.finish_reason in {"stop", "length"}
    assert (completion.provider, completion.model) == ("local", "SmolLM2-135M-Instruct.Q4_1")


def test_max_tokens_is_honoured(llm: LocalLLM) -> None:
    completion = llm.complete("Write a long story about a lighthouse.", max_tokens=3, temperature=0)
    assert completion.completion_tokens <= 3
    assert completion.finish_reason == "length"


def test_stream(llm: LocalLLM) -> None:
    async def run() -> list[str]:
        return [t async for t in llm.stream("Name three colours.", max_tokens=8, temperature=0)]

    tokens = asyncio.run(run())
    assert 2 <= len(tokens) <= 8
    assert "".join(tokens).strip()


def test_structured_output_is_constrained_to_the_schema(llm: LocalLLM) -> None:
    colour = llm.structured("Name one warm colour.", Colour, max_tokens=32)
    assert isinstance(colour, Colour)
    assert colour.name


def test_a_deadline_stops_the_generation(llm: LocalLLM) -> None:
    with pytest.raises(LLMTimeoutError, match="did not finish"):
        llm.complete("Write a long story about a lighthouse.", max_tokens=200, timeout=0.001)


def test_a_file_that_is_not_a_model_fails_on_first_use(tmp_path: Path) -> None:
    fake = tmp_path / "not-a-model.gguf"
    fake.write_bytes(b"this is not a GGUF file")
    broken = LocalLLM(fake)
    with pytest.raises(LLMUnavailableError, match="cannot load"):
        broken.complete("hi", max_tokens=2)


def test_a_prompt_longer_than_the_context_is_refused(llm: LocalLLM) -> None:
    small = LocalLLM(llm.model_path, n_ctx=64, n_threads=1)
    with pytest.raises(LLMRequestError, match="context window of 64 tokens") as caught:
        small.complete("lighthouse " * 200, max_tokens=4)
    assert caught.value.details["context_tokens"] == 64


def test_a_schema_the_grammar_cannot_express_still_gets_json() -> None:
    from personae.llm._local_worker import _grammar

    assert _grammar('{"type": "object", "properties": {"x": {"type": "no-such-type"}}}')


def test_a_worker_killed_mid_call_is_a_clear_error_and_the_next_call_works(
    llm: LocalLLM,
) -> None:
    """A native crash ends one call with llm_unavailable, never the caller's process."""
    llm.complete("Say hello.", max_tokens=2, temperature=0)  # the worker is up
    pid = llm.worker_pid
    assert pid is not None
    assert pid != os.getpid()

    def run() -> list[str]:
        async def collect() -> list[str]:
            tokens: list[str] = []
            async for token in llm.stream("Write a long story about a lighthouse.", max_tokens=400):
                tokens.append(token)
                if len(tokens) == 3:
                    os.kill(pid, signal.SIGSEGV)
            return tokens

        return asyncio.run(collect())

    with pytest.raises(LLMUnavailableError, match="SIGSEGV") as caught:
        run()
    assert caught.value.code == "llm_unavailable"
    assert "restarts on the next call" in str(caught.value)

    again = llm.complete("Say hello.", max_tokens=4, temperature=0)
    assert again.text.strip()
    assert llm.worker_pid not in {None, pid}


def test_an_abandoned_stream_leaves_the_worker_ready(llm: LocalLLM) -> None:
    async def first_tokens() -> None:
        stream = llm.stream("Write a long story about a lighthouse.", max_tokens=300)
        async for _ in stream:
            break
        await stream.aclose()

    pid_before = llm.worker_pid
    asyncio.run(first_tokens())
    completion = llm.complete("Say hello.", max_tokens=4, temperature=0)
    assert completion.completion_tokens >= 1
    assert llm.worker_pid == pid_before


def test_an_answer_that_would_overflow_the_context_is_cut_to_fit(llm: LocalLLM) -> None:
    small = LocalLLM(llm.model_path, n_ctx=128, n_threads=1)
    # Asking for more than the context holds is not an error: the answer is cut to fit
    # (llama.cpp pads a context to a multiple of 256 tokens). The model may also stop
    # on its own before that, so only the bound is asserted.
    completion = small.complete(
        "Write a long story about a lighthouse.", max_tokens=4000, temperature=0, seed=1
    )
    assert completion.text.strip()
    assert completion.prompt_tokens + completion.completion_tokens <= 256
