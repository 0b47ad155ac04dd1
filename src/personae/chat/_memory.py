"""Memory: what a persona remembers, written with hygiene and retrieved by rank.

Rows live in ``memories`` (text, importance, timestamps, source, owner, persona, session);
vectors live in the ``memories`` collection of a :class:`~personae.vectors.VectorIndex`
under the row's id.

Writing (:meth:`MemoryStore.remember`), for each candidate text:

1. **Echo filter.** A candidate is refused when it repeats the persona's own
   definition (system prompt, context, core belief, trait descriptions): cosine
   similarity to any sentence of it at or above ``echo_threshold`` (0.8), or at least
   :data:`ECHO_OVERLAP` (half) of its word trigrams found in it, or when the persona
   speaks of itself: the first person together with the persona's name ("As Ada, I
   always answer with care."), where memories are about the user in the third person.
   This is the junk an audit of mem0 found in 97.8 % of one deployment's memories.
2. **Importance** is scored by code (:func:`score_importance`), never by the model:
   personal facts, numbers and dates, names, strong feelings, "always/never/remember"
   raise it; small talk lowers it.
3. **Dedup.** The nearest memory of the same owner and persona at cosine
   ``dedup_threshold`` (0.9) or above is *merged*: it takes the newer wording, the
   higher importance, a fresh ``last_accessed``, and one more ``merged``; nothing is
   deleted blindly and one memory remains.
4. **Expiry.** With a TTL, ``expires_at = now + ttl`` (renewed on a merge); expired rows
   are never retrieved, and :meth:`MemoryStore.expire` deletes them and their vectors.

A batch of candidates is planned outside any transaction (:meth:`MemoryStore.plan`:
embeddings, echo filter, nearest memories), written in one (:meth:`MemoryStore.write`,
through the caller's session when a chat turn writes it with the rest of the turn), and
its vectors are added after the commit (:class:`IndexChanges`): the SQLite vector index
writes through connections of its own, which must never wait on a write lock the
store's session holds. Candidates of one batch that are near-duplicates of each other
are merged too.

Retrieval (:meth:`MemoryStore.recall`) takes the ``4k`` (at least 32) nearest vectors
within the owner and persona (and the session when asked) and ranks them, AI Town style
but with two corrections learnt from where that ranking goes wrong on long-term facts::

    score = 1.0 × cosine + 0.15 × importance
            + 0.1 × 0.5 ** (hours since last access / 720)   if the message asks about the present
            − 0.1                                           if the memory is about a named other
                                                            person the message does not mention

(:class:`RankingWeights`). Relevance dominates and importance breaks near-ties. Recency
counts only when the message asks about the present ("these days", "right now",
"currently" …: :func:`asks_about_present`): that is when a fact said later beats its
outdated version, while for any other question an old stable fact ("my sister is called
Ana", said months ago) is as true as a new one, and the recent turns are in the prompt
anyway. A memory about a named third party ("The user's colleague Tom lives in
Madrid.", :func:`third_party`) is lowered unless the message mentions someone other than
the user, so "where do I live?" finds the user's city before Tom's.
``ranking="cosine"`` is plain cosine top-k, the baseline of ``benchmarks/memory_bench.py``.
"""

from __future__ import annotations

import hashlib
import logging
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from personae.chat._memory_text import (
    ECHO_OVERLAP,
    MAX_MEMORY_CHARS,
    asks_about_present,
    mentions_others,
    ngram_overlap,
    score_importance,
    speaks_of_itself,
    split_sentences,
    third_party,
    word_count,
)
from personae.errors import MemoryNotFoundError
from personae.store import Database, crud, session_scope
from personae.store._models import utcnow
from personae.vectors import MAX_K, Embedder, Hit, VectorIndex

__all__ = [
    "IndexChanges",
    "MemoryBatch",
    "MemoryHygieneView",
    "MemoryStore",
    "RankingWeights",
    "RecalledMemory",
    "WriteReport",
    "memory_hygiene",
]

logger = logging.getLogger("personae.chat")


@dataclass(frozen=True, slots=True)
class RankingWeights:
    """The weights of :meth:`MemoryStore.recall`'s ranking (see the module docstring).

    ``recency`` applies only to messages that ask about the present; ``other_person`` is
    subtracted from a memory about a named third party the message does not mention.
    These values were chosen on two retrieval sets generated with other seeds than the
    one ``benchmarks/memory_bench.py`` reports on (``make_memory_set.py --seed 101`` and
    ``202``), never on the reported set.
    """

    relevance: float = 1.0
    importance: float = 0.15
    recency: float = 0.1
    half_life_hours: float = 720.0
    other_person: float = 0.1


@dataclass(frozen=True, slots=True)
class RecalledMemory:
    """One retrieved memory with the parts of its score."""

    id: int
    text: str
    importance: float
    relevance: float
    recency: float
    score: float
    session_id: int | None
    created_at: datetime
    last_accessed: datetime


@dataclass(slots=True)
class WriteReport:
    """What one :meth:`MemoryStore.remember` call did with its candidates."""

    candidates: int = 0
    stored: list[int] = field(default_factory=list)
    merged: list[int] = field(default_factory=list)
    echoes: int = 0
    skipped: int = 0


class MemoryHygieneView(BaseModel):
    """A persona's memory figures for ``GET /api/personas/{id}/memories``.

    ``duplicate_rate`` = merged ÷ (stored + merged): the share of accepted candidates
    that were near-duplicates folded into an existing memory. ``echo_rate`` = echoes
    refused ÷ candidates.
    """

    model_config = ConfigDict(frozen=True)

    count: int
    candidates: int
    stored: int
    merged: int
    echoes: int
    expired: int
    duplicate_rate: float
    echo_rate: float


Clock = Callable[[], datetime]


@dataclass(frozen=True, slots=True)
class _Candidate:
    text: str
    vector: npt.NDArray[np.float32]
    importance: float
    nearest: list[Hit]


@dataclass(slots=True)
class MemoryBatch:
    """Candidate memories planned outside a transaction (:meth:`MemoryStore.plan`)."""

    owner_id: int
    persona_id: int
    report: WriteReport = field(default_factory=WriteReport)
    candidates: list[_Candidate] = field(default_factory=list)


@dataclass(slots=True)
class IndexChanges:
    """Vectors to add and ids to delete in the ``memories`` index once the transaction
    that wrote their rows has committed (the SQLite index writes through connections of
    its own, which must never wait on the store session's write lock)."""

    added: list[tuple[int, npt.NDArray[np.float32], dict[str, int]]] = field(default_factory=list)
    deleted: list[int] = field(default_factory=list)

    def add(
        self, memory_id: int, vector: npt.NDArray[np.float32], metadata: dict[str, int]
    ) -> None:
        """Add (or replace) one memory's vector after the commit."""
        self.added = [item for item in self.added if item[0] != memory_id]
        self.added.append((memory_id, vector, metadata))

    def extend(self, other: IndexChanges) -> None:
        """Take ``other``'s changes after this one's."""
        for memory_id, vector, metadata in other.added:
            self.add(memory_id, vector, metadata)
        self.deleted.extend(other.deleted)

    def apply(self, index: VectorIndex) -> None:
        """Make the changes in ``index``: deletions first, then additions."""
        if self.deleted:
            index.delete(self.deleted)
        for memory_id, vector, metadata in self.added:
            index.add([memory_id], vector[None, :], [metadata])


class MemoryStore:
    """Writes and retrieves one owner's persona memories (see the module docstring).

    Parameters
    ----------
    database
        The store; every write is a unit of work of its own.
    embedder, index
        The embedder and the ``memories`` index it fills.
    dedup_threshold, echo_threshold
        Cosine similarities for merging and for refusing echoes.
    ttl
        How long a memory lives without being written again; ``None`` keeps them.
    weights
        The ranking's weights.
    clock
        Now, timezone-aware (tests pass a fixed one).
    """

    def __init__(
        self,
        database: Database,
        *,
        embedder: Embedder,
        index: VectorIndex,
        dedup_threshold: float = 0.9,
        echo_threshold: float = 0.8,
        ttl: timedelta | None = None,
        weights: RankingWeights | None = None,
        clock: Clock = utcnow,
    ) -> None:
        self.database = database
        self.embedder = embedder
        self.index = index
        self.dedup_threshold = dedup_threshold
        self.echo_threshold = echo_threshold
        self.ttl = ttl
        self.weights = weights or RankingWeights()
        self.clock = clock
        self._references: OrderedDict[str, npt.NDArray[np.float32]] = OrderedDict()

    @property
    def enabled(self) -> bool:
        """Whether memories can be written and found: false when the index says it is not
        ``available`` (an index the API could not build, e.g. PostgreSQL without pgvector)."""
        return bool(getattr(self.index, "available", True))

    # -- writing ---------------------------------------------------------------------------

    def _reference_vectors(self, reference: str) -> npt.NDArray[np.float32]:
        key = hashlib.sha256(reference.encode()).hexdigest()
        cached = self._references.get(key)
        if cached is not None:
            self._references.move_to_end(key)
            return cached
        chunks = [s for s in split_sentences(reference) if word_count(s) >= 3]
        vectors = (
            self.embedder.embed(chunks)
            if chunks
            else np.zeros((0, self.embedder.dimension), dtype=np.float32)
        )
        self._references[key] = vectors
        if len(self._references) > 64:
            self._references.popitem(last=False)
        return vectors

    def is_echo(
        self,
        text: str,
        reference: str,
        vector: npt.NDArray[np.float32] | None = None,
        *,
        persona_name: str = "",
    ) -> bool:
        """Whether ``text`` repeats the persona's own definition ``reference`` or is the
        persona (``persona_name``) speaking of itself."""
        if speaks_of_itself(text, persona_name):
            return True
        if not reference.strip():
            return False
        if ngram_overlap(text, reference) >= ECHO_OVERLAP:
            return True
        refs = self._reference_vectors(reference)
        if refs.shape[0] == 0:
            return False
        if vector is None:
            vector = self.embedder.embed([text])[0]
        return bool(float(np.max(refs @ vector)) >= self.echo_threshold)

    def remember(
        self,
        *,
        owner_id: int,
        persona_id: int,
        texts: Sequence[str],
        source: str,
        reference: str = "",
        persona_name: str = "",
        chat_session_id: int | None = None,
    ) -> WriteReport:
        """Write candidate memories with the echo filter, importance and dedup, in one
        transaction of their own, and add their vectors after it commits.

        ``reference`` is the persona's own definition and ``persona_name`` its name (what
        must not be echoed). A service that writes memories inside its own unit of work
        uses :meth:`plan` and :meth:`write` instead, and applies the returned
        :class:`IndexChanges` after its commit.
        """
        batch = self.plan(
            owner_id=owner_id,
            persona_id=persona_id,
            texts=texts,
            reference=reference,
            persona_name=persona_name,
        )
        if not batch.report.candidates:
            return batch.report
        with session_scope(self.database) as session:
            changes = self.write(session, batch, source=source, chat_session_id=chat_session_id)
        changes.apply(self.index)
        return batch.report

    def plan(
        self,
        *,
        owner_id: int,
        persona_id: int,
        texts: Sequence[str],
        reference: str = "",
        persona_name: str = "",
    ) -> MemoryBatch:
        """Everything about candidate memories that needs no transaction: cleaning, the
        embeddings, the echo filter, importance and the nearest stored memories."""
        batch = MemoryBatch(owner_id=owner_id, persona_id=persona_id)
        report = batch.report
        if not self.enabled:
            report.skipped = len(texts)
            return batch
        candidates = [" ".join(text.split())[:MAX_MEMORY_CHARS] for text in texts]
        candidates = [text for text in candidates if word_count(text) >= 2]
        report.skipped = len(texts) - len(candidates)
        report.candidates = len(candidates)
        if not candidates:
            return batch
        vectors = self.embedder.embed(candidates)
        filters = {"owner_id": owner_id, "persona_id": persona_id}
        for text, vector in zip(candidates, vectors, strict=True):
            if self.is_echo(text, reference, vector, persona_name=persona_name):
                report.echoes += 1
                continue
            nearest = self.index.search(vector, k=4, filters=filters)
            batch.candidates.append(_Candidate(text, vector, score_importance(text), list(nearest)))
        return batch

    def write(
        self,
        session: Session,
        batch: MemoryBatch,
        *,
        source: str,
        chat_session_id: int | None = None,
        pending: IndexChanges | None = None,
    ) -> IndexChanges:
        """Write a planned batch through ``session`` (flush only) and count it in the
        persona's hygiene; the vectors to add once the caller has committed (added to
        ``pending`` when given, which is returned).

        A candidate merges into the nearest stored memory at ``dedup_threshold`` or above,
        or into a memory written earlier in this transaction that close (an earlier
        candidate, or one in ``pending``: their vectors are not in the index yet).
        """
        owner_id, persona_id, report = batch.owner_id, batch.persona_id, batch.report
        changes = pending if pending is not None else IndexChanges()
        if not report.candidates:  # nothing to write, nothing to count
            return changes
        for candidate in batch.candidates:
            now = self.clock()
            expires = now + self.ttl if self.ttl is not None else None
            close = [hit for hit in candidate.nearest if hit.score >= self.dedup_threshold]
            rows = crud.get_memories(
                session=session,
                owner_id=owner_id,
                persona_id=persona_id,
                ids=[hit.id for hit in close],
            )
            target: int | None = next((hit.id for hit in close if hit.id in rows), None)
            previous = self._session_of(target, candidate.nearest) if target else None
            if target is None:
                for earlier, vector, meta in changes.added:
                    if float(vector @ candidate.vector) >= self.dedup_threshold:
                        target, previous = earlier, meta.get("session_id")
                        rows = crud.get_memories(
                            session=session,
                            owner_id=owner_id,
                            persona_id=persona_id,
                            ids=[earlier],
                        )
                        break
            if target is not None:
                crud.merge_memory(
                    session=session,
                    memory=rows[target],
                    text=candidate.text,
                    importance=candidate.importance,
                    at=now,
                    expires_at=expires,
                )
                memory_id = target
                session_id = previous  # a merged memory keeps the session it was first written in
                report.merged.append(memory_id)
            else:
                memory_id = crud.add_memory(
                    session=session,
                    owner_id=owner_id,
                    persona_id=persona_id,
                    text=candidate.text,
                    importance=candidate.importance,
                    source=source,
                    chat_session_id=chat_session_id,
                    at=now,
                    expires_at=expires,
                ).id
                session_id = chat_session_id
                report.stored.append(memory_id)
            metadata: dict[str, int] = {"owner_id": owner_id, "persona_id": persona_id}
            if session_id is not None:
                metadata["session_id"] = session_id
            changes.add(memory_id, candidate.vector, metadata)
        crud.record_memory_hygiene(
            session=session,
            owner_id=owner_id,
            persona_id=persona_id,
            candidates=report.candidates,
            stored=len(report.stored),
            merged=len(report.merged),
            echoes=report.echoes,
        )
        return changes

    @staticmethod
    def _session_of(memory_id: int, hits: Sequence[object]) -> int | None:
        for hit in hits:
            if getattr(hit, "id", None) == memory_id:
                value = getattr(hit, "metadata", {}).get("session_id")
                return value if isinstance(value, int) else None
        return None

    # -- reading ---------------------------------------------------------------------------

    def recall(
        self,
        *,
        session: Session,
        owner_id: int,
        persona_id: int,
        query: str,
        k: int,
        vector: npt.NDArray[np.float32] | None = None,
        chat_session_id: int | None = None,
        ranking: Literal["personae", "cosine"] = "personae",
        touch: bool = True,
    ) -> list[RecalledMemory]:
        """The ``k`` best memories of the persona for the message ``query`` (never another
        owner's, another persona's, or another session's when ``chat_session_id`` is given).

        ``vector`` is the message's embedding when the caller has it already. ``touch``
        marks the returned memories as accessed now (recency counts from there).
        """
        if k <= 0 or not self.enabled:
            return []
        if vector is None:
            vector = self.embedder.embed([query])[0]
        filters: dict[str, int] = {"owner_id": owner_id, "persona_id": persona_id}
        if chat_session_id is not None:
            filters["session_id"] = chat_session_id
        pool = k if ranking == "cosine" else min(MAX_K, max(4 * k, 32))
        hits = self.index.search(vector, k=pool, filters=filters)
        rows = crud.get_memories(
            session=session, owner_id=owner_id, persona_id=persona_id, ids=[h.id for h in hits]
        )
        now = self.clock()
        weights = self.weights
        recency_weight = weights.recency if asks_about_present(query) else 0.0
        found: list[RecalledMemory] = []
        for hit in hits:
            row = rows.get(hit.id)
            if row is None or (row.expires_at is not None and row.expires_at <= now):
                continue
            hours = max(0.0, (now - row.last_accessed).total_seconds() / 3600.0)
            recency = 0.5 ** (hours / weights.half_life_hours)
            if ranking == "cosine":
                score = hit.score
            else:
                score = (
                    weights.relevance * hit.score
                    + weights.importance * row.importance
                    + recency_weight * recency
                )
                party = third_party(row.text)
                if party is not None and not mentions_others(query, party):
                    score -= weights.other_person
            found.append(
                RecalledMemory(
                    id=row.id,
                    text=row.text,
                    importance=row.importance,
                    relevance=hit.score,
                    recency=recency,
                    score=score,
                    session_id=row.session_id,
                    created_at=row.created_at,
                    last_accessed=row.last_accessed,
                )
            )
        found.sort(key=lambda memory: (-memory.score, memory.id))
        best = found[:k]
        if touch and best:
            crud.touch_memories(session=session, ids=[memory.id for memory in best], at=now)
        return best

    def forget(self, *, owner_id: int, persona_id: int, memory_id: int) -> None:
        """Delete one memory the owner no longer wants the persona to keep, and its vector.

        Raises :class:`~personae.errors.MemoryNotFoundError` for an id the persona does not
        hold (another owner's included), after checking the persona is the owner's.
        """
        with session_scope(self.database) as session:
            crud.get_persona(session=session, owner_id=owner_id, persona_id=persona_id)
            if not crud.delete_memory(
                session=session, owner_id=owner_id, persona_id=persona_id, memory_id=memory_id
            ):
                raise MemoryNotFoundError(f"persona {persona_id} has no memory {memory_id}")
        if self.enabled:
            IndexChanges(deleted=[memory_id]).apply(self.index)

    def expire(self, *, owner_id: int, persona_id: int) -> int:
        """Delete the persona's expired memories and their vectors; returns how many."""
        with session_scope(self.database) as session:
            changes = self.expire_in(session, owner_id=owner_id, persona_id=persona_id)
        changes.apply(self.index)
        return len(changes.deleted)

    def expire_in(self, session: Session, *, owner_id: int, persona_id: int) -> IndexChanges:
        """:meth:`expire` through the caller's ``session``: the vectors to delete once it
        has committed."""
        ids = crud.delete_expired_memories(
            session=session, owner_id=owner_id, persona_id=persona_id, now=self.clock()
        )
        if ids:
            crud.record_memory_hygiene(
                session=session, owner_id=owner_id, persona_id=persona_id, expired=len(ids)
            )
        return IndexChanges(deleted=list(ids))

    def hygiene(self, *, session: Session, owner_id: int, persona_id: int) -> MemoryHygieneView:
        """The persona's memory figures (see :func:`memory_hygiene`)."""
        return memory_hygiene(session=session, owner_id=owner_id, persona_id=persona_id)


def memory_hygiene(*, session: Session, owner_id: int, persona_id: int) -> MemoryHygieneView:
    """The persona's memory figures (see :class:`MemoryHygieneView`); reads the store only,
    so it needs no embedder or vector index."""
    count = crud.count_memories(session=session, owner_id=owner_id, persona_id=persona_id)
    row = crud.get_memory_hygiene(session=session, owner_id=owner_id, persona_id=persona_id)
    candidates = row.candidates if row else 0
    stored = row.stored if row else 0
    merged = row.merged if row else 0
    echoes = row.echoes if row else 0
    accepted = stored + merged
    return MemoryHygieneView(
        count=count,
        candidates=candidates,
        stored=stored,
        merged=merged,
        echoes=echoes,
        expired=row.expired if row else 0,
        duplicate_rate=round(merged / accepted, 4) if accepted else 0.0,
        echo_rate=round(echoes / candidates, 4) if candidates else 0.0,
    )
