"""Writes racing on a unique key succeed idempotently instead of a 500 (issue 13, finding 6).

Concurrent creates of one trait name lost the insert race with an ``IntegrityError``
(500). The insert now runs in a savepoint: the loser updates the winner's row, and its
transaction goes on.
"""

from __future__ import annotations

import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from personae.store import Database, PersonaCreate, UserCreate, crud, session_scope
from personae.store._models import Trait
from personae.store.crud._traits import _insert_or_existing
from tests.api.helpers import User, create_persona


def test_losing_the_insert_race_returns_the_winners_row(db: Database) -> None:
    with session_scope(db) as session:
        user = crud.create_user(
            session=session, data=UserCreate(email="r@x.org", password_hash="!")
        )
        persona = crud.create_persona(
            session=session, owner_id=user.id, data=PersonaCreate(name="ada")
        )
        ids = user.id, persona.id
    owner, pid = ids
    with session_scope(db) as winner:
        crud.save_trait(session=winner, owner_id=owner, persona_id=pid, name="warm", intensity=0.4)
    # The loser read "no such trait" before the winner committed, then inserts.
    with session_scope(db) as loser:
        query = select(Trait).where(Trait.persona_id == pid, Trait.name == "warm")
        row = _insert_or_existing(
            loser, Trait(persona_id=pid, name="warm", description="", inherited=False), query
        )
        row.intensity = 0.9
        _still_usable(loser)
    with session_scope(db) as check:
        rows = check.scalars(select(Trait).where(Trait.persona_id == pid)).all()
        assert [(r.name, r.intensity) for r in rows] == [("warm", 0.9)]


def _still_usable(session: Session) -> None:
    session.flush()
    assert session.scalar(select(Trait.id).limit(1)) is not None


@pytest.mark.parametrize("names", ["same", "distinct"])
def test_fifty_concurrent_trait_creates_give_no_server_error(
    client: TestClient, alice: User, names: str
) -> None:
    """50 at once through the API: 0 × 5xx and no pool or busy-timeout wait."""
    pid = create_persona(client, alice)["id"]

    def create(i: int) -> int:
        name = "warm" if names == "same" else f"warm{i}"
        response = client.post(
            f"/api/personas/{pid}/traits",
            json={"name": name, "intensity": (i % 10) / 10, "description": f"take {i}"},
            headers=alice.headers,
        )
        return response.status_code

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=50) as pool:
        statuses = Counter(pool.map(create, range(50)))
    assert statuses == {201: 50}, statuses
    assert time.monotonic() - started < 8  # nobody waited for a timeout
    listed = client.get(f"/api/personas/{pid}/traits", headers=alice.headers).json()["data"][
        "traits"
    ]
    names_seen = {trait["name"] for trait in listed}
    assert len([n for n in names_seen if n.startswith("warm")]) == (1 if names == "same" else 50)


def test_a_failed_rollback_does_not_hide_the_first_error(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A route's 409 while PostgreSQL terminates the backend: the rollback fails too, and
    that must not turn the answer into a 500 (seen in benchmarks/chaos_bench.py)."""
    from sqlalchemy.exc import OperationalError

    from personae.errors import VersionConflictError

    def broken_rollback(self: Session) -> None:
        raise OperationalError("ROLLBACK", {}, Exception("terminating connection"))

    monkeypatch.setattr(Session, "rollback", broken_rollback)
    with pytest.raises(VersionConflictError), session_scope(db):
        raise VersionConflictError(persona_id=1, expected=1, actual=2)
