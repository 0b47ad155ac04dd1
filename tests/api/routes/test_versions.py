"""History over HTTP: versions, diff, rollback (a new version) and labels."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.helpers import User, create_persona, error_of


def _persona_at_v3(client: TestClient, user: User) -> int:
    pid = create_persona(client, user, role="v1")["id"]
    for version, role in ((1, "v2"), (2, "v3")):
        response = client.put(
            f"/api/personas/{pid}",
            json={"version": version, "role": role, "message": f"to {role}"},
            headers=user.headers,
        )
        assert response.status_code == 200
    return pid


def test_versions_list_and_read(client: TestClient, alice: User) -> None:
    pid = _persona_at_v3(client, alice)
    history = client.get(f"/api/personas/{pid}/versions", headers=alice.headers).json()["data"]
    assert [(v["version"], v["message"]) for v in history] == [
        (1, "created"),
        (2, "to v2"),
        (3, "to v3"),
    ]
    assert all(v["author_id"] == alice.id for v in history)
    assert "snapshot" not in history[0]
    one = client.get(f"/api/personas/{pid}/versions/2", headers=alice.headers).json()["data"]
    assert one["snapshot"]["role"] == "v2"
    missing = client.get(f"/api/personas/{pid}/versions/9", headers=alice.headers)
    assert missing.status_code == 404
    assert error_of(missing)["code"] == "version_not_found"


def test_diff(client: TestClient, alice: User) -> None:
    pid = _persona_at_v3(client, alice)
    response = client.get(f"/api/personas/{pid}/diff?from=1&to=3", headers=alice.headers)
    assert response.status_code == 200
    assert response.json()["data"] == {
        "persona_id": pid,
        "from_version": 1,
        "to_version": 3,
        "changes": [{"field": "role", "old": "v1", "new": "v3"}],
    }
    assert client.get(f"/api/personas/{pid}/diff?from=1", headers=alice.headers).status_code == 422


def test_rollback_writes_a_new_version_and_is_served_at_once(
    client: TestClient, alice: User
) -> None:
    pid = _persona_at_v3(client, alice)
    assert client.get(f"/api/personas/{pid}", headers=alice.headers).json()["data"]["role"] == "v3"
    response = client.post(
        f"/api/personas/{pid}/rollback",
        json={"to_version": 1, "version": 3, "message": "back to basics"},
        headers=alice.headers,
    )
    assert response.status_code == 200, response.text
    assert (response.json()["data"]["version"], response.json()["data"]["role"]) == (4, "v1")
    now = client.get(f"/api/personas/{pid}", headers=alice.headers).json()["data"]
    assert (now["version"], now["role"]) == (4, "v1")  # the cached v3 is gone
    history = client.get(f"/api/personas/{pid}/versions", headers=alice.headers).json()["data"]
    assert [v["version"] for v in history] == [1, 2, 3, 4]
    assert history[-1]["message"] == "back to basics"


def test_a_stale_rollback_is_a_409(client: TestClient, alice: User) -> None:
    pid = _persona_at_v3(client, alice)
    response = client.post(
        f"/api/personas/{pid}/rollback", json={"to_version": 1, "version": 2}, headers=alice.headers
    )
    assert response.status_code == 409
    assert client.get(f"/api/personas/{pid}", headers=alice.headers).json()["data"]["version"] == 3
    unknown = client.post(
        f"/api/personas/{pid}/rollback", json={"to_version": 7, "version": 3}, headers=alice.headers
    )
    assert unknown.status_code == 404


def test_labels(client: TestClient, alice: User) -> None:
    pid = _persona_at_v3(client, alice)
    put = client.put(
        f"/api/personas/{pid}/labels/production", json={"version": 2}, headers=alice.headers
    )
    assert put.json() == {"success": True, "data": {"label": "production", "version": 2}}
    client.put(f"/api/personas/{pid}/labels/staging", json={"version": 3}, headers=alice.headers)
    labels = client.get(f"/api/personas/{pid}/labels", headers=alice.headers).json()["data"]
    assert labels == [{"label": "production", "version": 2}, {"label": "staging", "version": 3}]
    production = client.get(f"/api/personas/{pid}/labels/production", headers=alice.headers)
    assert production.json()["data"]["snapshot"]["role"] == "v2"
    moved = client.put(
        f"/api/personas/{pid}/labels/production", json={"version": 3}, headers=alice.headers
    )
    assert moved.json()["data"]["version"] == 3
    missing = client.get(f"/api/personas/{pid}/labels/canary", headers=alice.headers)
    assert missing.status_code == 404
    assert error_of(missing)["code"] == "label_not_found"
    no_version = client.put(
        f"/api/personas/{pid}/labels/canary", json={"version": 9}, headers=alice.headers
    )
    assert no_version.status_code == 404
    bad_name = client.put(
        f"/api/personas/{pid}/labels/Not%20Valid", json={"version": 1}, headers=alice.headers
    )
    assert bad_name.status_code == 422
