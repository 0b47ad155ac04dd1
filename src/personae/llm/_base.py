"""What every provider shares: validation, retries, streaming in a thread, structured output.

A provider subclasses :class:`LLMBase` and implements :meth:`LLMBase._generate` (one
blocking attempt at a completion) and, if it can stream, :meth:`LLMBase._generate_stream`
(a blocking iterator of tokens). Everything else — the public ``complete``, ``stream``
and ``structured`` methods, retries with back-off, the async bridge and the
repair-or-ask-again loop of structured output — lives here once, so every provider
(and the test LLM, and :class:`~personae.llm.RecordedLLM`) behaves the same.
"""

from __future__ import annotations

import asyncio
import itertools
import math
import random
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from personae._metrics import observe_llm_call
from personae._types import Sleep
from personae.errors import (
    LLMError,
    LLMOutputError,
    LLMRequestError,
    LLMTimeoutError,
    LLMTransientError,
)
from personae.llm._json import json_instruction, parse_structured, schema_of
from personae.llm._protocol import (
    DEFAULT_MAX_TOKENS,
    DEFAULT_TEMPERATURE,
    Completion,
    Message,
    MessagesLike,
    ModelT,
    as_messages,
)
from personae.llm._retry import RetryPolicy

__all__ = ["DEFAULT_TIMEOUT", "GenerationRequest", "LLMBase", "StreamStats"]

DEFAULT_TIMEOUT = 120.0
"""Seconds a provider waits for one request when neither it nor the call says otherwise."""

_MAX_TOKENS_LIMIT = 1_000_000
_MAX_TEMPERATURE = 2.0


@dataclass(frozen=True)
class GenerationRequest:
    """One validated request to a model, as a provider receives it.

    ``timeout`` is the time this attempt may take, in seconds. ``json_schema`` is set by
    ``structured``: a provider with a JSON-schema mode (grammar-constrained sampling,
    ``response_format`` …) should use it; others may ignore it, since the instruction
    to answer in JSON is in the messages already and the answer is validated anyway.
    """

    messages: tuple[Message, ...]
    max_tokens: int
    temperature: float
    stop: tuple[str, ...] = ()
    seed: int | None = None
    timeout: float = DEFAULT_TIMEOUT
    json_schema: dict[str, Any] | None = None

    def params(self) -> dict[str, Any]:
        """Everything but the messages and the timeout that shapes the answer."""
        return {
            "max_tokens": self.max_tokens,
            "temperature": self.temperature,
            "stop": list(self.stop),
            "seed": self.seed,
            "json_schema": self.json_schema,
        }


@dataclass
class StreamStats:
    """What a provider learns about a stream while producing it (filled in as it goes)."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    finish_reason: str = "stop"


@dataclass(frozen=True)
class _Failure:
    error: BaseException


_DONE = object()


def _problems(error: LLMOutputError) -> list[str]:
    found = error.details.get("errors")
    return [str(item) for item in found] if isinstance(found, list) else []


def _with_instruction(turns: tuple[Message, ...], instruction: str) -> tuple[Message, ...]:
    """Put ``instruction`` in the system turn (the first one, created if missing)."""
    if turns and turns[0].role == "system":
        first = Message.system(f"{turns[0].content}\n\n{instruction}")
        return (first, *turns[1:])
    return (Message.system(instruction), *turns)


class LLMBase(ABC):
    """The shared half of every provider; subclasses implement one attempt at a time.

    Parameters
    ----------
    model
        The model's name as the provider knows it.
    timeout
        Seconds one request may take when the call gives no ``timeout``.
    retry
        Back-off for transient failures, and how often ``structured`` asks again after an
        answer that does not fit the schema (``retry.max_retries`` both times).
    sleep, rng
        Injected by tests, so back-off is checked without waiting.
    """

    provider: str = "base"
    retry_timeouts: bool = True
    """Whether a timed-out attempt is worth repeating (not for local inference, whose
    second attempt would take just as long)."""

    def __init__(
        self,
        *,
        model: str,
        timeout: float = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        sleep: Sleep = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        if not (math.isfinite(timeout) and timeout > 0):
            raise LLMRequestError(f"a timeout must be a positive number of seconds: {timeout}")
        self.model: str = model
        self.timeout = float(timeout)
        self.retry = retry if retry is not None else RetryPolicy()
        self._sleep = sleep
        self._rng = rng if rng is not None else random.Random()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(provider={self.provider!r}, model={self.model!r})"

    # -- what a provider implements ---------------------------------------------------

    @abstractmethod
    def _generate(self, request: GenerationRequest) -> Completion:
        """One blocking attempt; raise the ``LLMError`` family, never an SDK's errors."""

    def _generate_stream(self, request: GenerationRequest, stats: StreamStats) -> Iterator[str]:
        """One blocking attempt, token by token; fills ``stats`` as it learns.

        The default produces the whole completion as one chunk, for providers that
        cannot stream.
        """
        completion = self._generate(request)
        stats.prompt_tokens = completion.prompt_tokens
        stats.completion_tokens = completion.completion_tokens
        stats.finish_reason = completion.finish_reason
        yield completion.text

    # -- the public protocol ----------------------------------------------------------

    def complete(
        self,
        messages: MessagesLike,
        *,
        max_tokens: int = DEFAULT_MAX_TOKENS,
        temperature: float = DEFAULT_TEMPERATURE,
        stop: Sequence[str] | None = None,
        seed: int | None = None,
        timeout: float | None = None,
        json_schema: dict[str, Any] | None = None,
    ) -> Completion:
        """The model's whole answer (see :class:`~personae.llm.LLM`).

        Raises
        ------
        LLMRequestError
            Invalid parameters, or a request the model refuses.
        LLMUnavailableError
            The provider cannot be used (``LLMTransientError`` once retries ran out).
        LLMTimeoutError
            No answer within ``timeout`` (per attempt).
        """
        request = self._request(
            as_messages(messages),
            max_tokens=max_tokens,
            temperature=temperature,
            stop=stop,
            seed=seed,
            timeout=timeout,
            json_schema=json_schema,
        )
        return self._observed_call(request)

    async def stream(
        self,
        messages: MessagesLike,
        *,
        max_tokens: int = DEFAULT_MAX_TOKENS,
        temperature: float = DEFAULT_TEMPERATURE,
        stop: Sequence[str] | None = None,
        seed: int | None = None,
        timeout: float | None = None,
        json_schema: dict[str, Any] | None = None,
    ) -> AsyncIterator[str]:
        """The answer token by token, without blocking the event loop.

        The blocking generation runs in a thread of its own and hands tokens over as they
        come. ``timeout`` bounds the wait for *each* token, the first one included (it
        carries the prompt's processing and any retries, which happen only before the
        first token): a stalled stream fails, a long one that keeps flowing does not.
        Leaving early (``break``, an exception, a client that disconnects) stops the
        generation at its next token once the iterator is closed: at once with
        ``contextlib.aclosing(llm.stream(...))``, else when it is garbage-collected.
        """
        request = self._request(
            as_messages(messages),
            max_tokens=max_tokens,
            temperature=temperature,
            stop=stop,
            seed=seed,
            timeout=timeout,
            json_schema=json_schema,
        )
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[object] = asyncio.Queue()
        cancel = threading.Event()

        def emit(item: object) -> None:
            try:
                loop.call_soon_threadsafe(queue.put_nowait, item)
            except RuntimeError:  # the loop is closed: nobody is listening any more
                cancel.set()

        producer = threading.Thread(
            target=self._produce,
            args=(request, emit, cancel),
            name=f"personae-llm-stream-{self.provider}",
            daemon=True,
        )
        producer.start()
        try:
            while True:
                try:
                    async with asyncio.timeout(request.timeout):
                        item = await queue.get()
                except TimeoutError:
                    raise LLMTimeoutError(
                        f"{self.provider} model {self.model} sent no token for "
                        f"{request.timeout:g} s",
                        provider=self.provider,
                        model=self.model,
                        timeout=request.timeout,
                    ) from None
                if item is _DONE:
                    return
                if isinstance(item, _Failure):
                    raise item.error
                assert isinstance(item, str)
                yield item
        finally:
            cancel.set()

    def structured(
        self,
        messages: MessagesLike,
        schema: type[ModelT],
        *,
        max_tokens: int = DEFAULT_MAX_TOKENS,
        temperature: float = 0.0,
        seed: int | None = None,
        timeout: float | None = None,
    ) -> ModelT:
        """An answer validated as ``schema`` (see :class:`~personae.llm.LLM`).

        The schema goes to the model twice: as an instruction in the system turn, and as
        ``GenerationRequest.json_schema`` for providers that constrain their output to it.
        An answer that is not clean JSON is repaired (:func:`~personae.llm.repair_json`);
        one that still does not validate is shown to the model with what is wrong, and
        the model asks again, ``retry.max_retries`` times at most.

        Raises
        ------
        LLMOutputError
            No valid answer after the repairs and re-asks; ``details`` hold the last
            answer, its problems and the number of attempts.
        """
        json_schema = schema_of(schema)
        turns = _with_instruction(as_messages(messages), json_instruction(json_schema))
        request = self._request(
            turns,
            max_tokens=max_tokens,
            temperature=temperature,
            stop=None,
            seed=seed,
            timeout=timeout,
            json_schema=json_schema,
        )
        attempts = self.retry.max_retries + 1
        last: LLMOutputError | None = None
        for _ in range(attempts):
            completion = self._observed_call(request)
            try:
                return parse_structured(completion.text, schema)
            except LLMOutputError as exc:
                last = exc
                problems = "; ".join(_problems(exc)) or exc.message
                feedback = (
                    f"That answer is not valid: {problems}. Answer again with only the "
                    "corrected JSON object."
                )
                request = replace(
                    request,
                    messages=(
                        *request.messages,
                        Message.assistant(completion.text),
                        Message.user(feedback),
                    ),
                )
        assert last is not None
        raise LLMOutputError(
            f"{self.provider} model {self.model} gave no valid {schema.__name__} in "
            f"{attempts} attempt{'s' if attempts != 1 else ''}: {last.message}",
            provider=self.provider,
            model=self.model,
            attempts=attempts,
            errors=_problems(last),
            last_output=last.details.get("last_output", ""),
        )

    # -- shared machinery -------------------------------------------------------------

    def _request(
        self,
        messages: tuple[Message, ...],
        *,
        max_tokens: int,
        temperature: float,
        stop: Sequence[str] | None,
        seed: int | None,
        timeout: float | None,
        json_schema: dict[str, Any] | None = None,
    ) -> GenerationRequest:
        """Validate the call's parameters once, before any provider sees them."""
        if isinstance(max_tokens, bool) or not 1 <= max_tokens <= _MAX_TOKENS_LIMIT:
            raise LLMRequestError(
                f"max_tokens must be between 1 and {_MAX_TOKENS_LIMIT:,}: {max_tokens}"
            )
        if not (math.isfinite(temperature) and 0.0 <= temperature <= _MAX_TEMPERATURE):
            raise LLMRequestError(
                f"temperature must be between 0 and {_MAX_TEMPERATURE:g}: {temperature}"
            )
        if isinstance(stop, str):
            stop = [stop]
        stops = tuple(stop or ())
        if any(not isinstance(s, str) or not s for s in stops):
            raise LLMRequestError("stop sequences must be non-empty strings")
        if seed is not None and (isinstance(seed, bool) or not 0 <= seed < 2**31):
            raise LLMRequestError(f"a seed must be an integer in 0..2^31-1: {seed}")
        wait = self.timeout if timeout is None else timeout
        if not (math.isfinite(wait) and wait > 0):
            raise LLMRequestError(f"a timeout must be a positive number of seconds: {wait}")
        return GenerationRequest(
            messages=messages,
            max_tokens=max_tokens,
            temperature=float(temperature),
            stop=stops,
            seed=seed,
            timeout=float(wait),
            json_schema=json_schema,
        )

    def _retryable(self, error: LLMError) -> bool:
        if isinstance(error, LLMTransientError):
            return True
        return isinstance(error, LLMTimeoutError) and self.retry_timeouts

    def _backoff(self, retry: int, error: LLMError) -> None:
        hint = error.retry_after if isinstance(error, LLMTransientError) else None
        self._sleep(self.retry.delay(retry, retry_after=hint, rng=self._rng))

    def _observed_call(self, request: GenerationRequest) -> Completion:
        """:meth:`_call`, counted in the process's metrics (one per public call or
        re-ask, by the provider and model that answered)."""
        started = time.perf_counter()
        try:
            completion = self._call(request)
        except LLMError:
            observe_llm_call(
                provider=self.provider,
                model=self.model,
                prompt_tokens=0,
                completion_tokens=0,
                seconds=time.perf_counter() - started,
                outcome="error",
            )
            raise
        observe_llm_call(
            provider=completion.provider or self.provider,
            model=completion.model or self.model,
            prompt_tokens=completion.prompt_tokens,
            completion_tokens=completion.completion_tokens,
            seconds=time.perf_counter() - started,
            outcome="cached" if completion.cached else "ok",
        )
        return completion

    def _call(self, request: GenerationRequest) -> Completion:
        """``_generate`` with retries of transient failures."""
        for retry in itertools.count():
            try:
                return self._generate(request)
            except (LLMTransientError, LLMTimeoutError) as exc:
                if retry >= self.retry.max_retries or not self._retryable(exc):
                    raise
                self._backoff(retry, exc)
        raise AssertionError("unreachable")  # pragma: no cover

    def _produce(
        self,
        request: GenerationRequest,
        emit: Callable[[object], None],
        cancel: threading.Event,
    ) -> None:
        """The stream's thread: run the generation, hand tokens to the event loop."""
        began = time.perf_counter()
        for retry in itertools.count():
            started = False
            stats = StreamStats()
            emitted = 0
            try:
                tokens = self._generate_stream(request, stats)
                try:
                    for token in tokens:
                        if cancel.is_set():
                            return
                        if token:
                            started = True
                            emitted += 1
                            emit(token)
                finally:
                    close = getattr(tokens, "close", None)
                    if close is not None:
                        close()
                observe_llm_call(
                    provider=self.provider,
                    model=self.model,
                    prompt_tokens=stats.prompt_tokens,
                    completion_tokens=stats.completion_tokens or emitted,
                    seconds=time.perf_counter() - began,
                )
                emit(_DONE)
                return
            except (LLMTransientError, LLMTimeoutError) as exc:
                if (
                    started
                    or cancel.is_set()
                    or retry >= self.retry.max_retries
                    or not self._retryable(exc)
                ):
                    emit(_Failure(exc))
                    return
                self._backoff(retry, exc)
            except BaseException as exc:  # handed to the consumer, which re-raises it
                emit(_Failure(exc))
                return
