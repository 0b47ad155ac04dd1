"""Owner-scoped reads of persona facets: platforms, checks, analysis results, metrics."""

from __future__ import annotations

import math

import pytest
from pydantic import ValidationError
from sqlalchemy.orm import Session

from personae.errors import NotFoundError, PersonaNotFoundError
from personae.store import MAX_INT, PersonaCreate, PersonaUpdate, UserCreate, crud


@pytest.fixture
def persona_id(session: Session, owner_ids: tuple[int, int]) -> int:
    return crud.create_persona(
        session=session, owner_id=owner_ids[0], data=PersonaCreate(name="analyst")
    ).id


def test_platform_reads(session: Session, owner_ids: tuple[int, int], persona_id: int) -> None:
    alice, bob = owner_ids
    with pytest.raises(NotFoundError) as missing:
        crud.get_platform_persona(
            session=session, owner_id=alice, persona_id=persona_id, platform="blog"
        )
    assert not isinstance(missing.value, PersonaNotFoundError)
    for platform in ("linkedin", "blog"):
        crud.upsert_platform_persona(
            session=session, owner_id=alice, persona_id=persona_id, platform=platform
        )
    row = crud.get_platform_persona(
        session=session, owner_id=alice, persona_id=persona_id, platform="blog"
    )
    assert row.platform == "blog"
    listed = crud.list_platform_personas(session=session, owner_id=alice, persona_id=persona_id)
    assert [r.platform for r in listed] == ["blog", "linkedin"]
    with pytest.raises(PersonaNotFoundError):
        crud.get_platform_persona(
            session=session, owner_id=bob, persona_id=persona_id, platform="blog"
        )
    with pytest.raises(PersonaNotFoundError):
        crud.list_platform_personas(session=session, owner_id=bob, persona_id=persona_id)


def test_validation_results_newest_first_and_bounded(
    session: Session, owner_ids: tuple[int, int], persona_id: int
) -> None:
    alice, bob = owner_ids
    for status in ("first", "second", "third"):
        crud.add_validation_result(
            session=session,
            owner_id=alice,
            persona_id=persona_id,
            validation_status=status,
            metrics={},
        )
    rows = crud.list_validation_results(
        session=session, owner_id=alice, persona_id=persona_id, limit=2
    )
    assert [r.validation_status for r in rows] == ["third", "second"]
    with pytest.raises(PersonaNotFoundError):
        crud.list_validation_results(session=session, owner_id=bob, persona_id=persona_id)


def test_analysis_results_and_metrics_oldest_first_newest_kept(
    session: Session, owner_ids: tuple[int, int], persona_id: int
) -> None:
    alice, bob = owner_ids
    for n in range(4):
        crud.add_analysis_result(
            session=session,
            owner_id=alice,
            persona_id=persona_id,
            analysis_type="feedback" if n % 2 else "style",
            results={"n": n},
        )
        crud.record_metric(
            session=session, owner_id=alice, persona_id=persona_id, metric=f"m{n % 2}", value=n
        )
    feedback = crud.list_analysis_results(
        session=session, owner_id=alice, persona_id=persona_id, analysis_type="feedback"
    )
    assert [r.results["n"] for r in feedback] == [1, 3]
    newest = crud.list_analysis_results(
        session=session, owner_id=alice, persona_id=persona_id, limit=2
    )
    assert [r.results["n"] for r in newest] == [2, 3]
    metrics = crud.list_metrics(session=session, owner_id=alice, persona_id=persona_id)
    assert [(m.metric, m.value) for m in metrics] == [("m0", 0), ("m1", 1), ("m0", 2), ("m1", 3)]
    only = crud.list_metrics(session=session, owner_id=alice, persona_id=persona_id, metric="m1")
    assert [m.value for m in only] == [1, 3]
    last = crud.list_metrics(session=session, owner_id=alice, persona_id=persona_id, limit=1)
    assert [m.value for m in last] == [3]
    for read in (crud.list_analysis_results, crud.list_metrics):
        with pytest.raises(PersonaNotFoundError):
            read(session=session, owner_id=bob, persona_id=persona_id)


# -- values no database column can hold are refused by the schemas ----------------------


@pytest.mark.parametrize(
    "fields",
    [
        {"name": "x", "role": "a\x00b"},
        {"name": "x", "display_name": "\x00"},
        {"name": "x", "system_prompt": "nul\x00"},
        {"name": "x", "expertise": ["ok", "n\x00l"]},
        {"name": "x", "tonal_range": {"warmth": math.nan}},
        {"name": "x", "stylistic_constraints": {"deep": [{"x": math.inf}]}},
        {"name": "x", "card_extensions": {"v": -math.inf}},
    ],
)
def test_nul_characters_and_non_finite_numbers_are_refused(fields: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        PersonaCreate.model_validate(fields)
    update = {"version": 1} | {k: v for k, v in fields.items() if k != "name"}
    with pytest.raises(ValidationError):
        PersonaUpdate.model_validate(update)


def test_versions_are_bounded_by_the_integer_columns() -> None:
    assert PersonaUpdate(version=MAX_INT).version == MAX_INT
    with pytest.raises(ValidationError):
        PersonaUpdate(version=MAX_INT + 1)


def test_emails_and_hashes_refuse_nul() -> None:
    with pytest.raises(ValidationError):
        UserCreate(email="a\x00@b.c", password_hash="h")
    with pytest.raises(ValidationError):
        UserCreate(email="a@b.c", password_hash="h\x00")


@pytest.mark.parametrize(
    "fields",
    [
        {"name": "x", "tonal_range": {"since": __import__("datetime").date(2024, 1, 1)}},
        {"name": "x", "stylistic_constraints": {1: "int key"}},
        {"name": "x", "card_extensions": {"set": {1, 2}}},
        {"name": "x", "linguistic_fingerprint": {"when": __import__("datetime").date(2024, 1, 1)}},
    ],
)
def test_json_fields_hold_only_json(fields: dict[str, object]) -> None:
    """YAML gives dates and non-string keys: refused here, not failed in the database."""
    with pytest.raises(ValidationError):
        PersonaCreate.model_validate(fields)


def test_a_yaml_definitions_file_with_a_date_is_reported_not_crashed(
    session: Session, owner_ids: tuple[int, int]
) -> None:
    from personae.store import load_definitions, sync_definitions

    data = load_definitions("personas:\n  - name: dated\n    tonal_range: {since: 2024-01-01}\n")
    report = sync_definitions(session=session, owner_id=owner_ids[0], data=data)
    # The field that JSON cannot hold is reported and left out; the persona is kept.
    assert report.created == ["dated"]
    assert report.invalid[0].path.startswith("personas[0].tonal_range")
    assert report.invalid[0].message.startswith("field ignored")
