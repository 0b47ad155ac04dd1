"""Caching and accounting of model calls around any provider, through a log it is handed.

Providers stay pure (they talk to a model and nothing else); :class:`RecordedLLM` wraps
one and adds two things: a response cache and one usage record per call. Where those
live is not this package's business: the caller hands in a :class:`CallLog` (as
simonw/llm's responses log through the database they are handed), and ``personae.llm``
never imports the store. The store's own log is :class:`personae.store.StoreCallLog`
(one short transaction per call); a service that wants a call's record in its own
transaction hands a buffering log instead (:class:`personae.store.BufferedCallLog`).

Because :class:`RecordedLLM` is an :class:`~personae.llm.LLMBase` itself and wraps the
provider's single attempt, retries, streaming and structured output work exactly as they
do without it, and every attempt (a re-ask after an invalid answer included) is cached
and accounted on its own.

The hook, in order, for one attempt:

1. :meth:`CallLog.check` ``(owner_id, purpose)`` before anything else: a place for a
   per-owner budget, which refuses by raising a :class:`~personae.errors.PersonaeError`
   (the base log allows everything);
2. :meth:`CallLog.lookup` ``(key, owner_id)`` when the request is reproducible and the
   cache is on: a stored answer (a ``Completion`` as JSON) or ``None``;
3. :meth:`CallLog.record` ``(call)`` once the attempt is answered (or abandoned with
   tokens spent): an :class:`LLMCall` with the tokens, the latency and, when the answer
   may be cached, the key and the answer to store.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from personae.llm._base import GenerationRequest, LLMBase, StreamStats
from personae.llm._protocol import Completion

__all__ = ["CACHE_KEY_VERSION", "CallLog", "LLMCall", "RecordedLLM", "cache_key"]

CACHE_KEY_VERSION = 1
"""Part of every cache key: raising it retires every answer cached before."""


def cache_key(
    *, owner_id: int | None, provider: str, model: str, request: GenerationRequest
) -> str:
    """The SHA-256 (hex) of everything that shapes an answer, the owner included.

    The timeout is left out: it decides whether an answer comes, not what it says.
    """
    material = {
        "v": CACHE_KEY_VERSION,
        "owner": owner_id,
        "provider": provider,
        "model": model,
        "messages": [[m.role, m.content] for m in request.messages],
        "params": request.params(),
    }
    encoded = json.dumps(material, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class LLMCall:
    """One answered (or abandoned) model call, as :class:`RecordedLLM` hands it to its log.

    ``cache_key`` and ``response`` are set together, when the answer may be cached
    (a reproducible request with the cache on); ``cached`` calls were served from it and
    spent no tokens.
    """

    owner_id: int | None
    provider: str
    model: str
    purpose: str
    prompt_tokens: int
    completion_tokens: int
    latency_ms: int
    cached: bool
    cache_key: str | None = None
    response: dict[str, Any] | None = None


class CallLog:
    """Where :class:`RecordedLLM` looks up cached answers and records its calls.

    Subclass it and override what you keep: this base keeps nothing, caches nothing and
    allows every call (``RecordedLLM(inner, log=CallLog())`` behaves as ``inner``).
    A budget check belongs in :meth:`check`, and can read what :meth:`record` wrote.
    """

    def check(self, *, owner_id: int | None, purpose: str) -> None:
        """Called before every attempt; raise to refuse the call (a spent budget)."""

    def lookup(self, key: str, *, owner_id: int | None) -> dict[str, Any] | None:
        """The answer stored under ``key`` for this owner, or ``None``."""
        return None

    def record(self, call: LLMCall) -> None:
        """Keep one call's usage and, when ``call.response`` is set, its answer."""


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000.0


class RecordedLLM(LLMBase):
    """A provider whose answers are cached and whose calls are recorded in a :class:`CallLog`.

    Parameters
    ----------
    inner
        The provider (any :class:`~personae.llm.LLMBase`); its model, timeout, retry
        policy and sleep are used as they are.
    log
        Where cached answers are looked up and calls recorded (see the module docstring).
    owner_id
        Whose calls these are: part of every cache key (one owner's prompts never answer
        another's) and of every record. ``None`` for calls made on nobody's behalf.
    cache
        ``False`` (``PERSONAE_LLM_CACHE_ENABLED=false``) still records every call but
        never reads or writes the cache.
    purpose
        A label recorded with each call (``persona.identity``, ``content.write`` …).

    The cache rule: **only reproducible requests are cached** — temperature 0, or a
    seed given. A call with a temperature above 0 and no seed asks for a fresh sample
    every time, so it is never served from (nor written to) the cache. Streams follow
    the same rule: a cached answer is streamed as one chunk, and a stream that runs to
    its end is stored. A cached answer is recorded with ``cached=True``, zero tokens
    and the lookup's latency, so usage sums are what was spent. A stream abandoned
    half-way is recorded with the tokens it produced, and not cached.

    Examples
    --------
    >>> llm = RecordedLLM(build_llm(settings), log=StoreCallLog(db), owner_id=user.id)
    ... # doctest: +SKIP
    >>> llm.complete("Say hi", temperature=0).cached  # doctest: +SKIP
    False
    >>> llm.complete("Say hi", temperature=0).cached  # doctest: +SKIP
    True
    """

    def __init__(
        self,
        inner: LLMBase,
        *,
        log: CallLog,
        owner_id: int | None,
        cache: bool = True,
        purpose: str = "",
    ) -> None:
        super().__init__(
            model=inner.model,
            timeout=inner.timeout,
            retry=inner.retry,
            sleep=inner._sleep,
            rng=inner._rng,
        )
        self.provider = inner.provider
        self.retry_timeouts = inner.retry_timeouts
        self.inner = inner
        self.log = log
        self.owner_id = owner_id
        self.cache = cache
        self.purpose = purpose

    def __repr__(self) -> str:
        return f"RecordedLLM({self.inner!r}, owner_id={self.owner_id!r})"

    def with_purpose(self, purpose: str) -> RecordedLLM:
        """The same provider, owner, log and cache, recording under another purpose."""
        return RecordedLLM(
            self.inner, log=self.log, owner_id=self.owner_id, cache=self.cache, purpose=purpose
        )

    def logging_to(self, log: CallLog, *, cache: bool | None = None) -> RecordedLLM:
        """The same provider, owner and purpose, recording through another log (a service
        that keeps a unit of work's calls for its own transaction passes a buffering one).
        """
        return RecordedLLM(
            self.inner,
            log=log,
            owner_id=self.owner_id,
            cache=self.cache if cache is None else cache,
            purpose=self.purpose,
        )

    # -- cache and accounts -----------------------------------------------------------

    def cacheable(self, request: GenerationRequest) -> bool:
        """Whether this request may be answered from, and stored in, the cache."""
        return self.cache and (request.temperature == 0.0 or request.seed is not None)

    def _key(self, request: GenerationRequest) -> str:
        return cache_key(
            owner_id=self.owner_id, provider=self.provider, model=self.model, request=request
        )

    def _record_of(
        self, completion: Completion, *, cached: bool, key: str | None = None
    ) -> LLMCall:
        return LLMCall(
            owner_id=self.owner_id,
            # Who answered: the provider itself, or the one a fallback chain handed over to.
            provider=completion.provider or self.provider,
            model=completion.model or self.model,
            purpose=self.purpose,
            prompt_tokens=0 if cached else completion.prompt_tokens,
            completion_tokens=0 if cached else completion.completion_tokens,
            latency_ms=round(completion.latency_ms),
            cached=cached,
            cache_key=key,
            response=(
                completion.model_dump(mode="json", exclude={"cached"}) if key is not None else None
            ),
        )

    def _lookup(self, request: GenerationRequest) -> Completion | None:
        """A cached answer, recorded as a cached call; ``None`` on a miss."""
        self.log.check(owner_id=self.owner_id, purpose=self.purpose)
        if not self.cacheable(request):
            return None
        started = time.perf_counter()
        stored = self.log.lookup(self._key(request), owner_id=self.owner_id)
        if stored is None:
            return None
        try:
            original = Completion.model_validate(stored)
        except ValidationError:  # written by another release: a miss, then overwritten
            return None
        hit = original.model_copy(update={"cached": True, "latency_ms": _ms(started)})
        self.log.record(self._record_of(hit, cached=True))
        return hit

    def _store(self, request: GenerationRequest, completion: Completion) -> None:
        """Record one answered call and, when the rule allows, cache its answer."""
        key = self._key(request) if self.cacheable(request) else None
        self.log.record(self._record_of(completion, cached=False, key=key))

    # -- the provider's half ----------------------------------------------------------

    def _generate(self, request: GenerationRequest) -> Completion:
        hit = self._lookup(request)
        if hit is not None:
            return hit
        completion = self.inner._generate(request)
        self._store(request, completion)
        return completion

    def _generate_stream(self, request: GenerationRequest, stats: StreamStats) -> Iterator[str]:
        hit = self._lookup(request)
        if hit is not None:
            stats.finish_reason = hit.finish_reason
            yield hit.text
            return
        started = time.perf_counter()
        parts: list[str] = []
        finished = False
        try:
            for token in self.inner._generate_stream(request, stats):
                parts.append(token)
                yield token
            finished = True
        finally:
            completion = Completion(
                text="".join(parts),
                prompt_tokens=stats.prompt_tokens,
                completion_tokens=stats.completion_tokens or len(parts),
                latency_ms=_ms(started),
                model=self.model,
                provider=self.provider,
                finish_reason=stats.finish_reason,
            )
            if finished:
                self._store(request, completion)
            elif parts:  # abandoned or failed half-way: the tokens were still spent
                self.log.record(self._record_of(completion, cached=False))
