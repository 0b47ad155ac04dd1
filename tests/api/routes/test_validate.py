"""Platforms and content validation over HTTP: rules, computed metrics, stored results."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from personae.api import create_app
from personae.persona import available_platforms
from personae.samples import SampleWriter
from personae.store import Database, crud, session_scope
from tests.api.helpers import User, create_persona, error_of, make_settings

LONG_POST = " ".join(f"Sentence number {n} says something about shipping." for n in range(20))


def _data(response: Any) -> Any:
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["success"] is True
    return body["data"]


def _founder(writers: list[SampleWriter]) -> SampleWriter:
    return next(w for w in writers if w.key == "founder")


# -- platforms ----------------------------------------------------------------------------


def test_list_platforms_with_their_constraints(client: TestClient, alice: User) -> None:
    data = _data(client.get("/api/platforms", headers=alice.headers))
    assert [p["name"] for p in data] == [p.name for p in available_platforms()]
    x = next(p for p in data if p["name"] == "x")
    assert x["constraints"]["length"]["max_chars"] == 280
    assert x["constraints"]["length"]["counting"] == "weighted"
    assert x["constraints"]["links"]["counted_as"] == 23
    assert x["aliases"] == ["twitter"]
    assert any("280" in line for line in x["prompt_guidance"])
    assert {"name": "shorten", "rules": ["length.max_chars"]}.items() <= next(
        s for s in x["strategies"] if s["name"] == "shorten"
    ).items()


def test_read_one_platform_by_name_or_alias(client: TestClient, alice: User) -> None:
    data = _data(client.get("/api/platforms/twitter", headers=alice.headers))
    assert data["name"] == "x"
    missing = client.get("/api/platforms/myspace", headers=alice.headers)
    assert missing.status_code == 404
    error = error_of(missing)
    assert error["code"] == "unknown_platform"
    assert error["details"]["known"] == [p.name for p in available_platforms()]


# -- POST /api/personas/{platform}/validate -----------------------------------------------


def test_a_text_that_fits_passes(client: TestClient, alice: User) -> None:
    data = _data(
        client.post(
            "/api/personas/x/validate", json={"text": "Ship small. #build"}, headers=alice.headers
        )
    )
    assert data["platform"] == "x"
    assert data["passed"] is True
    assert data["platform_optimization_quality"] == 1.0
    assert all(rule["passed"] for rule in data["rules"])
    assert data["fixed_text"] is None


def test_a_text_that_breaks_rules_fails_and_can_be_fixed(client: TestClient, alice: User) -> None:
    text = LONG_POST + "\n\n#a #b #c #d"
    data = _data(
        client.post(
            "/api/personas/x/validate", json={"text": text, "fix": True}, headers=alice.headers
        )
    )
    assert data["passed"] is False
    failed = {r["rule_id"]: r for r in data["rules"] if not r["passed"]}
    assert failed["length.max_chars"]["severity"] == "error"
    assert failed["length.max_chars"]["limit"] == 280
    assert failed["length.max_chars"]["measured"] == data["measures"]["length"]
    assert failed["hashtags.recommended"]["limit"] == {"min": None, "max": 2}
    assert data["platform_optimization_quality"] < 0.4
    assert set(data["fixable"]) == {"trim_hashtags", "shorten"}
    assert data["fixed_report"]["passed"] is True
    assert data["fixed_report"]["measures"]["length"] <= 280
    assert data["fixed_text"].startswith("Sentence number 0")


def test_platform_names_are_case_insensitive_in_the_registry_but_not_in_the_path(
    client: TestClient, alice: User
) -> None:
    ok = client.post("/api/personas/twitter/validate", json={"text": "hi"}, headers=alice.headers)
    assert _data(ok)["platform"] == "x"
    upper = client.post(
        "/api/personas/LinkedIn/validate", json={"text": "hi"}, headers=alice.headers
    )
    assert upper.status_code == 422


def test_an_unknown_platform_is_a_404_listing_the_known(client: TestClient, alice: User) -> None:
    response = client.post(
        "/api/personas/myspace/validate", json={"text": "hi"}, headers=alice.headers
    )
    assert response.status_code == 404
    error = error_of(response)
    assert error["code"] == "unknown_platform"
    assert error["details"] == {
        "platform": "myspace",
        "known": [p.name for p in available_platforms()],
    }


def test_the_validate_route_is_not_shadowed_by_persona_routes(
    client: TestClient, alice: User
) -> None:
    pid = create_persona(client, alice)["id"]
    # A persona id where the platform goes is an unknown platform, not a persona route.
    by_id = client.post(f"/api/personas/{pid}/validate", json={"text": "hi"}, headers=alice.headers)
    assert by_id.status_code == 404
    assert error_of(by_id)["code"] == "unknown_platform"
    # Persona routes still work beside it.
    assert client.get(f"/api/personas/{pid}", headers=alice.headers).status_code == 200
    assert client.get(f"/api/personas/{pid}/platforms", headers=alice.headers).status_code == 200
    # Only POST is defined on the validate path.
    assert client.get("/api/personas/linkedin/validate", headers=alice.headers).status_code == 405


# -- POST /api/content/validate -----------------------------------------------------------


def test_content_without_a_persona_is_scored_and_not_stored(
    client: TestClient, alice: User
) -> None:
    data = _data(
        client.post(
            "/api/content/validate",
            json={"text": LONG_POST, "platform": "x"},
            headers=alice.headers,
        )
    )
    assert data["validation_id"] is None
    report = data["report"]
    assert report["platform"] == "x"
    assert report["authenticity_score"] is None
    assert report["platform_optimization_quality"] <= 0.4
    assert report["weakest_dimensions"][0] == "platform_optimization_quality"
    assert report["improvement_suggestions"][0]["dimension"] == "length.max_chars"


def test_content_in_a_personas_voice_is_scored_and_stored(
    client: TestClient, alice: User, writers: list[SampleWriter]
) -> None:
    founder = _founder(writers)
    pid = create_persona(
        client,
        alice,
        writing_samples=list(founder.training),
        stylistic_constraints={"lexical_features": {"avoid_words": ["synergy"]}},
    )["id"]
    data = _data(
        client.post(
            "/api/content/validate",
            json={"text": founder.held_out, "persona_id": pid, "platform": "linkedin"},
            headers=alice.headers,
        )
    )
    report = data["report"]
    assert isinstance(data["validation_id"], int)
    assert 0.0 < report["authenticity_score"] <= 1.0
    assert report["consistency_score"] == 1.0  # never says "synergy"
    assert report["platform_optimization_quality"] == 1.0

    quality = _data(client.get(f"/api/personas/{pid}/quality", headers=alice.headers))
    stored = quality["validation_results"]
    assert [row["id"] for row in stored] == [data["validation_id"]]
    assert stored[0]["validation_status"] == "passed"
    assert stored[0]["metrics"]["validation_type"] == "content_quality"
    assert stored[0]["metrics"]["persona_version"] == 1
    assert stored[0]["metrics"]["overall_quality_score"] == report["overall_quality_score"]


def test_a_failed_platform_check_is_stored_as_failed(client: TestClient, alice: User) -> None:
    pid = create_persona(client, alice)["id"]
    data = _data(
        client.post(
            "/api/content/validate",
            json={"text": LONG_POST, "persona_id": pid, "platform": "x"},
            headers=alice.headers,
        )
    )
    assert "the persona has no measured voice yet" in data["report"]["notes"]
    quality = _data(client.get(f"/api/personas/{pid}/quality", headers=alice.headers))
    assert quality["validation_results"][0]["validation_status"] == "failed"


def test_another_users_persona_is_a_404_and_nothing_is_stored(
    client: TestClient, alice: User, bob: User, db: Database
) -> None:
    pid = create_persona(client, alice)["id"]
    response = client.post(
        "/api/content/validate",
        json={"text": LONG_POST, "persona_id": pid},
        headers=bob.headers,
    )
    assert response.status_code == 404
    assert error_of(response)["code"] == "persona_not_found"
    with session_scope(db) as session:
        rows = crud.list_validation_results(session=session, owner_id=alice.id, persona_id=pid)
        assert rows == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "body.text"),
        ({"text": "hi", "extra": 1}, "body.extra"),
        ({"text": "hi", "persona_id": 0}, "body.persona_id"),
        ({"text": "hi", "persona_id": 2**31}, "body.persona_id"),
        ({"text": "hi", "platform": "a:b"}, "body.platform"),
        ({"text": "nul\x00"}, "body.text"),
        ({"text": 42}, "body.text"),
    ],
)
def test_bad_bodies_are_422(
    client: TestClient, alice: User, body: dict[str, Any], field: str
) -> None:
    response = client.post("/api/content/validate", json=body, headers=alice.headers)
    assert response.status_code == 422, response.text
    assert field in response.text


def test_texts_personae_cannot_measure_are_422(client: TestClient, alice: User) -> None:
    empty = client.post("/api/content/validate", json={"text": "   "}, headers=alice.headers)
    assert empty.status_code == 422
    assert error_of(empty)["code"] == "empty_text"
    unknown = client.post(
        "/api/content/validate", json={"text": "hi", "platform": "myspace"}, headers=alice.headers
    )
    assert unknown.status_code == 404
    assert error_of(unknown)["code"] == "unknown_platform"


def test_oversize_texts_are_refused(
    database_url: str, db: Database, tmp_path: Path, alice: User
) -> None:
    settings = make_settings(database_url, tmp_path, max_text_chars=100)
    with TestClient(create_app(settings)) as client:
        for url in ("/api/content/validate", "/api/personas/x/validate"):
            response = client.post(url, json={"text": "word " * 50}, headers=alice.headers)
            assert response.status_code == 422
            assert error_of(response)["code"] == "text_too_large"


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("GET", "/api/platforms"),
        ("GET", "/api/platforms/x"),
        ("POST", "/api/personas/x/validate"),
        ("POST", "/api/content/validate"),
    ],
)
def test_every_route_needs_a_signed_in_caller(client: TestClient, method: str, url: str) -> None:
    response = client.request(method, url, json={"text": "hi"})
    assert response.status_code == 401
    assert error_of(response)["code"] == "unauthenticated"


# -- platform adaptations use the registry --------------------------------------------------


def test_adaptations_are_stored_for_installed_platforms_only(
    client: TestClient, alice: User
) -> None:
    pid = create_persona(client, alice)["id"]
    unknown = client.put(f"/api/personas/{pid}/platform/myspace", json={}, headers=alice.headers)
    assert unknown.status_code == 404
    assert error_of(unknown)["code"] == "unknown_platform"
    # An alias is stored under the platform's own name, and read back by either.
    put = client.put(
        f"/api/personas/{pid}/platform/twitter",
        json={"quality_metrics": {"q": 0.5}},
        headers=alice.headers,
    )
    assert _data(put)["platform"] == "x"
    for name in ("x", "twitter"):
        read = _data(client.get(f"/api/personas/{pid}/platform/{name}", headers=alice.headers))
        assert read["quality_metrics"] == {"q": 0.5}
