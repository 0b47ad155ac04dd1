"""A/B tests of persona versions: allocation, the Bayesian report, the stopping rule."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from personae.content import ContentService, DraftCreate, ExperimentCreate, VariantSpec
from personae.errors import ConflictError, InputError, VersionNotFoundError
from personae.store import Database, PersonaUpdate, crud, session_scope
from tests.api.helpers import User, create_persona


def _two_versions(db: Database, owner: int, persona: int) -> None:
    with session_scope(db) as session:
        crud.update_persona(
            session=session,
            owner_id=owner,
            persona_id=persona,
            update=PersonaUpdate(version=1, system_prompt="Shorter sentences.", message="v2"),
        )
        crud.set_label(
            session=session, owner_id=owner, persona_id=persona, label="production", version=1
        )


def _piece(service: ContentService, owner: int, persona: int, test: int, variant: str) -> int:
    draft = DraftCreate(
        persona_id=persona, platform="x", text="A post.", experiment_id=test, variant=variant
    )
    return service.save_draft(owner, draft).id


def _reward(db: Database, owner: int, piece: int, value: float) -> None:
    with session_scope(db) as session:
        crud.update_content_piece(
            session=session, owner_id=owner, piece_id=piece, changes={"reward": value}
        )


def test_the_better_version_wins_and_the_report_says_when_to_stop(
    service: ContentService, db: Database, owner_ids: tuple[int, int], persona_ids: tuple[int, int]
) -> None:
    alice, bob = owner_ids
    mine, _ = persona_ids
    _two_versions(db, alice, mine)
    spec = ExperimentCreate(
        name="shorter",
        persona_id=mine,
        platform="x",
        variants=[VariantSpec(name="old", label="production"), VariantSpec(name="new", version=2)],
    )
    report = service.create_experiment(alice, spec)
    assert [(v.name, v.persona_version) for v in report.variants] == [("old", 1), ("new", 2)]
    assert report.should_stop is False
    with pytest.raises(InputError):
        service.create_experiment(alice, spec)  # the name is taken
    with pytest.raises(VersionNotFoundError):
        service.create_experiment(
            alice,
            spec.model_copy(
                update={
                    "name": "x",
                    "variants": [*spec.variants[:1], VariantSpec(name="z", version=9)],
                }
            ),
        )
    first = service.allocate(alice, report.id, seed=1)
    assert first.variant == "old"  # every variant gets its first pieces in turn
    assert first.system_prompt == ""
    rng = __import__("numpy").random.default_rng(0)
    for _ in range(6):
        for variant, mean in (("old", 1.0), ("new", 1.5)):
            piece = _piece(service, alice, mine, report.id, variant)
            _reward(db, alice, piece, float(rng.normal(mean, 0.2)))
    done = service.experiment_report(alice, report.id)
    assert done.best == "new"
    new = next(v for v in done.variants if v.name == "new")
    assert (new.pieces, new.rewarded, new.persona_version) == (6, 6, 2)
    assert new.probability_best > 0.99
    assert done.should_stop is True
    assert done.suggestion.startswith("stop: new is best")
    wins = sum(service.allocate(alice, report.id, seed=s).variant == "new" for s in range(50))
    assert wins > 45  # Thompson sampling sends nearly every new piece to the better one
    with pytest.raises(InputError):
        _piece(service, alice, mine, report.id, "other")
    service.stop_experiment(alice, report.id)
    with pytest.raises(ConflictError):
        service.allocate(alice, report.id)
    with pytest.raises(Exception, match="no experiment"):
        service.experiment_report(bob, report.id)


def test_a_close_race_asks_for_more_pieces(
    service: ContentService, db: Database, owner_ids: tuple[int, int], persona_ids: tuple[int, int]
) -> None:
    alice, _ = owner_ids
    mine, _ = persona_ids
    _two_versions(db, alice, mine)
    spec = ExperimentCreate(
        name="close",
        persona_id=mine,
        platform="x",
        variants=[VariantSpec(name="a", version=1), VariantSpec(name="b", version=2)],
    )
    test = service.create_experiment(alice, spec).id
    for variant, values in (("a", [1.0, 1.3, 0.8]), ("b", [1.1, 1.2, 0.9])):
        for value in values:
            _reward(db, alice, _piece(service, alice, mine, test, variant), value)
    report = service.experiment_report(alice, test)
    assert report.should_stop is False
    assert report.pieces_needed is not None
    assert report.pieces_needed > 3
    assert report.suggestion.startswith("continue: about")


def test_experiments_over_http(client: TestClient, alice: User, bob: User) -> None:
    pid = create_persona(client, alice)["id"]
    changed = client.put(
        f"/api/personas/{pid}", json={"version": 1, "role": "Sharper"}, headers=alice.headers
    )
    assert changed.status_code == 200, changed.text
    body = {
        "name": "roles",
        "persona_id": pid,
        "platform": "linkedin",
        "variants": [{"name": "a", "version": 1}, {"name": "b", "version": 2}],
    }
    created = client.post("/api/content/experiments", json=body, headers=alice.headers)
    assert created.status_code == 201, created.text
    test = created.json()["data"]["id"]
    allocated = client.post(f"/api/content/experiments/{test}/allocate", headers=alice.headers)
    assert allocated.json()["data"]["variant"] == "a"
    kept = client.post(
        "/api/content",
        json={
            "persona_id": pid,
            "platform": "linkedin",
            "text": "t",
            "experiment_id": test,
            "variant": "a",
        },
        headers=alice.headers,
    )
    assert kept.status_code == 201, kept.text
    assert kept.json()["data"]["persona_version"] == 1
    report = client.get(f"/api/content/experiments/{test}", headers=alice.headers).json()["data"]
    assert report["variants"][0]["pieces"] == 1
    assert client.get(f"/api/content/experiments/{test}", headers=bob.headers).status_code == 404
    listed = client.get("/api/content/experiments", headers=alice.headers).json()["data"]
    assert [e["id"] for e in listed] == [test]
