"""Wiring the chat service from the settings: one way for the API, the CLI and jobs.

:func:`build_chat_service` gives a :class:`~personae.chat.ChatService` on a database,
with models cached and recorded for their owner and the memory store of
:func:`build_memory_store`. The memory store builds its embedder and its ``memories``
index on first use (:class:`LazyMemoryIndex`), so a process that never remembers
anything never loads an embedding model.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from datetime import timedelta

import numpy.typing as npt

from personae.chat._memory import MemoryStore
from personae.chat._service import ChatService
from personae.config import Settings
from personae.errors import StoreError
from personae.jobs import ModelFactory, models_for
from personae.store import Database
from personae.vectors import Embedder, Filters, Hit, LazyEmbedder, Metadata, VectorIndex

__all__ = ["LazyMemoryIndex", "build_chat_service", "build_memory_store"]

logger = logging.getLogger("personae.chat")


class LazyMemoryIndex:
    """The ``memories`` index, built on first use, so requests that never touch memory
    (bad input, someone else's persona) never build it.

    When the database cannot hold vectors (PostgreSQL without pgvector), memory is
    switched off for the process, with one warning in the log: chat goes on without
    memories (``available`` is false, and :class:`MemoryStore` writes and finds nothing)
    rather than every turn failing with 503.
    """

    def __init__(
        self,
        database: Database,
        embedder: Embedder,
        *,
        build: Callable[[Database, Embedder], VectorIndex] | None = None,
    ) -> None:
        self._database = database
        self._embedder = embedder
        self._build = build
        self._built: VectorIndex | None = None
        self._failed = False
        self._lock = threading.Lock()

    def _get(self) -> VectorIndex | None:
        with self._lock:
            if self._built is None and not self._failed:
                try:
                    self._built = self._make()
                except StoreError as exc:
                    if self._database.engine.dialect.name != "postgresql":
                        raise
                    self._failed = True
                    logger.warning("chat memory is off: %s", exc)
            return self._built

    def _make(self) -> VectorIndex:
        if self._build is not None:
            return self._build(self._database, self._embedder)
        from personae.vectors import build_index

        return build_index(self._database, self._embedder, collection="memories")

    @property
    def available(self) -> bool:
        """Whether the index could be built (false: memory is off)."""
        return self._get() is not None

    @property
    def embedder_name(self) -> str:
        """The embedder's name."""
        return self._embedder.name

    @property
    def dimension(self) -> int:
        """The embedder's dimension."""
        return self._embedder.dimension

    def ensure(self) -> None:
        """Build the index now."""
        self._get()

    def add(self, ids: Sequence[int], vectors: npt.ArrayLike, metadata: Sequence[Metadata]) -> None:
        """Add vectors (nothing when memory is off)."""
        index = self._get()
        if index is not None:
            index.add(ids, vectors, metadata)

    def search(
        self, vector: npt.ArrayLike, k: int = 10, filters: Filters | None = None
    ) -> list[Hit]:
        """The nearest vectors (none when memory is off)."""
        index = self._get()
        return index.search(vector, k=k, filters=filters) if index is not None else []

    def delete(self, ids: Sequence[int] | None = None, *, filters: Filters | None = None) -> int:
        """Delete vectors (none when memory is off)."""
        index = self._get()
        return index.delete(ids, filters=filters) if index is not None else 0

    def count(self, filters: Filters | None = None) -> int:
        """How many vectors (0 when memory is off)."""
        index = self._get()
        return index.count(filters) if index is not None else 0

    def close(self) -> None:
        """Close the index if it was built."""
        if self._built is not None:
            self._built.close()


def build_memory_store(settings: Settings, database: Database) -> MemoryStore:
    """The memory store of the configured embedder and the database's ``memories`` index,
    both built on first use, with the settings' thresholds and time to live."""
    embedder = LazyEmbedder(settings)
    return MemoryStore(
        database,
        embedder=embedder,
        index=LazyMemoryIndex(database, embedder),
        dedup_threshold=settings.memory_dedup_threshold,
        echo_threshold=settings.memory_echo_threshold,
        ttl=(
            timedelta(days=settings.memory_ttl_days)
            if settings.memory_ttl_days is not None
            else None
        ),
    )


def build_chat_service(
    settings: Settings,
    *,
    database: Database,
    models: ModelFactory | None = None,
    spec: str | None = None,
    memory: MemoryStore | None = None,
) -> ChatService:
    """The chat service the settings describe.

    Parameters
    ----------
    settings
        ``chat_*`` sizes, the model (``PERSONAE_LLM``) and the memory settings.
    database
        The store.
    models
        ``(owner_id, purpose, spec) -> LLM``; default: the configured provider, cached and
        recorded in ``database`` (:func:`~personae.jobs.recorded_models`).
    spec
        A model spec overriding ``PERSONAE_LLM`` for this service's calls.
    memory
        The memory store (default: :func:`build_memory_store`; servers keep one per app).
    """
    llm_for = models_for(settings, database, models=models, spec=spec)
    return ChatService(
        database,
        llm_for,
        memory=memory if memory is not None else build_memory_store(settings, database),
        recent_messages=settings.chat_recent_messages,
        memory_k=settings.chat_memory_k,
        prompt_budget=settings.chat_prompt_budget_tokens,
        max_reply_tokens=settings.chat_max_reply_tokens,
        summarize_every=settings.chat_summarize_every,
    )
