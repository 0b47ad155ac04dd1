"""``/api/personas``: CRUD over HTTP, measured fingerprints, conflicts, owner isolation."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient

from personae.samples import SampleWriter
from personae.store import Database, PersonaCreate, crud, session_scope
from personae.style import StyleProfile
from tests.api.helpers import User, create_persona, error_of


def test_create_read_update_delete(client: TestClient, alice: User) -> None:
    created = create_persona(client, alice, name="ada", context="Writes essays.")
    assert created["version"] == 1
    assert created["owner_id"] == alice.id
    assert created["display_name"] == "ada"
    pid = created["id"]

    read = client.get(f"/api/personas/{pid}", headers=alice.headers)
    assert read.status_code == 200
    assert read.json() == {"success": True, "data": created}

    updated = client.put(
        f"/api/personas/{pid}",
        json={"version": 1, "role": "Essayist", "message": "sharper"},
        headers=alice.headers,
    )
    assert updated.status_code == 200, updated.text
    assert updated.json()["data"]["version"] == 2
    assert updated.json()["data"]["role"] == "Essayist"
    assert (
        client.get(f"/api/personas/{pid}", headers=alice.headers).json()["data"]
        == (updated.json()["data"])
    )

    deleted = client.delete(f"/api/personas/{pid}", headers=alice.headers)
    assert deleted.status_code == 200
    assert deleted.json() == {"success": True, "data": {"id": pid, "deleted": True}}
    gone = client.get(f"/api/personas/{pid}", headers=alice.headers)
    assert gone.status_code == 404
    assert error_of(gone)["code"] == "persona_not_found"


def test_list_is_paginated_and_only_the_callers(client: TestClient, alice: User, bob: User) -> None:
    for name in ("c", "a", "b"):
        create_persona(client, alice, name=name)
    create_persona(client, bob, name="bobs")
    page = client.get("/api/personas?offset=1&limit=1", headers=alice.headers).json()["data"]
    assert page["total"] == 3
    assert (page["offset"], page["limit"]) == (1, 1)
    assert [item["name"] for item in page["items"]] == ["b"]
    assert "system_prompt" not in page["items"][0]  # summaries, not whole personas
    everything = client.get("/api/personas", headers=alice.headers).json()["data"]
    assert [item["name"] for item in everything["items"]] == ["a", "b", "c"]


def test_active_only_filter(client: TestClient, alice: User) -> None:
    create_persona(client, alice, name="on")
    create_persona(client, alice, name="off", is_active=False)
    page = client.get("/api/personas?active_only=true", headers=alice.headers).json()["data"]
    assert [item["name"] for item in page["items"]] == ["on"]
    assert page["total"] == 1


@pytest.mark.parametrize("query", ["limit=0", "limit=101", "offset=-1", "limit=x"])
def test_bad_pagination_is_a_422(client: TestClient, alice: User, query: str) -> None:
    response = client.get(f"/api/personas?{query}", headers=alice.headers)
    assert response.status_code == 422
    assert error_of(response)["details"]["errors"][0]["loc"].startswith("query.")


def test_writing_samples_become_the_measured_fingerprint(
    client: TestClient, alice: User, writers: list[SampleWriter]
) -> None:
    writer = writers[1]
    created = create_persona(
        client,
        alice,
        name="essayist",
        display_name=writer.name,
        writing_samples=list(writer.training),
    )
    expected = json.loads(StyleProfile.from_texts(writer.training, name=writer.name).to_json())
    assert created["linguistic_fingerprint"] == expected
    assert created["linguistic_fingerprint"]["sample_count"] == len(writer.training)


def test_samples_and_a_fingerprint_together_are_refused(
    client: TestClient, alice: User, writers: list[SampleWriter]
) -> None:
    profile = json.loads(StyleProfile.from_texts(writers[0].training, name="x").to_json())
    response = client.post(
        "/api/personas",
        json={"name": "x", "linguistic_fingerprint": profile, "writing_samples": ["Some text."]},
        headers=alice.headers,
    )
    assert response.status_code == 422
    assert error_of(response)["details"]["field"] == "linguistic_fingerprint"


@pytest.mark.parametrize(
    ("sample", "code"),
    [("   ", "empty_text"), ("bin\x00ary", "binary_input"), ("\x01\x02\x03 ab", "binary_input")],
)
def test_an_unmeasurable_sample_is_a_422_naming_it(
    client: TestClient, alice: User, writers: list[SampleWriter], sample: str, code: str
) -> None:
    response = client.post(
        "/api/personas",
        json={"name": "x", "writing_samples": [writers[0].training[0], sample]},
        headers=alice.headers,
    )
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == code
    assert error["details"]["field"] == "writing_samples[1]"
    assert client.get("/api/personas", headers=alice.headers).json()["data"]["total"] == 0


def test_a_forged_fingerprint_is_refused(client: TestClient, alice: User) -> None:
    response = client.post(
        "/api/personas",
        json={"name": "x", "linguistic_fingerprint": {"made": "up"}},
        headers=alice.headers,
    )
    assert response.status_code == 422
    assert "linguistic_fingerprint" in error_of(response)["message"]


def test_duplicate_names_conflict(client: TestClient, alice: User, bob: User) -> None:
    create_persona(client, alice, name="ada")
    again = client.post("/api/personas", json={"name": "ada"}, headers=alice.headers)
    assert again.status_code == 409
    assert error_of(again)["code"] == "duplicate_name"
    create_persona(client, bob, name="ada")  # names are unique per owner only


@pytest.mark.parametrize(
    "body",
    [
        {"name": "bad/name"},
        {"name": "x", "role": "r" * 301},
        {"name": "x", "confidence_score": 1.5},
        {"name": "x", "unknown": 1},
        {"name": "x", "role": "nul\x00"},
        {"name": "x", "expertise": "not a list"},
    ],
)
def test_invalid_fields_are_a_422(client: TestClient, alice: User, body: dict[str, Any]) -> None:
    response = client.post("/api/personas", json=body, headers=alice.headers)
    assert response.status_code == 422
    assert error_of(response)["code"] == "validation_error"


def test_put_needs_the_version_and_refuses_nulls(client: TestClient, alice: User) -> None:
    pid = create_persona(client, alice)["id"]
    no_version = client.put(f"/api/personas/{pid}", json={"role": "x"}, headers=alice.headers)
    assert no_version.status_code == 422
    assert "body.version" in error_of(no_version)["message"]
    nulled = client.put(
        f"/api/personas/{pid}", json={"version": 1, "role": None}, headers=alice.headers
    )
    assert nulled.status_code == 422
    huge = client.put(
        f"/api/personas/{pid}", json={"version": 2**31, "role": "x"}, headers=alice.headers
    )
    assert huge.status_code == 422


def test_a_stale_put_is_a_409_and_writes_nothing(client: TestClient, alice: User) -> None:
    pid = create_persona(client, alice)["id"]
    first = client.put(
        f"/api/personas/{pid}", json={"version": 1, "role": "A"}, headers=alice.headers
    )
    assert first.status_code == 200
    stale = client.put(
        f"/api/personas/{pid}", json={"version": 1, "context": "B"}, headers=alice.headers
    )
    assert stale.status_code == 409
    assert error_of(stale)["details"] == {"persona_id": pid, "expected": 1, "actual": 2}
    now = client.get(f"/api/personas/{pid}", headers=alice.headers).json()["data"]
    assert (now["version"], now["role"], now["context"]) == (2, "A", "")


def test_two_concurrent_puts_with_one_version_one_wins_nothing_is_lost(
    client: TestClient, alice: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    pid = create_persona(client, alice, context="original")["id"]
    both_in_flight = threading.Barrier(2, timeout=30)
    real_update = crud.update_persona

    def update_when_both_arrived(**kwargs: Any) -> Any:
        both_in_flight.wait()  # both requests have authenticated and hold a session
        return real_update(**kwargs)

    monkeypatch.setattr(crud, "update_persona", update_when_both_arrived)

    def put(field: str) -> Any:
        return client.put(
            f"/api/personas/{pid}",
            json={"version": 1, field: f"by {field}", "message": field},
            headers=alice.headers,
        )

    with ThreadPoolExecutor(max_workers=2) as pool:
        responses = list(pool.map(put, ["role", "context"]))
    monkeypatch.setattr(crud, "update_persona", real_update)

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200, 409], [response.text for response in responses]
    winner = next(r for r in responses if r.status_code == 200).json()["data"]
    loser = next(r for r in responses if r.status_code == 409)
    assert error_of(loser)["details"]["actual"] == 2

    now = client.get(f"/api/personas/{pid}", headers=alice.headers).json()["data"]
    assert now == winner
    history = client.get(f"/api/personas/{pid}/versions", headers=alice.headers).json()["data"]
    assert [entry["version"] for entry in history] == [1, 2]

    # The loser re-reads and re-applies: both changes are there, none was lost.
    lost_field = "context" if winner["role"] == "by role" else "role"
    retry = client.put(
        f"/api/personas/{pid}",
        json={"version": now["version"], lost_field: f"by {lost_field}"},
        headers=alice.headers,
    )
    assert retry.status_code == 200
    final = retry.json()["data"]
    assert (final["role"], final["context"], final["version"]) == ("by role", "by context", 3)


def test_delete_with_a_stale_version_is_a_409(client: TestClient, alice: User) -> None:
    pid = create_persona(client, alice)["id"]
    client.put(f"/api/personas/{pid}", json={"version": 1, "role": "x"}, headers=alice.headers)
    stale = client.delete(f"/api/personas/{pid}?version=1", headers=alice.headers)
    assert stale.status_code == 409
    assert client.get(f"/api/personas/{pid}", headers=alice.headers).status_code == 200
    assert client.delete(f"/api/personas/{pid}?version=2", headers=alice.headers).status_code == 200


def test_writes_are_audited(client: TestClient, alice: User, db: Database) -> None:
    from sqlalchemy import select

    from personae.store import AuditLog

    pid = create_persona(client, alice)["id"]
    client.put(f"/api/personas/{pid}", json={"version": 1, "role": "x"}, headers=alice.headers)
    client.delete(f"/api/personas/{pid}", headers=alice.headers)
    with session_scope(db) as session:
        rows = session.execute(
            select(AuditLog.actor_id, AuditLog.action, AuditLog.entity_id).where(
                AuditLog.entity == "persona"
            )
        ).all()
    assert [tuple(row) for row in rows] == [
        (alice.id, "create", str(pid)),
        (alice.id, "update", str(pid)),
        (alice.id, "delete", str(pid)),
    ]


# -- /api/personas/user/{user_id} --------------------------------------------------------


def test_users_list_their_own_personas_by_id(client: TestClient, alice: User) -> None:
    create_persona(client, alice, name="mine")
    response = client.get(f"/api/personas/user/{alice.id}", headers=alice.headers)
    assert response.status_code == 200
    assert [item["name"] for item in response.json()["data"]["items"]] == ["mine"]


def test_another_users_list_is_a_404_for_users(client: TestClient, alice: User, bob: User) -> None:
    create_persona(client, alice, name="secret")
    response = client.get(f"/api/personas/user/{alice.id}", headers=bob.headers)
    assert response.status_code == 404
    assert "secret" not in response.text
    missing = client.get("/api/personas/user/999999", headers=bob.headers)
    assert missing.status_code == 404
    assert error_of(missing)["code"] == error_of(response)["code"]  # indistinguishable


def test_admins_may_list_anyones_personas(client: TestClient, alice: User, admin: User) -> None:
    create_persona(client, alice, name="visible")
    response = client.get(f"/api/personas/user/{alice.id}", headers=admin.headers)
    assert response.status_code == 200
    assert [item["name"] for item in response.json()["data"]["items"]] == ["visible"]
    assert client.get("/api/personas/user/999999", headers=admin.headers).status_code == 404
    # ...but not read them: persona routes stay scoped to the caller.
    pid = response.json()["data"]["items"][0]["id"]
    assert client.get(f"/api/personas/{pid}", headers=admin.headers).status_code == 404


def test_a_demoted_admin_loses_the_power_at_once(
    client: TestClient, alice: User, admin: User, db: Database
) -> None:
    from personae.store import User as UserRow

    with session_scope(db) as session:
        row = session.get(UserRow, admin.id)
        assert row is not None
        row.role = "user"
    response = client.get(f"/api/personas/user/{alice.id}", headers=admin.headers)
    assert response.status_code == 404  # the token still says admin; the store says user
    # A forged claim of admin fails too: the token is signed, and the store is asked.


# -- isolation: every persona route, every method ----------------------------------------

# A valid request for each route under /api/personas/{persona_id}, so that the only thing
# wrong with it is whose persona it names.
PERSONA_ROUTES: dict[tuple[str, str], dict[str, Any]] = {
    ("GET", "/api/personas/{persona_id}"): {},
    ("PUT", "/api/personas/{persona_id}"): {"json": {"version": 1, "role": "hijacked"}},
    ("DELETE", "/api/personas/{persona_id}"): {},
    ("GET", "/api/personas/{persona_id}/versions"): {},
    ("GET", "/api/personas/{persona_id}/versions/{version}"): {},
    ("GET", "/api/personas/{persona_id}/diff"): {"params": {"from": 1, "to": 1}},
    ("POST", "/api/personas/{persona_id}/rollback"): {"json": {"to_version": 1, "version": 1}},
    ("GET", "/api/personas/{persona_id}/labels"): {},
    ("GET", "/api/personas/{persona_id}/labels/{label}"): {},
    ("PUT", "/api/personas/{persona_id}/labels/{label}"): {"json": {"version": 1}},
    ("GET", "/api/personas/{persona_id}/platforms"): {},
    ("GET", "/api/personas/{persona_id}/platform/{platform}"): {},
    ("POST", "/api/personas/{persona_id}/platform/{platform}/optimize"): {},
    ("PUT", "/api/personas/{persona_id}/platform/{platform}"): {
        "json": {"platform_specific_data": {"hijacked": True}}
    },
    ("GET", "/api/personas/{persona_id}/quality"): {},
    ("POST", "/api/personas/{persona_id}/feedback"): {
        "json": {"rating": 1, "edited_text": "Hijacked text " * 10}
    },
    ("GET", "/api/personas/{persona_id}/analytics"): {},
    ("POST", "/api/personas/{persona_id}/match"): {"json": {"text": "Some words here " * 10}},
    ("POST", "/api/personas/{persona_id}/verify"): {"json": {"text": "Some words here " * 10}},
    ("GET", "/api/personas/{persona_id}/card"): {},
    # personae.chat (api/routes/chat.py)
    ("GET", "/api/personas/{persona_id}/traits"): {},
    ("POST", "/api/personas/{persona_id}/traits"): {"json": {"name": "hijacked"}},
    ("GET", "/api/personas/{persona_id}/traits/proposals"): {},
    ("GET", "/api/personas/{persona_id}/traits/{trait_id}"): {},
    ("PATCH", "/api/personas/{persona_id}/traits/{trait_id}"): {"json": {"intensity": 0.1}},
    ("DELETE", "/api/personas/{persona_id}/traits/{trait_id}"): {},
    ("GET", "/api/personas/{persona_id}/memories"): {},
    ("DELETE", "/api/personas/{persona_id}/memories/{memory_id}"): {},
    # the web studio's voice charts (api/routes/studio.py)
    ("GET", "/api/studio/personas/{persona_id}/voice"): {},
    ("POST", "/api/studio/personas/{persona_id}/marks"): {"json": {"text": "Some words. " * 10}},
}


def _persona_routes(client: TestClient) -> set[tuple[str, str]]:
    """Every (method, path) the app documents under a persona id."""
    paths = client.get("/openapi.json").json()["paths"]
    return {
        (method.upper(), path)
        for path, operations in paths.items()
        if "{persona_id}" in path
        for method in operations
    }


def test_the_isolation_table_covers_every_persona_route(client: TestClient) -> None:
    assert _persona_routes(client) == set(PERSONA_ROUTES)


@pytest.fixture
def alices_persona(client: TestClient, alice: User, writers: list[SampleWriter]) -> dict[str, Any]:
    """A persona of Alice's with a voice, a label and a platform adaptation."""
    persona = create_persona(
        client,
        alice,
        name="private",
        context="Alice's secret context",
        writing_samples=list(writers[0].training),
    )
    pid = persona["id"]
    assert (
        client.put(
            f"/api/personas/{pid}/labels/production", json={"version": 1}, headers=alice.headers
        ).status_code
        == 200
    )
    assert (
        client.put(
            f"/api/personas/{pid}/platform/linkedin",
            json={"platform_specific_data": {"tone": "secret"}},
            headers=alice.headers,
        ).status_code
        == 200
    )
    trait = client.post(
        f"/api/personas/{pid}/traits", json={"name": "secretive"}, headers=alice.headers
    )
    assert trait.status_code == 201
    return client.get(f"/api/personas/{pid}", headers=alice.headers).json()["data"]


@pytest.mark.parametrize(("method", "path"), sorted(PERSONA_ROUTES))
def test_another_users_persona_is_a_404_on_every_route(
    client: TestClient,
    alice: User,
    bob: User,
    alices_persona: dict[str, Any],
    method: str,
    path: str,
) -> None:
    pid = alices_persona["id"]
    traits = client.get(f"/api/personas/{pid}/traits", headers=alice.headers).json()["data"]
    url = path.format(
        persona_id=pid,
        version=1,
        label="production",
        platform="linkedin",
        trait_id=traits["traits"][0]["id"],
        memory_id=1,
    )
    options = PERSONA_ROUTES[(method, path)]

    # The same request is fine for the owner (so the 404 is about ownership alone)...
    if method == "GET":
        assert client.request(method, url, headers=alice.headers, **options).status_code == 200

    response = client.request(method, url, headers=bob.headers, **options)
    assert response.status_code == 404, response.text
    assert error_of(response)["code"] in {"persona_not_found", "not_found"}
    assert "secret" not in response.text
    assert "private" not in response.text

    # ...and nothing of Alice's changed.
    after = client.get(f"/api/personas/{pid}", headers=alice.headers)
    assert after.json()["data"] == alices_persona


def test_ids_of_other_users_and_missing_ids_look_the_same(
    client: TestClient, alice: User, bob: User, make_user: Callable[..., User]
) -> None:
    pid = create_persona(client, alice)["id"]
    theirs = client.get(f"/api/personas/{pid}", headers=bob.headers)
    missing = client.get("/api/personas/2147483647", headers=bob.headers)
    assert theirs.status_code == missing.status_code == 404
    assert error_of(theirs)["code"] == error_of(missing)["code"]
    assert error_of(theirs)["message"].replace(str(pid), "N") == error_of(missing)[
        "message"
    ].replace("2147483647", "N")


def test_personas_created_through_the_store_are_served(
    client: TestClient, alice: User, db: Database
) -> None:
    with session_scope(db) as session:
        persona = crud.create_persona(
            session=session, owner_id=alice.id, data=PersonaCreate(name="from-cli")
        )
        pid = persona.id
    response = client.get(f"/api/personas/{pid}", headers=alice.headers)
    assert response.json()["data"]["name"] == "from-cli"


# -- the hot read route ---------------------------------------------------------------


@pytest.mark.parametrize("raw_id", ["0", "00", "01", "1234567890", "99999999999", "x", "-1"])
def test_ids_the_hot_route_does_not_take_get_the_validated_route(
    client: TestClient, alice: User, raw_id: str
) -> None:
    created = create_persona(client, alice, name="ada")
    response = client.get(f"/api/personas/{raw_id}", headers=alice.headers)
    if raw_id.lstrip("0") == str(created["id"]):
        # "01" names persona 1 for the documented route too
        assert response.status_code == 200
        assert response.json()["data"] == created
    elif raw_id == "1234567890":
        assert response.status_code == 404  # within the bounds, just not there
    else:
        assert response.status_code == 422
        assert error_of(response)["code"] == "validation_error"


def test_the_hot_route_serves_gets_and_leaves_other_methods_to_the_routers(
    client: TestClient, alice: User
) -> None:
    from starlette.routing import Match

    from personae.api.routes import HOT_ROUTES

    (hot,) = HOT_ROUTES
    scope = {"type": "http", "path": "/api/personas/12", "method": "GET"}
    assert hot.matches(scope)[0] is Match.FULL
    assert hot.matches({**scope, "method": "PUT"})[0] is Match.PARTIAL
    assert hot.matches({**scope, "path": "/api/personas/012"})[0] is Match.NONE
    # and through the app, the hot route answers like the documented one
    assert client.get("/api/personas/12").status_code == 401
    assert error_of(client.get("/api/personas/12", headers=alice.headers))["code"] == (
        "persona_not_found"
    )


def test_samples_are_measured_once_and_the_profile_parsed_at_most_once(
    client: TestClient, alice: User, writers: list[SampleWriter], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Creating from samples: one measurement, and the measured profile is stored as it
    is, not serialised and parsed back on its way to the store (issue 15)."""
    calls = {"from_texts": 0, "from_json": 0}
    from_texts, from_json = StyleProfile.from_texts.__func__, StyleProfile.from_json.__func__  # type: ignore[attr-defined]

    def counted_texts(cls: type[StyleProfile], *args: Any, **kwargs: Any) -> StyleProfile:
        calls["from_texts"] += 1
        return from_texts(cls, *args, **kwargs)  # type: ignore[no-any-return]

    def counted_json(cls: type[StyleProfile], *args: Any, **kwargs: Any) -> StyleProfile:
        calls["from_json"] += 1
        return from_json(cls, *args, **kwargs)  # type: ignore[no-any-return]

    monkeypatch.setattr(StyleProfile, "from_texts", classmethod(counted_texts))
    monkeypatch.setattr(StyleProfile, "from_json", classmethod(counted_json))
    created = create_persona(
        client, alice, name="measured", writing_samples=list(writers[0].training)
    )
    assert created["linguistic_fingerprint"]["sample_count"] == len(writers[0].training)
    assert calls["from_texts"] == 1
    assert calls["from_json"] <= 1
