"""Definitions sync and export over HTTP: idempotent, all-or-nothing, cache-coherent."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from personae.errors import StoreError
from personae.store import crud
from tests.api.helpers import User, create_persona, error_of

DEFINITIONS = {
    "personas": [
        {"name": "analyst", "display_name": "Data Analyst", "role": "Finds patterns"},
        {"name": "writer", "role": "Writes", "expertise": ["prose", "essays"]},
    ]
}
G1 = {"analyst": {"name": "Data Analyst", "role": "Finds patterns", "system_prompt": "Be exact."}}


def _sync(client: TestClient, user: User, body: Any, query: str = "", **kwargs: Any):
    if isinstance(body, (bytes, str)):
        return client.post(
            f"/api/personas/sync{query}", content=body, headers=user.headers | kwargs
        )
    return client.post(f"/api/personas/sync{query}", json=body, headers=user.headers)


def test_sync_creates_then_changes_nothing(client: TestClient, alice: User) -> None:
    first = _sync(client, alice, DEFINITIONS)
    assert first.status_code == 200, first.text
    assert first.json()["data"]["created"] == ["analyst", "writer"]
    second = _sync(client, alice, DEFINITIONS).json()["data"]
    assert (second["created"], second["updated"], second["unchanged"]) == (
        [],
        {},
        ["analyst", "writer"],
    )
    names = client.get("/api/personas", headers=alice.headers).json()["data"]["items"]
    assert [p["name"] for p in names] == ["analyst", "writer"]


def test_sync_reads_yaml_and_the_g1_layout(client: TestClient, alice: User) -> None:
    response = _sync(client, alice, yaml.safe_dump(G1), **{"content-type": "application/yaml"})
    assert response.status_code == 200, response.text
    assert response.json()["data"]["created"] == ["analyst"]
    page = client.get("/api/personas", headers=alice.headers).json()["data"]
    assert page["items"][0]["display_name"] == "Data Analyst"


def test_a_sync_update_is_served_at_once(client: TestClient, alice: User) -> None:
    _sync(client, alice, DEFINITIONS)
    pid = client.get("/api/personas", headers=alice.headers).json()["data"]["items"][0]["id"]
    assert client.get(f"/api/personas/{pid}", headers=alice.headers).json()["data"]["role"] == (
        "Finds patterns"
    )  # now cached
    changed = {"personas": [{"name": "analyst", "role": "Explains patterns"}]}
    report = _sync(client, alice, changed).json()["data"]
    assert list(report["updated"]) == ["analyst"]
    now = client.get(f"/api/personas/{pid}", headers=alice.headers).json()["data"]
    assert (now["role"], now["version"]) == ("Explains patterns", 2)


def test_dry_run_and_prune(client: TestClient, alice: User) -> None:
    _sync(client, alice, DEFINITIONS)
    only_writer = {"personas": [DEFINITIONS["personas"][1]]}
    dry = _sync(client, alice, only_writer, "?prune=true&dry_run=true").json()["data"]
    assert (dry["dry_run"], dry["deactivated"]) == (True, ["analyst"])
    active = client.get("/api/personas?active_only=true", headers=alice.headers).json()["data"]
    assert active["total"] == 2
    real = _sync(client, alice, only_writer, "?prune=true").json()["data"]
    assert real["deactivated"] == ["analyst"]
    active = client.get("/api/personas?active_only=true", headers=alice.headers).json()["data"]
    assert [p["name"] for p in active["items"]] == ["writer"]


def test_invalid_entries_are_reported_or_refuse_the_file(client: TestClient, alice: User) -> None:
    data = {"personas": [{"name": "ok"}, {"name": "bad/name"}]}
    lenient = _sync(client, alice, data).json()["data"]
    assert lenient["created"] == ["ok"]
    assert lenient["invalid"][0]["path"] == "personas[1].name"
    strict = _sync(
        client, alice, {"personas": [{"name": "also-ok"}, {"name": "bad/name"}]}, "?strict=true"
    )
    assert strict.status_code == 422
    error = error_of(strict)
    assert error["code"] == "invalid_definition"
    assert error["details"]["issues"][0]["path"] == "personas[1].name"
    names = [
        p["name"]
        for p in client.get("/api/personas", headers=alice.headers).json()["data"]["items"]
    ]
    assert names == ["ok"]  # nothing of the refused file was written


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"{not json", "application/json"),
        (b"[1, 2]", "application/json"),
        (b"\xff\xfe\x00", "application/json"),
        (b"a: [unclosed", "application/yaml"),
        (b'{"personas": [], "extra": 1}', "application/json"),
    ],
)
def test_files_that_are_not_definitions_are_a_422(
    client: TestClient, alice: User, body: bytes, content_type: str
) -> None:
    response = _sync(client, alice, body, **{"content-type": content_type})
    assert response.status_code == 422
    assert error_of(response)["code"] == "sync_error"


def test_a_failure_half_way_rolls_the_whole_sync_back(
    client: TestClient, alice: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    create_persona(client, alice, name="analyst", role="Old role")
    real_create = crud.create_persona

    def fail_on_the_writer(**kwargs: Any) -> Any:
        if kwargs["data"].name == "writer":
            raise StoreError("the database went away")
        return real_create(**kwargs)

    monkeypatch.setattr(crud, "create_persona", fail_on_the_writer)
    response = _sync(client, alice, DEFINITIONS)
    monkeypatch.setattr(crud, "create_persona", real_create)
    assert response.status_code == 503
    assert error_of(response)["code"] == "store_unavailable"
    personas = client.get("/api/personas", headers=alice.headers).json()["data"]["items"]
    assert [(p["name"], p["role"], p["version"]) for p in personas] == [("analyst", "Old role", 1)]


def test_export_round_trips(client: TestClient, alice: User, bob: User) -> None:
    _sync(client, alice, DEFINITIONS)
    create_persona(client, bob, name="bobs")
    exported = client.get("/api/personas/export", headers=alice.headers).json()["data"]
    assert [p["name"] for p in exported["personas"]] == ["analyst", "writer"]
    again = _sync(client, alice, exported).json()["data"]
    assert again["created"] == again["deactivated"] == []
    assert again["updated"] == {}
    g1 = client.get("/api/personas/export?layout=g1", headers=alice.headers).json()["data"]
    assert g1["analyst"]["name"] == "Data Analyst"
    assert client.get("/api/personas/export?layout=xml", headers=alice.headers).status_code == 422


def test_yaml_values_json_cannot_hold_are_reported_not_a_500(
    client: TestClient, alice: User
) -> None:
    text = "personas:\n  - name: dated\n    tonal_range: {since: 2024-01-01, 1: x}\n"
    response = _sync(client, alice, text, **{"content-type": "application/yaml"})
    assert response.status_code == 200
    report = response.json()["data"]
    # The bad field is left out and reported; the rest of the persona is synced.
    assert report["created"] == ["dated"]
    assert report["invalid"][0]["path"].startswith("personas[0].tonal_range")
    assert report["invalid"][0]["message"].startswith("field ignored")
