"""Fixtures for the chat tests: a deterministic embedder, memory stores, personas, a clock.

:class:`~tests.doubles.HashEmbedder` hashes words (and word pairs) into a fixed-width
vector, so texts that share words are close and the cosine is exact and repeatable: what
the memory tests need, without loading all-MiniLM-L6-v2.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from personae.chat import MemoryStore
from personae.store import Database, PersonaCreate, crud, session_scope
from personae.vectors import NumpyIndex
from tests.doubles import Clock, HashEmbedder


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
