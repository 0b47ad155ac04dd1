"""Fallback between providers: ``PERSONAE_LLM=openai:gpt-4o-mini,local``.

:class:`FallbackLLM` holds the providers in order and asks the first; when it cannot
answer — an outage (unreachable, not configured, its key refused), a timeout, or a rate
limit that outlasted its own retries — the next one is asked, and so on. A request the
provider refuses as sent (:class:`~personae.errors.LLMRequestError`, e.g. a prompt over
its context) or an invalid structured answer is *not* passed on: the next provider would
refuse it too, or the caller should see it.

Which provider answered is recorded on the answer (``Completion.provider`` and
``.model``), logged (``personae.llm`` logger, with the reason the ones before failed),
and counted in the metrics (``personae_llm_calls_total{outcome="fallback"}`` for each
provider passed over).

A stream falls back only before its first token: once the reader has text from one
provider, a failure ends the stream (mixing two models' halves would be worse).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Sequence

from personae._metrics import observe_llm_call
from personae.errors import LLMError, LLMTimeoutError, LLMUnavailableError
from personae.llm._base import GenerationRequest, LLMBase, StreamStats
from personae.llm._protocol import Completion
from personae.llm._retry import RetryPolicy

__all__ = ["FALLBACK_ERRORS", "FallbackLLM", "split_specs"]

logger = logging.getLogger("personae.llm")

FALLBACK_ERRORS: tuple[type[LLMError], ...] = (LLMUnavailableError, LLMTimeoutError)
"""What makes the next provider be asked: outages (``LLMTransientError`` — rate limits,
connection failures, overload — is a kind of ``LLMUnavailableError``) and timeouts."""


def split_specs(spec: str) -> list[str]:
    """``"openai:gpt-4o-mini, local"`` → ``["openai:gpt-4o-mini", "local"]`` (blanks dropped)."""
    return [part.strip() for part in spec.split(",") if part.strip()]


class _Unbuildable(LLMBase):
    """A provider that could not be built (no SDK, no key): unavailable on every call."""

    def __init__(self, spec: str, error: LLMUnavailableError) -> None:
        provider, _, model = spec.partition(":")
        super().__init__(model=model.strip() or provider.strip(), retry=RetryPolicy(max_retries=0))
        self.provider = provider.strip().lower() or "unknown"
        self.error = error

    def _generate(self, request: GenerationRequest) -> Completion:
        raise self.error


class FallbackLLM(LLMBase):
    """Providers tried in order (see the module docstring).

    Parameters
    ----------
    providers
        At least one provider; each keeps its own timeout and retries.
    clock
        Seconds (``time.perf_counter``); tests inject their own.

    Examples
    --------
    >>> llm = FallbackLLM([build_llm(settings, "openai:gpt-4o-mini"), build_llm(settings, "local")])
    ... # doctest: +SKIP
    >>> llm.complete("Hi").provider  # doctest: +SKIP
    'local'
    """

    provider = "fallback"

    def __init__(
        self, providers: Sequence[LLMBase], *, clock: Callable[[], float] = time.perf_counter
    ) -> None:
        if not providers:
            raise ValueError("a fallback needs at least one provider")
        first = providers[0]
        super().__init__(
            model=",".join(f"{p.provider}:{p.model}" for p in providers),
            timeout=max(p.timeout for p in providers),
            retry=RetryPolicy(max_retries=0),  # each provider retries on its own
        )
        self.providers = list(providers)
        self.retry_timeouts = first.retry_timeouts
        self._clock = clock

    @classmethod
    def of(cls, specs: Sequence[str], build: Callable[[str], LLMBase]) -> FallbackLLM:
        """Build each spec; one that cannot be built (missing SDK or key) stays in the
        chain as unavailable, so the others still serve."""
        providers: list[LLMBase] = []
        for spec in specs:
            try:
                providers.append(build(spec))
            except LLMUnavailableError as exc:
                providers.append(_Unbuildable(spec, exc))
        return cls(providers)

    def _passed_over(self, provider: LLMBase, error: LLMError, started: float) -> None:
        logger.warning(
            "model %s:%s failed (%s: %s); asking the next provider",
            provider.provider,
            provider.model,
            error.code,
            error.message,
        )
        observe_llm_call(
            provider=provider.provider,
            model=provider.model,
            prompt_tokens=0,
            completion_tokens=0,
            seconds=self._clock() - started,
            outcome="fallback",
        )

    def _generate(self, request: GenerationRequest) -> Completion:
        failure: LLMError | None = None
        for index, provider in enumerate(self.providers):
            started = self._clock()
            try:
                completion = provider._call(request)
            except FALLBACK_ERRORS as exc:
                failure = failure or exc
                if index == len(self.providers) - 1:
                    raise
                self._passed_over(provider, exc, started)
                continue
            if index:
                logger.info("answered by %s:%s", provider.provider, provider.model)
            return completion
        assert failure is not None  # pragma: no cover - the loop returns or raises
        raise failure  # pragma: no cover

    def _generate_stream(self, request: GenerationRequest, stats: StreamStats) -> Iterator[str]:
        for index, provider in enumerate(self.providers):
            started = self._clock()
            tokens = provider._generate_stream(request, stats)
            try:
                first = next(tokens, None)
            except FALLBACK_ERRORS as exc:
                if index == len(self.providers) - 1:
                    raise
                self._passed_over(provider, exc, started)
                continue
            if index:
                logger.info("streaming from %s:%s", provider.provider, provider.model)
            if first is not None:
                yield first
            yield from tokens
            return
