"""Definitions sync: upsert by name, idempotent, dry run, prune, strict, all or nothing."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from personae.errors import InvalidDefinitionError, SyncError
from personae.store import (
    AuditLog,
    Database,
    Persona,
    PersonaUpdate,
    PersonaVersion,
    crud,
    dump_definitions,
    export_definitions,
    load_definitions,
    session_scope,
    sync_definitions,
)

# The G1 layout of personas_definitions.json: name → definition, "name" inside = display name.
G1 = {
    "data_analyst": {
        "name": "Data Analyst",
        "role": "Analyses data",
        "system_prompt": "You are a careful data analyst.",
        "context": "Works with SQL.",
        "expertise": ["sql", "statistics"],
        "response_format": "Bullet points",
    },
    "metrics_designer": {
        "name": "Metrics Designer",
        "role": "Designs metrics",
        "system_prompt": "You design metrics.",
        "persona_type": "metrics-intelligence",
    },
}

CANONICAL = {
    "personas": [
        {"name": "writer", "display_name": "Writer", "role": "Writes"},
        {"name": "editor", "role": "Edits", "confidence_score": 0.5},
    ]
}


def _sync(session: Session, owner_id: int, data: Any, **flags: bool) -> Any:
    return sync_definitions(session=session, owner_id=owner_id, data=data, **flags)


def _counts(db: Database) -> tuple[int, int, int]:
    with session_scope(db) as session:
        return (
            session.scalar(select(func.count()).select_from(Persona)) or 0,
            session.scalar(select(func.count()).select_from(PersonaVersion)) or 0,
            session.scalar(select(func.count()).select_from(AuditLog)) or 0,
        )


def test_g1_layout_creates_personas(session: Session, owner_ids: tuple[int, int]) -> None:
    alice, _ = owner_ids
    report = _sync(session, alice, G1)
    assert report.created == ["data_analyst", "metrics_designer"]
    analyst = crud.get_persona_by_name(session=session, owner_id=alice, name="data_analyst")
    assert (analyst.display_name, analyst.expertise) == ("Data Analyst", ["sql", "statistics"])
    assert analyst.persona_type == "standard"
    designer = crud.get_persona_by_name(session=session, owner_id=alice, name="metrics_designer")
    assert designer.persona_type == "metrics-intelligence"
    (v1,) = crud.history(session=session, owner_id=alice, persona_id=analyst.id)
    assert v1.message == "sync: created"


@pytest.mark.parametrize("data", [G1, CANONICAL], ids=["g1", "canonical"])
def test_a_second_run_changes_nothing(db: Database, owner_ids: tuple[int, int], data: Any) -> None:
    alice, _ = owner_ids
    with session_scope(db) as session:
        first = _sync(session, alice, data)
    assert first.change_count == len(first.created) == 2
    before = _counts(db)
    with session_scope(db) as session:
        second = _sync(session, alice, data, prune=True)
    assert second.change_count == 0
    assert sorted(second.unchanged) == sorted(first.created)
    assert _counts(db) == before


def test_changed_fields_are_updated_as_a_new_version(
    session: Session, owner_ids: tuple[int, int]
) -> None:
    alice, _ = owner_ids
    _sync(session, alice, G1)
    changed = copy.deepcopy(G1)
    changed["data_analyst"]["role"] = "Analyses data, quickly"
    report = _sync(session, alice, changed)
    assert list(report.updated) == ["data_analyst"]
    (change,) = report.updated["data_analyst"]
    assert (change.field, change.old, change.new) == (
        "role",
        "Analyses data",
        "Analyses data, quickly",
    )
    analyst = crud.get_persona_by_name(session=session, owner_id=alice, name="data_analyst")
    assert (analyst.version, analyst.role) == (2, "Analyses data, quickly")
    assert (
        crud.history(session=session, owner_id=alice, persona_id=analyst.id)[-1].message == "sync"
    )


def test_fields_left_out_are_kept(session: Session, owner_ids: tuple[int, int]) -> None:
    alice, _ = owner_ids
    _sync(session, alice, G1)
    analyst = crud.get_persona_by_name(session=session, owner_id=alice, name="data_analyst")
    crud.update_persona(
        session=session,
        owner_id=alice,
        persona_id=analyst.id,
        update=PersonaUpdate(version=1, archetype="Sage", confidence_score=0.9),
    )
    report = _sync(session, alice, G1)
    assert report.change_count == 0
    assert analyst.archetype == "Sage"


def test_dry_run_reports_the_diff_and_writes_nothing(
    db: Database, owner_ids: tuple[int, int]
) -> None:
    alice, _ = owner_ids
    with session_scope(db) as session:
        _sync(session, alice, G1)
    before = _counts(db)
    changed = copy.deepcopy(G1)
    changed["data_analyst"]["context"] = "Works with SQL and Python."
    changed["newcomer"] = {"name": "Newcomer", "role": "New"}
    del changed["metrics_designer"]
    with session_scope(db) as session:
        report = _sync(session, alice, changed, dry_run=True, prune=True)
    assert report.dry_run
    assert report.created == ["newcomer"]
    assert [c.field for c in report.updated["data_analyst"]] == ["context"]
    assert report.deactivated == ["metrics_designer"]
    assert _counts(db) == before
    with session_scope(db) as session:
        assert crud.count_personas(session=session, owner_id=alice, active_only=True) == 2


def test_prune_deactivates_what_the_file_no_longer_has(
    session: Session, owner_ids: tuple[int, int]
) -> None:
    alice, bob = owner_ids
    _sync(session, alice, G1)
    _sync(session, bob, CANONICAL)
    only_one = {"data_analyst": G1["data_analyst"]}
    assert _sync(session, alice, only_one).deactivated == []  # without prune: kept active
    report = _sync(session, alice, only_one, prune=True)
    assert report.deactivated == ["metrics_designer"]
    designer = crud.get_persona_by_name(session=session, owner_id=alice, name="metrics_designer")
    assert designer.is_active is False
    assert designer.version == 2
    assert _sync(session, alice, only_one, prune=True).change_count == 0
    assert crud.count_personas(session=session, owner_id=bob, active_only=True) == 2
    # Listing it again brings it back.
    assert _sync(session, alice, G1).updated["metrics_designer"][0].field == "is_active"
    assert designer.is_active is True


BROKEN = {
    "personas": [
        {"name": "good", "role": "Fine"},
        {"name": "bad/name", "role": "Slash in the name"},
        {"name": "scored", "confidence_score": 7},
        "not an object",
        {"name": "good", "role": "Duplicate"},
        {"name": "typo", "rol": "misspelt field"},
    ]
}


def test_invalid_entries_are_reported_with_their_path_and_bad_fields_left_out(
    session: Session, owner_ids: tuple[int, int]
) -> None:
    alice, _ = owner_ids
    report = _sync(session, alice, BROKEN)
    # A bad name skips the entry; a bad or unknown field is left out and the rest synced.
    assert report.created == ["good", "scored", "typo"]
    messages = [issue.message for issue in report.invalid]
    assert messages[0].startswith("persona not synced")
    assert messages[1].startswith("field ignored, the rest of the persona synced")
    assert messages[4].startswith("field ignored")
    assert [issue.path for issue in report.invalid] == [
        "personas[1].name",
        "personas[2].confidence_score",
        "personas[3]",
        "personas[4].name",
        "personas[5].rol",
    ]
    assert "duplicate" in report.invalid[3].message


def test_invalid_entries_are_never_pruned(session: Session, owner_ids: tuple[int, int]) -> None:
    alice, _ = owner_ids
    _sync(session, alice, {"personas": [{"name": "keep"}, {"name": "other"}]})
    report = _sync(session, alice, {"personas": [{"name": "keep", "rol": "typo"}]}, prune=True)
    assert report.deactivated == ["other"]
    assert [i.path for i in report.invalid] == ["personas[0].rol"]


def test_strict_refuses_the_whole_file(db: Database, owner_ids: tuple[int, int]) -> None:
    alice, _ = owner_ids
    before = _counts(db)
    with pytest.raises(InvalidDefinitionError) as caught, session_scope(db) as session:
        _sync(session, alice, BROKEN, strict=True)
    assert "personas[1].name" in caught.value.message
    issues = caught.value.details["issues"]
    assert isinstance(issues, list)
    assert len(issues) == 5
    assert _counts(db) == before


def test_a_failure_mid_sync_leaves_the_database_unchanged(
    db: Database, owner_ids: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    alice, _ = owner_ids
    with session_scope(db) as session:
        _sync(session, alice, G1)
    before = _counts(db)
    changed = copy.deepcopy(G1)
    changed["data_analyst"]["role"] = "changed first"
    changed["metrics_designer"]["role"] = "changed second"
    changed["third"] = {"role": "never created"}

    real_update = crud.update_persona
    calls = 0

    def failing_update(**kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise RuntimeError("disk on fire")
        return real_update(**kwargs)

    monkeypatch.setattr(crud, "update_persona", failing_update)
    session = db.sessions()
    try:
        with pytest.raises(RuntimeError):
            _sync(session, alice, changed)
        session.commit()  # even a caller that commits afterwards finds nothing half-applied
    finally:
        session.close()
    assert calls == 2
    assert _counts(db) == before
    with session_scope(db) as session:
        analyst = crud.get_persona_by_name(session=session, owner_id=alice, name="data_analyst")
        assert (analyst.role, analyst.version) == ("Analyses data", 1)


@pytest.mark.parametrize(
    "data",
    [
        [],
        "text",
        {"personas": [], "extra": 1},
        {"format": "other", "personas": []},
        {"version": 2, "personas": []},
    ],
)
def test_files_that_are_not_definitions_are_refused(
    session: Session, owner_ids: tuple[int, int], data: Any
) -> None:
    with pytest.raises(SyncError):
        _sync(session, owner_ids[0], data)


def test_load_reads_json_and_yaml() -> None:
    yaml_text = "data_analyst:\n  name: Data Analyst\n  expertise: [sql]\n"
    assert load_definitions(yaml_text) == {
        "data_analyst": {"name": "Data Analyst", "expertise": ["sql"]}
    }
    assert load_definitions('{"a": {"role": "x"}}', fmt="json") == {"a": {"role": "x"}}
    with pytest.raises(SyncError, match="JSON"):
        load_definitions("{not json", fmt="json")
    with pytest.raises(SyncError, match="YAML"):
        load_definitions("a: [unclosed")


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_export_then_sync_is_a_no_op(
    session: Session, owner_ids: tuple[int, int], fmt: Any
) -> None:
    alice, bob = owner_ids
    _sync(session, alice, G1)
    _sync(session, alice, CANONICAL)
    exported = export_definitions(session=session, owner_id=alice)
    assert [p["name"] for p in exported["personas"]] == [
        "data_analyst",
        "editor",
        "metrics_designer",
        "writer",
    ]
    text = dump_definitions(exported, fmt=fmt)
    assert _sync(session, alice, load_definitions(text, fmt=fmt)).change_count == 0
    # The same file gives another owner the same personas.
    assert len(_sync(session, bob, load_definitions(text)).created) == 4
    copied = export_definitions(session=session, owner_id=bob)
    assert copied == exported


def test_g1_layout_export_round_trips(session: Session, owner_ids: tuple[int, int]) -> None:
    alice, bob = owner_ids
    _sync(session, alice, G1)
    exported = export_definitions(session=session, owner_id=alice, layout="g1")
    assert list(exported) == ["data_analyst", "metrics_designer"]
    assert exported["data_analyst"]["name"] == "Data Analyst"
    assert "display_name" not in exported["data_analyst"]
    assert _sync(session, alice, exported).change_count == 0
    _sync(session, bob, exported)
    assert export_definitions(session=session, owner_id=bob, layout="g1") == exported
