"""Optimistic concurrency: of two writers that read the same version, exactly one wins.

Both tests use two real sessions, each on its own connection, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from personae.errors import VersionConflictError
from personae.store import Database, PersonaCreate, PersonaUpdate, crud, session_scope


@pytest.fixture
def persona_id(db: Database, owner_ids: tuple[int, int]) -> int:
    with session_scope(db) as session:
        persona = crud.create_persona(
            session=session,
            owner_id=owner_ids[0],
            data=PersonaCreate(name="analyst", role="Analyst", context="original"),
        )
        return persona.id


def _state(db: Database, owner_id: int, persona_id: int) -> tuple[int, str, str, list[int]]:
    with session_scope(db) as session:
        persona = crud.get_persona(session=session, owner_id=owner_id, persona_id=persona_id)
        versions = crud.history(session=session, owner_id=owner_id, persona_id=persona_id)
        return persona.version, persona.role, persona.context, [v.version for v in versions]


def test_interleaved_writers_one_wins_and_the_loser_writes_nothing(
    db: Database, owner_ids: tuple[int, int], persona_id: int
) -> None:
    owner = owner_ids[0]
    first = db.sessions()
    second = db.sessions()
    try:
        read_first = crud.get_persona(session=first, owner_id=owner, persona_id=persona_id)
        read_second = crud.get_persona(session=second, owner_id=owner, persona_id=persona_id)
        assert read_first.version == read_second.version == 1
        assert first.connection() is not second.connection()

        crud.update_persona(
            session=first,
            owner_id=owner,
            persona_id=persona_id,
            update=PersonaUpdate(version=1, role="Winner", message="first"),
        )
        first.commit()

        with pytest.raises(VersionConflictError) as caught:
            crud.update_persona(
                session=second,
                owner_id=owner,
                persona_id=persona_id,
                update=PersonaUpdate(version=1, context="loser's context", message="second"),
            )
        second.rollback()
        assert caught.value.details == {"persona_id": persona_id, "expected": 1, "actual": 2}
    finally:
        first.close()
        second.close()

    version, role, context, versions = _state(db, owner, persona_id)
    assert (version, role, context, versions) == (2, "Winner", "original", [1, 2])


def test_simultaneous_writers_exactly_one_wins(
    db: Database, owner_ids: tuple[int, int], persona_id: int
) -> None:
    owner = owner_ids[0]
    both_read = threading.Barrier(2, timeout=30)

    def writer(role: str) -> str:
        with db.sessions() as session:
            read = crud.get_persona(session=session, owner_id=owner, persona_id=persona_id)
            version = read.version
            both_read.wait()  # neither writes before both have read version 1
            try:
                crud.update_persona(
                    session=session,
                    owner_id=owner,
                    persona_id=persona_id,
                    update=PersonaUpdate(version=version, role=role, message=role),
                )
                session.commit()
            except VersionConflictError:
                session.rollback()
                return "conflict"
            return "won"

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = dict(zip(["A", "B"], pool.map(writer, ["A", "B"]), strict=True))

    assert sorted(outcomes.values()) == ["conflict", "won"]
    winner = next(name for name, outcome in outcomes.items() if outcome == "won")
    version, role, _, versions = _state(db, owner, persona_id)
    assert (version, role, versions) == (2, winner, [1, 2])
    with session_scope(db) as session:
        latest = crud.get_version(session=session, owner_id=owner, persona_id=persona_id, version=2)
        assert latest.message == winner
        assert latest.snapshot["role"] == winner
