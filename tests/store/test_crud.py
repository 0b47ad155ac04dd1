"""The write path: users, personas, owner scoping, history, diff, rollback, labels, facets."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.orm import Session

from personae.errors import (
    DuplicateEmailError,
    DuplicateNameError,
    InputError,
    LabelNotFoundError,
    NotFoundError,
    PersonaNotFoundError,
    UserNotFoundError,
    VersionConflictError,
    VersionNotFoundError,
)
from personae.samples import sample_writers
from personae.store import (
    PERSONA_FIELDS,
    AuditLog,
    Database,
    Persona,
    PersonaAnalysisResult,
    PersonaConfiguration,
    PersonaCreate,
    PersonaLabel,
    PersonaMetric,
    PersonaPublic,
    PersonaUpdate,
    PersonaValidationResult,
    PersonaVersion,
    PlatformPersona,
    Trait,
    UserCreate,
    UserPublic,
    crud,
    session_scope,
)
from personae.style import StyleProfile


def _persona(session: Session, owner_id: int, name: str = "analyst", **fields: object) -> Persona:
    data = PersonaCreate.model_validate({"name": name, **fields})
    return crud.create_persona(session=session, owner_id=owner_id, data=data)


def _audit(session: Session) -> list[tuple[str, str]]:
    rows = session.execute(select(AuditLog.action, AuditLog.entity).order_by(AuditLog.id))
    return [(action, entity) for action, entity in rows]


# -- users ------------------------------------------------------------------------------


def test_create_user_stores_a_lowercased_email_and_hides_the_hash(session: Session) -> None:
    user = crud.create_user(
        session=session, data=UserCreate(email="Ada@Example.org", password_hash="argon2$x")
    )
    assert user.email == "ada@example.org"
    assert user.role == "user"
    assert crud.get_user_by_email(session=session, email="ADA@example.org") is user
    assert crud.get_user_by_email(session=session, email="nobody@example.org") is None
    assert "password_hash" not in UserPublic.model_validate(user).model_dump()
    assert _audit(session) == [("create", "user")]


def test_duplicate_email_is_a_conflict(session: Session) -> None:
    crud.create_user(session=session, data=UserCreate(email="a@example.org", password_hash="h"))
    with pytest.raises(DuplicateEmailError):
        crud.create_user(session=session, data=UserCreate(email="A@example.org", password_hash="h"))


def test_unknown_user(session: Session) -> None:
    with pytest.raises(UserNotFoundError):
        crud.get_user(session=session, user_id=999)
    with pytest.raises(UserNotFoundError):
        crud.create_persona(session=session, owner_id=999, data=PersonaCreate(name="x"))


@pytest.mark.parametrize(
    "fields",
    [
        {"email": "no-at-sign", "password_hash": "h"},
        {"email": "a@b.c", "password_hash": ""},
        {"email": "a@b.c", "password_hash": "h", "role": "root"},
    ],
)
def test_user_create_validates(fields: dict[str, str]) -> None:
    with pytest.raises(ValidationError):
        UserCreate.model_validate(fields)


# -- personas ---------------------------------------------------------------------------


def test_create_persona_writes_version_one_and_an_audit_row(
    session: Session, owner_ids: tuple[int, int]
) -> None:
    alice, _ = owner_ids
    persona = _persona(
        session,
        alice,
        display_name="Data Analyst",
        role="Analyst",
        expertise=["sql", "statistics"],
        tonal_range={"formal": 0.8},
        confidence_score=0.7,
    )
    assert (persona.version, persona.display_name, persona.is_active) == (1, "Data Analyst", True)
    assert persona.expertise == ["sql", "statistics"]
    assert persona.created_at.tzinfo is not None
    (v1,) = crud.history(session=session, owner_id=alice, persona_id=persona.id)
    assert v1.version == 1
    assert v1.author_id == alice
    assert v1.snapshot == persona.snapshot()
    assert set(v1.snapshot) == set(PERSONA_FIELDS)
    assert _audit(session)[-1] == ("create", "persona")
    public = PersonaPublic.model_validate(persona)
    assert json.loads(public.model_dump_json())["name"] == "analyst"


def test_display_name_defaults_to_the_name() -> None:
    assert PersonaCreate(name="analyst").display_name == "analyst"


@pytest.mark.parametrize(
    "fields",
    [
        {"name": ""},
        {"name": "x" * 101},
        {"name": "bad/name"},
        {"name": "ok", "confidence_score": 1.5},
        {"name": "ok", "confidence_score": -0.1},
        {"name": "ok", "role": "r" * 301},
        {"name": "ok", "system_prompt": "p" * 100_001},
        {"name": "ok", "expertise": [""]},
        {"name": "ok", "unknown_field": 1},
        {"name": "ok", "linguistic_fingerprint": {"not": "a profile"}},
    ],
)
def test_persona_create_validates(fields: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        PersonaCreate.model_validate(fields)


def test_fingerprint_must_be_a_measured_style_profile(
    session: Session, owner_ids: tuple[int, int]
) -> None:
    writer = sample_writers()[0]
    profile = StyleProfile.from_texts(writer.training, name=writer.name)
    persona = _persona(session, owner_ids[0], linguistic_fingerprint=profile)
    stored = StyleProfile.from_json(json.dumps(persona.linguistic_fingerprint))
    assert stored == profile


def test_names_are_unique_per_owner_only(session: Session, owner_ids: tuple[int, int]) -> None:
    alice, bob = owner_ids
    _persona(session, alice)
    with pytest.raises(DuplicateNameError):
        _persona(session, alice)
    assert _persona(session, bob).owner_id == bob


def test_another_owners_persona_looks_missing(session: Session, owner_ids: tuple[int, int]) -> None:
    alice, bob = owner_ids
    persona = _persona(session, alice)
    calls = [
        lambda: crud.get_persona(session=session, owner_id=bob, persona_id=persona.id),
        lambda: crud.get_persona(session=session, owner_id=alice, persona_id=persona.id + 100),
        lambda: crud.get_persona_by_name(session=session, owner_id=bob, name="analyst"),
        lambda: crud.update_persona(
            session=session,
            owner_id=bob,
            persona_id=persona.id,
            update=PersonaUpdate(version=1, role="hijacked"),
        ),
        lambda: crud.delete_persona(session=session, owner_id=bob, persona_id=persona.id),
        lambda: crud.history(session=session, owner_id=bob, persona_id=persona.id),
        lambda: crud.set_label(
            session=session, owner_id=bob, persona_id=persona.id, label="production", version=1
        ),
        lambda: crud.record_metric(
            session=session, owner_id=bob, persona_id=persona.id, metric="m", value=1.0
        ),
    ]
    for call in calls:
        with pytest.raises(PersonaNotFoundError):
            call()
    assert crud.get_persona(session=session, owner_id=alice, persona_id=persona.id).role == ""
    assert crud.list_personas(session=session, owner_id=bob) == []


def test_list_personas_pages_by_name_and_filters_active(
    session: Session, owner_ids: tuple[int, int]
) -> None:
    alice, bob = owner_ids
    for name in ["delta", "alpha", "charlie", "bravo"]:
        _persona(session, alice, name, is_active=name != "charlie")
    _persona(session, bob, "echo")
    names = [p.name for p in crud.list_personas(session=session, owner_id=alice)]
    assert names == ["alpha", "bravo", "charlie", "delta"]
    page = crud.list_personas(session=session, owner_id=alice, offset=1, limit=2)
    assert [p.name for p in page] == ["bravo", "charlie"]
    active = crud.list_personas(session=session, owner_id=alice, active_only=True)
    assert [p.name for p in active] == ["alpha", "bravo", "delta"]
    assert crud.count_personas(session=session, owner_id=alice) == 4
    assert crud.count_personas(session=session, owner_id=alice, active_only=True) == 3


def test_a_brief_list_loads_what_a_list_shows_and_nothing_long(
    session: Session, owner_ids: tuple[int, int]
) -> None:
    alice, _ = owner_ids
    _persona(session, alice, "alpha", role="Founder", context="long " * 2000)
    session.commit()
    session.expunge_all()  # rows read fresh, not the ones the session already holds
    (row,) = crud.list_personas(session=session, owner_id=alice, brief=True)
    assert (row.name, row.role, row.version, row.is_active) == ("alpha", "Founder", 1, True)
    with pytest.raises(InvalidRequestError):  # not loaded, and never loaded behind our back
        _ = row.context
    session.expunge_all()
    (full,) = crud.list_personas(session=session, owner_id=alice)
    assert full.context.startswith("long long")


@pytest.mark.parametrize(("offset", "limit"), [(-1, 10), (0, 0), (0, crud.MAX_PAGE_SIZE + 1)])
def test_list_personas_rejects_bad_pages(
    session: Session, owner_ids: tuple[int, int], offset: int, limit: int
) -> None:
    with pytest.raises(InputError):
        crud.list_personas(session=session, owner_id=owner_ids[0], offset=offset, limit=limit)


def test_update_changes_fields_bumps_the_version_and_records_it(
    session: Session, owner_ids: tuple[int, int]
) -> None:
    alice, bob = owner_ids
    persona = _persona(session, alice, role="Analyst", archetype="Sage")
    updated = crud.update_persona(
        session=session,
        owner_id=alice,
        persona_id=persona.id,
        update=PersonaUpdate(version=1, role="Lead analyst", archetype=None, message="promoted"),
        actor_id=bob,
    )
    assert (updated.version, updated.role, updated.archetype) == (2, "Lead analyst", None)
    assert updated.updated_at >= updated.created_at
    v2 = crud.get_version(session=session, owner_id=alice, persona_id=persona.id, version=2)
    assert (v2.message, v2.author_id) == ("promoted", bob)
    assert v2.snapshot == updated.snapshot()
    assert _audit(session)[-1] == ("update", "persona")


def test_stale_update_is_refused_and_writes_nothing(
    session: Session, owner_ids: tuple[int, int]
) -> None:
    alice, _ = owner_ids
    persona = _persona(session, alice)
    crud.update_persona(
        session=session,
        owner_id=alice,
        persona_id=persona.id,
        update=PersonaUpdate(version=1, role="v2"),
    )
    audit_before = len(_audit(session))
    with pytest.raises(VersionConflictError):
        crud.update_persona(
            session=session,
            owner_id=alice,
            persona_id=persona.id,
            update=PersonaUpdate(version=1, role="stale"),
        )
    current = crud.get_persona(session=session, owner_id=alice, persona_id=persona.id)
    assert (current.version, current.role) == (2, "v2")
    assert len(crud.history(session=session, owner_id=alice, persona_id=persona.id)) == 2
    assert len(_audit(session)) == audit_before


def test_an_update_that_changes_nothing_keeps_the_version(
    session: Session, owner_ids: tuple[int, int]
) -> None:
    alice, _ = owner_ids
    persona = _persona(session, alice, role="Analyst")
    same = crud.update_persona(
        session=session,
        owner_id=alice,
        persona_id=persona.id,
        update=PersonaUpdate(version=1, role="Analyst"),
    )
    assert same.version == 1
    assert len(crud.history(session=session, owner_id=alice, persona_id=persona.id)) == 1


def test_rename_onto_an_existing_name_is_a_conflict(
    session: Session, owner_ids: tuple[int, int]
) -> None:
    alice, _ = owner_ids
    _persona(session, alice, "taken")
    persona = _persona(session, alice, "mine")
    with pytest.raises(DuplicateNameError):
        crud.update_persona(
            session=session,
            owner_id=alice,
            persona_id=persona.id,
            update=PersonaUpdate(version=1, name="taken"),
        )


@pytest.mark.parametrize("field", ["name", "display_name", "role", "expertise", "is_active"])
def test_update_cannot_null_a_required_field(field: str) -> None:
    with pytest.raises(ValidationError):
        PersonaUpdate.model_validate({"version": 1, field: None})


def test_delete_persona_cascades_to_its_facets(
    db: Database, session: Session, owner_ids: tuple[int, int]
) -> None:
    alice, _ = owner_ids
    persona = _persona(session, alice)
    other = _persona(session, alice, "other")
    _fill_facets(session, alice, persona.id)
    _fill_facets(session, alice, other.id)
    session.commit()
    with pytest.raises(VersionConflictError):
        crud.delete_persona(
            session=session, owner_id=alice, persona_id=persona.id, expected_version=7
        )
    crud.delete_persona(session=session, owner_id=alice, persona_id=persona.id, expected_version=1)
    session.commit()
    with pytest.raises(PersonaNotFoundError):
        crud.get_persona(session=session, owner_id=alice, persona_id=persona.id)
    for model in FACET_MODELS:
        by_persona = select(func.count()).select_from(model).group_by(model.persona_id)
        remaining = session.scalar(
            select(func.count()).select_from(model).where(model.persona_id == persona.id)
        )
        assert remaining == 0, model.__tablename__
        assert list(session.scalars(by_persona)), model.__tablename__  # the other's are kept
    assert _audit(session)[-1] == ("delete", "persona")


FACET_MODELS = [
    PersonaVersion,
    PersonaLabel,
    PlatformPersona,
    PersonaAnalysisResult,
    PersonaValidationResult,
    PersonaMetric,
    PersonaConfiguration,
    Trait,
]


def _fill_facets(session: Session, owner_id: int, persona_id: int) -> None:
    """One row in every table that hangs off a persona."""
    ids = {"session": session, "owner_id": owner_id, "persona_id": persona_id}
    crud.set_label(**ids, label="production", version=1)
    crud.upsert_platform_persona(**ids, platform="linkedin", quality_metrics={"score": 0.9})
    crud.add_analysis_result(**ids, analysis_type="style", results={"ok": True})
    crud.add_validation_result(**ids, validation_status="passed", metrics={"score": 0.8})
    crud.record_metric(**ids, metric="engagement", value=0.4)
    crud.set_configuration(**ids, key="temperature", value=0.7)
    crud.save_trait(**ids, name="curious", intensity=0.9)


# -- history, diff, rollback, labels ----------------------------------------------------


def _three_versions(session: Session, owner_id: int) -> Persona:
    persona = _persona(session, owner_id, role="v1 role", context="v1 context")
    for version, change in [(1, {"role": "v2 role"}), (2, {"context": "v3", "expertise": ["a"]})]:
        crud.update_persona(
            session=session,
            owner_id=owner_id,
            persona_id=persona.id,
            update=PersonaUpdate.model_validate({"version": version, **change}),
        )
    return persona


def test_history_lists_every_version_in_order(session: Session, owner_ids: tuple[int, int]) -> None:
    alice, _ = owner_ids
    persona = _three_versions(session, alice)
    versions = crud.history(session=session, owner_id=alice, persona_id=persona.id)
    assert [v.version for v in versions] == [1, 2, 3]
    assert [v.snapshot["role"] for v in versions] == ["v1 role", "v2 role", "v2 role"]


def test_diff_is_field_level(session: Session, owner_ids: tuple[int, int]) -> None:
    alice, _ = owner_ids
    persona = _three_versions(session, alice)
    result = crud.diff(
        session=session, owner_id=alice, persona_id=persona.id, from_version=1, to_version=3
    )
    changes = {c.field: (c.old, c.new) for c in result.changes}
    assert changes == {
        "role": ("v1 role", "v2 role"),
        "context": ("v1 context", "v3"),
        "expertise": ([], ["a"]),
    }
    same = crud.diff(
        session=session, owner_id=alice, persona_id=persona.id, from_version=2, to_version=2
    )
    assert same.changes == []
    with pytest.raises(VersionNotFoundError):
        crud.diff(
            session=session, owner_id=alice, persona_id=persona.id, from_version=1, to_version=9
        )


def test_rollback_writes_a_new_version_equal_to_the_old_one(
    session: Session, owner_ids: tuple[int, int]
) -> None:
    alice, _ = owner_ids
    persona = _three_versions(session, alice)
    rolled = crud.rollback(
        session=session, owner_id=alice, persona_id=persona.id, to_version=1, expected_version=3
    )
    assert rolled.version == 4
    versions = crud.history(session=session, owner_id=alice, persona_id=persona.id)
    assert versions[3].snapshot == versions[0].snapshot
    assert versions[3].message == "rollback to version 1"
    assert rolled.snapshot() == versions[0].snapshot
    with pytest.raises(VersionConflictError):
        crud.rollback(
            session=session, owner_id=alice, persona_id=persona.id, to_version=2, expected_version=3
        )


def test_labels_point_at_versions(session: Session, owner_ids: tuple[int, int]) -> None:
    alice, _ = owner_ids
    persona = _three_versions(session, alice)
    ids = {"session": session, "owner_id": alice, "persona_id": persona.id}
    crud.set_label(**ids, label="production", version=2)
    crud.set_label(**ids, label="staging", version=3)
    assert crud.get_label(**ids, label="production").snapshot["role"] == "v2 role"
    crud.set_label(**ids, label="production", version=3)  # move the label
    assert crud.get_label(**ids, label="production").version == 3
    assert crud.list_labels(**ids) == {"production": 3, "staging": 3}
    with pytest.raises(LabelNotFoundError):
        crud.get_label(**ids, label="canary")
    with pytest.raises(VersionNotFoundError):
        crud.set_label(**ids, label="canary", version=42)
    with pytest.raises(InputError):
        crud.set_label(**ids, label="Bad Label!", version=1)


# -- facets and API keys ----------------------------------------------------------------


def test_facets_are_written_and_upserts_replace(
    session: Session, owner_ids: tuple[int, int]
) -> None:
    alice, _ = owner_ids
    persona = _persona(session, alice)
    _fill_facets(session, alice, persona.id)
    ids = {"session": session, "owner_id": alice, "persona_id": persona.id}
    crud.upsert_platform_persona(**ids, platform="linkedin", quality_metrics={"score": 0.5})
    crud.set_configuration(**ids, key="temperature", value=0.2)
    crud.save_trait(**ids, name="curious", intensity=0.1)
    for model in FACET_MODELS:
        count = session.scalar(select(func.count()).select_from(model))
        assert count == 1, model.__tablename__
    assert session.scalar(select(PlatformPersona.quality_metrics)) == {"score": 0.5}
    assert session.scalar(select(PersonaConfiguration.value)) == 0.2
    assert session.scalar(select(Trait.intensity)) == 0.1
    assert len([a for a in _audit(session) if a[1] != "user"]) == 1 + 7 + 3


@pytest.mark.parametrize(("intensity", "confidence"), [(1.1, None), (-0.1, None), (0.5, 2.0)])
def test_trait_scores_are_bounded(
    session: Session, owner_ids: tuple[int, int], intensity: float, confidence: float | None
) -> None:
    persona = _persona(session, owner_ids[0])
    with pytest.raises(InputError):
        crud.save_trait(
            session=session,
            owner_id=owner_ids[0],
            persona_id=persona.id,
            name="bold",
            intensity=intensity,
            confidence=confidence,
        )


def test_api_keys_are_found_by_prefix_until_revoked(
    session: Session, owner_ids: tuple[int, int]
) -> None:
    alice, bob = owner_ids
    key = crud.create_api_key(
        session=session, owner_id=alice, name="laptop", key_hash="hash-1", prefix="pk_abc"
    )
    assert crud.find_api_keys(session=session, prefix="pk_abc") == [key]
    assert key.last_used_at is None
    crud.touch_api_key(session=session, key_id=key.id)
    session.refresh(key)
    assert key.last_used_at is not None
    with pytest.raises(NotFoundError):
        crud.revoke_api_key(session=session, owner_id=bob, key_id=key.id)
    crud.revoke_api_key(session=session, owner_id=alice, key_id=key.id)
    assert crud.find_api_keys(session=session, prefix="pk_abc") == []
    assert crud.list_api_keys(session=session, owner_id=alice) == [key]


def test_unit_of_work_commits_or_rolls_back(db: Database, owner_ids: tuple[int, int]) -> None:
    alice, _ = owner_ids

    def doomed() -> None:
        with session_scope(db) as session:
            _persona(session, alice, "doomed")
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        doomed()
    with session_scope(db) as session:
        assert crud.list_personas(session=session, owner_id=alice) == []
        _persona(session, alice, "kept")
    with session_scope(db) as session:
        assert [p.name for p in crud.list_personas(session=session, owner_id=alice)] == ["kept"]
