"""Fixtures for the chat tests: a deterministic embedder, memory stores, personas, a clock.

:class:`HashEmbedder` hashes words (and word pairs) into a fixed-width vector, so texts
that share words are close and the cosine is exact and repeatable: what the memory tests
need, without loading all-MiniLM-L6-v2.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

import numpy as np
import numpy.typing as npt
import pytest

from personae.chat import MemoryStore
from personae.store import Database, PersonaCreate, crud, session_scope
from personae.vectors import NumpyIndex

_WORD = re.compile(r"[a-z0-9']+")
_STOP = frozenset(
    [
        "the",
        "a",
        "an",
        "of",
        "to",
        "in",
        "and",
        "is",
        "are",
        "was",
        "i",
        "you",
        "my",
        "your",
        "me",
        "it",
        "on",
        "at",
        "for",
        "with",
    ]
)


class HashEmbedder:
    """Bag of words (and adjacent pairs) hashed into 256 dimensions, unit length."""

    name = "test-hash-embedder"
    dimension = 256

    def __init__(self) -> None:
        self.calls = 0

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        self.calls += 1
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            words = [w for w in _WORD.findall(text.lower()) if w not in _STOP]
            for gram in words + [f"{a} {b}" for a, b in itertools.pairwise(words)]:
                digest = hashlib.blake2b(gram.encode(), digest_size=4).digest()
                out[row, int.from_bytes(digest, "little") % self.dimension] += 1.0
            if not words:
                out[row, 0] = 1.0
        out /= np.linalg.norm(out, axis=1, keepdims=True)
        return out


class Clock:
    """A settable clock, timezone-aware."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 1, 1, 12, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def embedder() -> HashEmbedder:
    return HashEmbedder()


@pytest.fixture
def index(embedder: HashEmbedder) -> NumpyIndex:
    return NumpyIndex(embedder_name=embedder.name, dimension=embedder.dimension)


@pytest.fixture
def memory(db: Database, embedder: HashEmbedder, index: NumpyIndex, clock: Clock) -> MemoryStore:
    return MemoryStore(db, embedder=embedder, index=index, clock=clock)


@pytest.fixture
def make_persona(db: Database) -> Callable[..., int]:
    def make(owner_id: int, name: str = "ada", **fields: object) -> int:
        with session_scope(db) as session:
            data = PersonaCreate(name=name, **fields)  # type: ignore[arg-type]
            return crud.create_persona(session=session, owner_id=owner_id, data=data).id

    return make
