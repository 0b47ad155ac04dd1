"""``/api/account``: the caller's GDPR export and erasure."""

from __future__ import annotations

import numpy as np
import pytest
from fastapi.testclient import TestClient

from personae.store import Database, session_scope
from personae.store import User as UserRow
from personae.vectors import SqliteVecIndex
from tests.api.helpers import User, create_persona, error_of


def test_export_holds_everything_of_the_caller_and_no_secrets(
    client: TestClient, alice: User, bob: User
) -> None:
    pid = create_persona(client, alice, name="mine")["id"]
    client.put(f"/api/personas/{pid}", json={"version": 1, "role": "x"}, headers=alice.headers)
    client.post("/api/auth/keys", json={"name": "ci"}, headers=alice.headers)
    create_persona(client, bob, name="not-mine")
    archive = client.get("/api/account/export", headers=alice.headers)
    assert archive.status_code == 200
    data = archive.json()["data"]
    assert data["user"]["email"] == alice.email
    assert [p["name"] for p in data["personas"]] == ["mine"]
    assert [v["version"] for v in data["personas"][0]["versions"]] == [1, 2]
    assert [k["name"] for k in data["api_keys"]] == ["ci"]
    assert "not-mine" not in archive.text
    assert "password_hash" not in archive.text
    assert "key_hash" not in archive.text
    assert "$argon2" not in archive.text


def test_erasure_removes_the_account_and_its_personas(
    client: TestClient, alice: User, bob: User, db: Database
) -> None:
    pid = create_persona(client, alice, name="mine")["id"]
    assert client.get(f"/api/personas/{pid}", headers=alice.headers).status_code == 200  # cached
    bobs = create_persona(client, bob, name="stays")["id"]
    response = client.delete("/api/account", headers=alice.headers)
    assert response.status_code == 200
    assert response.json()["data"] == {"id": alice.id, "deleted": True}
    with session_scope(db) as session:
        assert session.get(UserRow, alice.id) is None
    after = client.get(f"/api/personas/{pid}", headers=alice.headers)
    assert after.status_code == 401  # not served from the cache: the sign-in ended with it
    assert error_of(after)["code"] == "invalid_token"
    assert client.get("/api/auth/me", headers=alice.headers).status_code == 401
    assert client.get(f"/api/personas/{bobs}", headers=bob.headers).status_code == 200


def test_erasure_removes_the_callers_vectors_too(
    client: TestClient, alice: User, bob: User, db: Database, database_url: str
) -> None:
    if not db.is_sqlite:
        pytest.skip("vectors on PostgreSQL need pgvector (tests/vectors covers erase_owner)")
    index = SqliteVecIndex(database_url, embedder_name="test-embedder", dimension=4)
    index.ensure()
    try:
        vectors = np.eye(4, dtype=np.float32)[:2]
        index.add([1, 2], vectors, [{"owner_id": alice.id}, {"owner_id": bob.id}])
        assert client.delete("/api/account", headers=alice.headers).status_code == 200
        assert index.count({"owner_id": alice.id}) == 0
        assert index.count({"owner_id": bob.id}) == 1
    finally:
        index.close()
