"""The model of memory_bench's chat-turn overhead: answers at once, from a function.

A benchmark imports no test module (``tests/`` is not shipped and its doubles may change
with the tests), so memory_bench carries the one double it needs: a model whose every
answer is ``responder(request)``, with no latency, so a turn's cost is personae's own.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from pydantic import BaseModel

from personae.llm import Completion, GenerationRequest, LLMBase, StreamStats

__all__ = ["RespondingLLM", "json_reply"]


def json_reply(value: BaseModel | dict[str, Any] | list[Any]) -> str:
    """An answer holding ``value`` as JSON (what a well-behaved model returns)."""
    return value.model_dump_json() if isinstance(value, BaseModel) else json.dumps(value)


class RespondingLLM(LLMBase):
    """Answers every request with ``responder(request)`` at once; ``requests`` keeps what
    it was asked (the bench tells a turn that wrote memories by its summary request)."""

    provider = "memory-bench"

    def __init__(self, responder: Callable[[GenerationRequest], str]) -> None:
        super().__init__(model="responding-1")
        self._responder = responder
        self.requests: list[GenerationRequest] = []

    def _answer(self, request: GenerationRequest) -> str:
        self.requests.append(request)
        return self._responder(request)

    def _generate(self, request: GenerationRequest) -> Completion:
        text = self._answer(request)
        return Completion(
            text=text,
            prompt_tokens=sum(len(m.content.split()) for m in request.messages),
            completion_tokens=len(text.split()),
            latency_ms=1.0,
            model=self.model,
            provider=self.provider,
            finish_reason="stop",
        )

    def _generate_stream(self, request: GenerationRequest, stats: StreamStats) -> Iterator[str]:
        text = self._answer(request)
        stats.completion_tokens = len(text.split())
        stats.finish_reason = "stop"
        yield text
