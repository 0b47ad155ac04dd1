"""A deterministic, scripted language model for tests (never shipped with personae).

:class:`ScriptedLLM` implements the :class:`personae.llm.LLM` protocol through
:class:`personae.llm.LLMBase`, so it gets the real retries, streaming bridge and
structured-output loop; only the model is fake. Its replies come from a script:

* a queue of items, one per request the model receives — a string (the answer), a
  :class:`Reply` (an answer with its finish reason or token counts), an exception
  instance (raised, e.g. ``LLMTransientError`` to exercise back-off), or a function of
  the :class:`~personae.llm.GenerationRequest`;
* or a single function of the request, called for every request (``responder=``).

Answers are split into word tokens (each word with the white space before it), so
streaming yields several chunks and ``max_tokens`` cuts the answer the way a model would
(``finish_reason="length"``); ``stop`` sequences end it early. Every request is kept in
``requests`` so tests can look at what the code under test asked.

>>> llm = ScriptedLLM(["Hello there.", '{"name": "Ada"}'])
>>> llm.complete("hi").text
'Hello there.'
"""

from __future__ import annotations

import json
import re
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TypeAlias

from pydantic import BaseModel

from personae.llm import Completion, GenerationRequest, LLMBase, RetryPolicy, StreamStats

__all__ = ["FakeSleep", "Reply", "ScriptItem", "ScriptedLLM", "json_reply", "tokens_of"]

_TOKEN = re.compile(r"\s*\S+")


def tokens_of(text: str) -> list[str]:
    """Word tokens whose concatenation is ``text`` (trailing white space joins the last)."""
    tokens = _TOKEN.findall(text)
    rest = text[sum(len(t) for t in tokens) :]
    if rest:
        if tokens:
            tokens[-1] += rest
        else:
            tokens = [rest]
    return tokens


def json_reply(value: BaseModel | dict[str, Any] | list[Any]) -> str:
    """An answer holding ``value`` as JSON (what a well-behaved model returns)."""
    if isinstance(value, BaseModel):
        return value.model_dump_json()
    return json.dumps(value)


@dataclass(frozen=True)
class Reply:
    """A scripted answer with the details a test wants to control."""

    text: str
    finish_reason: str | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None


ScriptItem: TypeAlias = "str | Reply | BaseException | Callable[[GenerationRequest], str | Reply]"


class FakeSleep:
    """Records the waits it is asked for instead of waiting."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


class ScriptedLLM(LLMBase):
    """A model that answers from a script; see the module's docstring.

    Parameters
    ----------
    script
        Items answered in order, one per request.
    responder
        Called for every request once the script is used up (or instead of one).
    model, provider
        Names reported in completions (and used by the cache key).
    retry
        Defaults to two retries with no real waiting (``sleep`` records).
    """

    def __init__(
        self,
        script: Iterable[ScriptItem] = (),
        *,
        responder: Callable[[GenerationRequest], str | Reply] | None = None,
        model: str = "scripted-1",
        provider: str = "scripted",
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        sleep: FakeSleep | None = None,
        retry_timeouts: bool = True,
    ) -> None:
        self.fake_sleep = sleep if sleep is not None else FakeSleep()
        super().__init__(
            model=model,
            timeout=timeout,
            retry=retry if retry is not None else RetryPolicy(max_retries=2, base_delay=0.5),
            sleep=self.fake_sleep,
        )
        self.provider = provider
        self.retry_timeouts = retry_timeouts
        self._script: deque[ScriptItem] = deque(script)
        self._responder = responder
        self._lock = threading.Lock()
        self.requests: list[GenerationRequest] = []
        self.streams_closed = threading.Event()
        self.tokens_streamed = 0

    def add(self, *items: ScriptItem) -> None:
        """Append answers to the script."""
        with self._lock:
            self._script.extend(items)

    @property
    def remaining(self) -> int:
        """Script items not used yet."""
        with self._lock:
            return len(self._script)

    def _next(self, request: GenerationRequest) -> Reply:
        with self._lock:
            self.requests.append(request)
            item: ScriptItem | None = self._script.popleft() if self._script else None
        if item is None:
            if self._responder is None:
                raise AssertionError(f"the script ran out at request {len(self.requests)}")
            item = self._responder
        if isinstance(item, BaseException):
            raise item
        if callable(item):
            item = item(request)
        return item if isinstance(item, Reply) else Reply(item)

    @staticmethod
    def _shape(reply: Reply, request: GenerationRequest) -> tuple[list[str], str]:
        """Cut the answer at a stop sequence or at ``max_tokens``, as a model would."""
        text, reason = reply.text, reply.finish_reason or "stop"
        for stop in request.stop:
            if stop in text:
                text, reason = text[: text.index(stop)], "stop"
        tokens = tokens_of(text)
        if len(tokens) > request.max_tokens:
            tokens, reason = tokens[: request.max_tokens], "length"
        return tokens, reason

    @staticmethod
    def _prompt_tokens(request: GenerationRequest) -> int:
        return sum(len(tokens_of(m.content)) for m in request.messages)

    def _generate(self, request: GenerationRequest) -> Completion:
        reply = self._next(request)
        tokens, reason = self._shape(reply, request)
        return Completion(
            text="".join(tokens),
            prompt_tokens=(
                reply.prompt_tokens
                if reply.prompt_tokens is not None
                else self._prompt_tokens(request)
            ),
            completion_tokens=(
                reply.completion_tokens if reply.completion_tokens is not None else len(tokens)
            ),
            latency_ms=1.0,
            model=self.model,
            provider=self.provider,
            finish_reason=reason,
        )

    def _generate_stream(self, request: GenerationRequest, stats: StreamStats) -> Iterator[str]:
        reply = self._next(request)
        tokens, reason = self._shape(reply, request)
        stats.prompt_tokens = self._prompt_tokens(request)
        try:
            for token in tokens:
                with self._lock:
                    self.tokens_streamed += 1
                stats.completion_tokens += 1
                yield token
            stats.finish_reason = reason
        finally:
            self.streams_closed.set()
