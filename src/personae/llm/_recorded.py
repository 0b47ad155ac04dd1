"""Caching and accounting of model calls in the store, around any provider.

Providers stay pure (they talk to a model and nothing else); :class:`RecordedLLM` wraps
one and adds the two things that need the database: a response cache in
``llm_responses`` and one ``llm_usage`` row per call. Because it is an
:class:`~personae.llm.LLMBase` itself and wraps the provider's single attempt, retries,
streaming and structured output work exactly as they do without it, and every attempt
(a re-ask after an invalid answer included) is cached and accounted on its own.

The store is imported when a call needs it, so ``import personae.llm`` does not load
SQLAlchemy.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from personae.llm._base import GenerationRequest, LLMBase, StreamStats
from personae.llm._protocol import Completion

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from personae.store import Database

__all__ = ["CACHE_KEY_VERSION", "RecordedLLM", "cache_key"]

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


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000.0


class RecordedLLM(LLMBase):
    """A provider whose answers are cached and whose calls are accounted in the store.

    Parameters
    ----------
    inner
        The provider (any :class:`~personae.llm.LLMBase`); its model, timeout, retry
        policy and sleep are used as they are.
    database
        Where ``llm_responses`` and ``llm_usage`` live.
    owner_id
        Whose calls these are: part of every cache key (one owner's prompts never answer
        another's) and of every usage row. ``None`` for calls made on nobody's behalf.
    cache
        ``False`` (``PERSONAE_LLM_CACHE_ENABLED=false``) still accounts every call but
        never reads or writes the cache.
    purpose
        A label stored with each usage row (``persona.identity``, ``content.write`` …).

    The cache rule: **only reproducible requests are cached** — temperature 0, or a
    seed given. A call with a temperature above 0 and no seed asks for a fresh sample
    every time, so it is never served from (nor written to) the cache. Streams follow
    the same rule: a cached answer is streamed as one chunk, and a stream that runs to
    its end is stored. A cached answer is recorded with ``cached=True``, zero tokens
    and the lookup's latency, so usage sums are what was spent. A stream abandoned
    half-way is accounted with the tokens it produced, and not cached.

    Examples
    --------
    >>> llm = RecordedLLM(build_llm(settings), database=db, owner_id=user.id)  # doctest: +SKIP
    >>> llm.complete("Say hi", temperature=0).cached  # doctest: +SKIP
    False
    >>> llm.complete("Say hi", temperature=0).cached  # doctest: +SKIP
    True
    """

    def __init__(
        self,
        inner: LLMBase,
        *,
        database: Database,
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
        self.database = database
        self.owner_id = owner_id
        self.cache = cache
        self.purpose = purpose

    def __repr__(self) -> str:
        return f"RecordedLLM({self.inner!r}, owner_id={self.owner_id!r})"

    def with_purpose(self, purpose: str) -> RecordedLLM:
        """The same provider, owner and cache, recording usage under another purpose."""
        return RecordedLLM(
            self.inner,
            database=self.database,
            owner_id=self.owner_id,
            cache=self.cache,
            purpose=purpose,
        )

    def usage_summary(self) -> dict[str, Any]:
        """The owner's usage so far (see :func:`personae.store.crud.llm_usage_summary`)."""
        from personae.store import crud, session_scope

        with session_scope(self.database) as session:
            return crud.llm_usage_summary(session=session, owner_id=self.owner_id)

    # -- cache and accounts -----------------------------------------------------------

    def cacheable(self, request: GenerationRequest) -> bool:
        """Whether this request may be answered from, and stored in, the cache."""
        return self.cache and (request.temperature == 0.0 or request.seed is not None)

    def _key(self, request: GenerationRequest) -> str:
        return cache_key(
            owner_id=self.owner_id, provider=self.provider, model=self.model, request=request
        )

    def _lookup(self, request: GenerationRequest) -> Completion | None:
        """A cached answer, recorded as a cached call; ``None`` on a miss."""
        if not self.cacheable(request):
            return None
        from personae.store import crud, session_scope

        started = time.perf_counter()
        with session_scope(self.database) as session:
            stored = crud.get_llm_response(
                session=session, key=self._key(request), owner_id=self.owner_id
            )
            if stored is None:
                return None
            try:
                original = Completion.model_validate(stored)
            except ValidationError:  # written by another release: a miss, then overwritten
                return None
            latency = _ms(started)
            self._account(session, prompt=0, completion=0, latency_ms=latency, cached=True)
        return original.model_copy(update={"cached": True, "latency_ms": latency})

    def _account(
        self,
        session: Session,
        *,
        prompt: int,
        completion: int,
        latency_ms: float,
        cached: bool,
    ) -> None:
        from personae.store import crud

        crud.record_llm_usage(
            session=session,
            owner_id=self.owner_id,
            provider=self.provider,
            model=self.model,
            prompt_tokens=prompt,
            completion_tokens=completion,
            latency_ms=round(latency_ms),
            cached=cached,
            purpose=self.purpose,
        )

    def _store(self, request: GenerationRequest, completion: Completion) -> None:
        """Account one answered call and, when the rule allows, cache its answer."""
        from personae.store import crud, session_scope

        with session_scope(self.database) as session:
            self._account(
                session,
                prompt=completion.prompt_tokens,
                completion=completion.completion_tokens,
                latency_ms=completion.latency_ms,
                cached=False,
            )
            if self.cacheable(request):
                crud.put_llm_response(
                    session=session,
                    key=self._key(request),
                    owner_id=self.owner_id,
                    provider=self.provider,
                    model=self.model,
                    response=completion.model_dump(mode="json", exclude={"cached"}),
                )

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
                from personae.store import session_scope

                with session_scope(self.database) as session:
                    self._account(
                        session,
                        prompt=completion.prompt_tokens,
                        completion=completion.completion_tokens,
                        latency_ms=completion.latency_ms,
                        cached=False,
                    )
