"""``/api/health``: no credentials, 200 with the database, 503 without it."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from personae.api import create_app
from personae.store import Database
from tests.api.helpers import error_of, make_settings
from tests.redis_support import free_port


def test_health_needs_no_credentials(client: TestClient) -> None:
    response = client.get("/api/health")
    assert response.status_code == 200
    assert response.json()["data"] == {
        "status": "ok",
        "version": "0.1.0",
        "database": "ok",
        "cache": "memory",
        "redis": None,
    }


def test_health_is_a_503_when_the_database_is_gone(client: TestClient) -> None:
    state = client.app.state.personae  # type: ignore[attr-defined]
    working = state.database
    state.database = Database(f"postgresql+psycopg://nobody@127.0.0.1:{free_port()}/none")
    try:
        response = client.get("/api/health")
    finally:
        state.database.dispose()
        state.database = working
    assert response.status_code == 503
    assert error_of(response)["code"] == "store_unavailable"


def test_health_names_the_cache_in_use(
    db: Database, database_url: str, tmp_path: Path, redis_url: str, redis_namespace: str
) -> None:
    for options, kind, redis in [
        ({"cache_enabled": False}, "none", None),
        ({"redis_url": redis_url, "redis_namespace": redis_namespace}, "redis", "ok"),
    ]:
        with TestClient(create_app(make_settings(database_url, tmp_path, **options))) as client:
            client.get("/api/health")  # the first call reaches Redis
            data = client.get("/api/health").json()["data"]
            assert (data["cache"], data["redis"]) == (kind, redis)
