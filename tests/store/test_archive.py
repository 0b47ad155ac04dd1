"""GDPR: export everything a user owns; erase the user and all of it, and nothing else."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from personae.errors import UserNotFoundError
from personae.store import (
    ApiKey,
    AuditLog,
    Base,
    Database,
    Persona,
    PersonaCreate,
    PersonaUpdate,
    PersonaVersion,
    User,
    crud,
    delete_user,
    export_user_archive,
    import_card,
    session_scope,
)
from tests.store.test_crud import FACET_MODELS, _fill_facets


def _populate(session: Session, owner_id: int, *, prefix: str) -> list[int]:
    ids = []
    for name in ("one", "two"):
        persona = crud.create_persona(
            session=session, owner_id=owner_id, data=PersonaCreate(name=f"{prefix}-{name}")
        )
        _fill_facets(session, owner_id, persona.id)
        ids.append(persona.id)
    crud.create_api_key(
        session=session, owner_id=owner_id, name="k", key_hash=f"{prefix}-hash", prefix=prefix
    )
    return ids


def _table_counts(session: Session) -> dict[str, int]:
    return {
        table.name: session.scalar(select(func.count()).select_from(table)) or 0
        for table in Base.metadata.sorted_tables
    }


def test_archive_holds_everything_the_user_owns_and_no_secrets(
    session: Session, owner_ids: tuple[int, int]
) -> None:
    alice, bob = owner_ids
    alice_personas = _populate(session, alice, prefix="alice")
    _populate(session, bob, prefix="bob")
    archive = export_user_archive(session=session, user_id=alice)
    text = json.dumps(archive)  # JSON-serialisable as it is
    assert "alice-hash" not in text
    assert "h1" not in json.dumps(archive["user"])
    assert "bob" not in text
    assert archive["user"]["email"] == "alice@example.org"
    assert "password_hash" not in archive["user"]
    assert [p["id"] for p in archive["personas"]] == alice_personas
    first = archive["personas"][0]
    for key in (
        "versions",
        "labels",
        "platform_personas",
        "analysis_results",
        "validation_results",
        "metrics",
        "configurations",
        "traits",
    ):
        assert len(first[key]) == 1, key
    assert first["versions"][0]["snapshot"]["name"] == "alice-one"
    assert [k["prefix"] for k in archive["api_keys"]] == ["alice"]
    assert "key_hash" not in archive["api_keys"][0]
    assert archive["audit_log"]
    assert {entry["actor_id"] for entry in archive["audit_log"]} == {alice}
    with pytest.raises(UserNotFoundError):
        export_user_archive(session=session, user_id=9999)


def test_delete_user_erases_everything_of_theirs_and_nothing_else(
    db: Database, owner_ids: tuple[int, int]
) -> None:
    alice, bob = owner_ids
    with session_scope(db) as session:
        alice_personas = _populate(session, alice, prefix="alice")
        bob_personas = _populate(session, bob, prefix="bob")
        import_card(
            session=session,
            owner_id=alice,
            source={"spec": "chara_card_v2", "spec_version": "2.0", "data": {"name": "Card"}},
        )
        # Alice edits one of Bob's personas (an admin, say): Bob's history must survive.
        crud.update_persona(
            session=session,
            owner_id=bob,
            persona_id=bob_personas[0],
            update=PersonaUpdate(version=1, role="edited by alice"),
            actor_id=alice,
        )
    with session_scope(db) as session:
        bob_archive = export_user_archive(session=session, user_id=bob)
        before = _table_counts(session)

    with session_scope(db) as session:
        delete_user(session=session, user_id=alice)

    with session_scope(db) as session:
        assert session.get(User, alice) is None
        assert (
            session.scalar(
                select(func.count()).select_from(Persona).where(Persona.owner_id == alice)
            )
            == 0
        )
        assert (
            session.scalar(select(func.count()).select_from(ApiKey).where(ApiKey.owner_id == alice))
            == 0
        )
        assert (
            session.scalar(
                select(func.count()).select_from(AuditLog).where(AuditLog.actor_id == alice)
            )
            == 0
        )
        assert (
            session.scalar(
                select(func.count())
                .select_from(PersonaVersion)
                .where(PersonaVersion.author_id == alice)
            )
            == 0
        )
        for model in FACET_MODELS:
            left = session.scalar(
                select(func.count()).select_from(model).where(model.persona_id.in_(alice_personas))
            )
            assert left == 0, model.__tablename__
        # The erasure itself is recorded, by id only.
        erased = session.scalars(select(AuditLog).where(AuditLog.action == "erase")).one()
        assert (erased.entity, erased.entity_id, erased.actor_id) == ("user", str(alice), None)
        assert "alice" not in json.dumps(erased.details)
        after = _table_counts(session)
        # Bob's rows are all still there (his edited version now has no author).
        assert after["personas"] == before["personas"] - 3
        assert after["users"] == 1
        bob_after = export_user_archive(session=session, user_id=bob)
        edited = bob_archive["personas"][0]["versions"][1]
        assert edited["author_id"] == alice
        edited["author_id"] = None
        bob_archive.pop("exported_at")
        bob_after.pop("exported_at")
        assert bob_after == bob_archive

    with pytest.raises(UserNotFoundError), session_scope(db) as session:
        delete_user(session=session, user_id=alice)
