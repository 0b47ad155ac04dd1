"""Fixtures of the strategy tests: a creator (persona) of alice's, a deterministic embedder."""

from __future__ import annotations

import pytest

from personae.store import Database, PersonaCreate, crud, session_scope
from tests.doubles import WordHashEmbedder


@pytest.fixture
def embedder() -> WordHashEmbedder:
    return WordHashEmbedder()


@pytest.fixture
def creator(db: Database, owner_ids: tuple[int, int]) -> int:
    """A committed persona of alice's, with two topics of expertise."""
    alice, _ = owner_ids
    with session_scope(db) as session:
        persona = crud.create_persona(
            session=session,
            owner_id=alice,
            data=PersonaCreate(name="ada", expertise=["ai", "careers"]),
        )
        return persona.id
