"""Persona reads go through the cache, and every write invalidates it after its commit.

The Redis tests build two apps on one database and one Redis namespace, as two workers
would be: a write through one must be seen at once through the other. The outage test
kills a throwaway ``redis-server`` under a running app.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from personae.api import create_app
from personae.api._cache import owner_prefix, persona_key, platform_key
from personae.cache import MemoryCache, RedisCache
from personae.store import Database, PersonaUpdate, crud, session_scope
from tests.api.helpers import User, create_persona, make_settings
from tests.redis_support import RedisServer
from tests.waiting import wait_until


def test_keys_carry_the_owner() -> None:
    assert persona_key(7, 42) == "persona:7:42:doc"
    assert platform_key(7, 42, "blog") == "persona:7:42:platform:blog"
    assert persona_key(7, 42).startswith(owner_prefix(7))
    assert not persona_key(17, 42).startswith(owner_prefix(1))


def test_reads_are_served_from_the_cache(client: TestClient, alice: User) -> None:
    pid = create_persona(client, alice)["id"]
    cache = client.app.state.personae.cache  # type: ignore[attr-defined]
    assert cache.get(persona_key(alice.id, pid)) is None
    first = client.get(f"/api/personas/{pid}", headers=alice.headers)
    cached = cache.get(persona_key(alice.id, pid))
    assert cached is not None
    assert first.json()["data"] == __import__("json").loads(cached)
    # Prove the second read is the cache's: plant a value and see it served.
    cache.set(persona_key(alice.id, pid), b'{"planted": true}')
    assert client.get(f"/api/personas/{pid}", headers=alice.headers).json()["data"] == {
        "planted": True
    }


def test_a_failed_write_leaves_the_cache_alone(client: TestClient, alice: User) -> None:
    pid = create_persona(client, alice)["id"]
    client.get(f"/api/personas/{pid}", headers=alice.headers)
    cache = client.app.state.personae.cache  # type: ignore[attr-defined]
    before = cache.get(persona_key(alice.id, pid))
    stale = client.put(
        f"/api/personas/{pid}", json={"version": 9, "role": "x"}, headers=alice.headers
    )
    assert stale.status_code == 409
    assert cache.get(persona_key(alice.id, pid)) == before


def test_the_cache_is_built_in_the_lifespan_and_closed_after(
    app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    closed: list[str] = []
    monkeypatch.setattr(MemoryCache, "close", lambda self: closed.append("cache"))
    assert not hasattr(app.state, "personae")  # nothing is built by create_app
    with TestClient(app):
        assert isinstance(app.state.personae.cache, MemoryCache)
        assert closed == []
    assert closed == ["cache"]


# -- Redis: two workers, one cache ------------------------------------------------------


def _apps(
    count: int, database_url: str, tmp_path: Path, redis: str, namespace: str
) -> tuple[ExitStack, list[TestClient]]:
    stack = ExitStack()
    clients = []
    for _ in range(count):
        settings = make_settings(database_url, tmp_path, redis_url=redis, redis_namespace=namespace)
        clients.append(stack.enter_context(TestClient(create_app(settings))))
    return stack, clients


@pytest.fixture
def two_workers(
    db: Database, database_url: str, tmp_path: Path, redis_url: str, redis_namespace: str
) -> Iterator[list[TestClient]]:
    stack, clients = _apps(2, database_url, tmp_path, redis_url, redis_namespace)
    with stack:
        yield clients


def test_a_write_through_one_worker_is_read_at_once_through_the_other(
    two_workers: list[TestClient], alice: User
) -> None:
    a, b = two_workers
    assert isinstance(a.app.state.personae.cache, RedisCache)  # type: ignore[attr-defined]
    pid = create_persona(a, alice)["id"]
    version = 1
    for round_ in range(20):
        # Both workers hold the current version in their caches...
        assert (
            b.get(f"/api/personas/{pid}", headers=alice.headers).json()["data"]["version"]
            == version
        )
        assert (
            a.get(f"/api/personas/{pid}", headers=alice.headers).json()["data"]["version"]
            == version
        )
        writer, reader = (a, b) if round_ % 2 == 0 else (b, a)
        response = writer.put(
            f"/api/personas/{pid}",
            json={"version": version, "role": f"round {round_}"},
            headers=alice.headers,
        )
        assert response.status_code == 200
        version += 1
        # ...and the other one serves the new one immediately after the write returned.
        seen = reader.get(f"/api/personas/{pid}", headers=alice.headers).json()["data"]
        assert (seen["version"], seen["role"]) == (version, f"round {round_}")


@pytest.mark.parametrize(
    "write", ["put", "delete", "rollback", "label", "sync", "platform", "feedback"]
)
def test_every_kind_of_write_invalidates_the_other_worker(
    two_workers: list[TestClient], alice: User, write: str
) -> None:
    a, b = two_workers
    h = alice.headers
    pid = create_persona(a, alice, role="before")["id"]
    a.put(f"/api/personas/{pid}", json={"version": 1, "role": "v2"}, headers=h)
    a.put(f"/api/personas/{pid}/platform/blog", json={"quality_metrics": {"q": 1}}, headers=h)
    assert b.get(f"/api/personas/{pid}", headers=h).json()["data"]["version"] == 2
    assert b.get(f"/api/personas/{pid}/platform/blog", headers=h).status_code == 200
    caches = [client.app.state.personae.cache for client in (a, b)]  # type: ignore[attr-defined]

    def held_by_both() -> bool:
        # A worker serves from Redis only while its subscriber's heartbeat is recent; on a
        # loaded machine it can lapse for a moment, and the read then neither serves nor
        # stores. Read again until both hold the entry: the precondition of what follows.
        b.get(f"/api/personas/{pid}", headers=h)
        return all(cache.get(persona_key(alice.id, pid)) is not None for cache in caches)

    assert wait_until(held_by_both)
    if write == "put":
        a.put(f"/api/personas/{pid}", json={"version": 2, "role": "after"}, headers=h)
        assert b.get(f"/api/personas/{pid}", headers=h).json()["data"]["role"] == "after"
    elif write == "delete":
        a.delete(f"/api/personas/{pid}", headers=h)
        assert b.get(f"/api/personas/{pid}", headers=h).status_code == 404
        assert b.get(f"/api/personas/{pid}/platform/blog", headers=h).status_code == 404
    elif write == "rollback":
        a.post(f"/api/personas/{pid}/rollback", json={"to_version": 1, "version": 2}, headers=h)
        assert b.get(f"/api/personas/{pid}", headers=h).json()["data"]["role"] == "before"
    elif write == "label":
        a.put(f"/api/personas/{pid}/labels/production", json={"version": 2}, headers=h)
        assert all(cache.get(persona_key(alice.id, pid)) is None for cache in caches)
        assert b.get(f"/api/personas/{pid}/labels/production", headers=h).status_code == 200
    elif write == "sync":
        a.post(
            "/api/personas/sync",
            json={"personas": [{"name": "analyst", "role": "synced"}]},
            headers=h,
        )
        assert b.get(f"/api/personas/{pid}", headers=h).json()["data"]["role"] == "synced"
    elif write == "platform":
        a.put(f"/api/personas/{pid}/platform/blog", json={"quality_metrics": {"q": 2}}, headers=h)
        blog = b.get(f"/api/personas/{pid}/platform/blog", headers=h).json()["data"]
        assert blog["quality_metrics"] == {"q": 2}
    elif write == "feedback":
        text = "This is the corrected text that the user wrote in their own voice. " * 4
        a.post(f"/api/personas/{pid}/feedback", json={"rating": 4, "edited_text": text}, headers=h)
        seen = b.get(f"/api/personas/{pid}", headers=h).json()["data"]
        assert seen["version"] == 3
        assert seen["linguistic_fingerprint"]["sample_count"] == 1


def test_one_owners_writes_never_touch_anothers_entries(
    two_workers: list[TestClient], alice: User, bob: User
) -> None:
    a, b = two_workers
    alices = create_persona(a, alice)["id"]
    bobs = create_persona(a, bob)["id"]
    assert b.get(f"/api/personas/{alices}", headers=alice.headers).status_code == 200
    assert b.get(f"/api/personas/{alices}", headers=bob.headers).status_code == 404
    assert b.get(f"/api/personas/{bobs}", headers=alice.headers).status_code == 404
    cache = b.app.state.personae.cache  # type: ignore[attr-defined]
    assert cache.get(persona_key(bob.id, alices)) is None  # the 404 cached nothing


def test_reads_survive_redis_dying_mid_test(
    db: Database, database_url: str, tmp_path: Path, throwaway_redis: RedisServer, alice: User
) -> None:
    stack, (a, b) = _apps(2, database_url, tmp_path, throwaway_redis.url, "outage")
    with stack:
        pid = create_persona(a, alice)["id"]
        assert b.get(f"/api/personas/{pid}", headers=alice.headers).status_code == 200

        throwaway_redis.stop()
        for client in (a, b):  # reads go to the database
            read = client.get(f"/api/personas/{pid}", headers=alice.headers)
            assert read.status_code == 200
            assert read.json()["data"]["version"] == 1
        write = a.put(
            f"/api/personas/{pid}", json={"version": 1, "role": "offline"}, headers=alice.headers
        )
        assert write.status_code == 200  # writes never fail for the cache's sake
        seen = b.get(f"/api/personas/{pid}", headers=alice.headers).json()["data"]
        assert (seen["version"], seen["role"]) == (2, "offline")
        assert b.get("/api/health").json()["data"]["redis"] in ("ok", "unavailable")

        throwaway_redis.start()
        # Reads keep trying Redis after each back-off; wait until both workers reach it.
        deadline = time.monotonic() + 15.0
        caches = [client.app.state.personae.cache for client in (a, b)]  # type: ignore[attr-defined]
        while not all(cache.available for cache in caches):
            assert time.monotonic() < deadline, "the workers never reached Redis again"
            for client in (a, b):
                client.get(f"/api/personas/{pid}", headers=alice.headers)
            time.sleep(0.05)
        second = a.put(
            f"/api/personas/{pid}", json={"version": 2, "role": "back"}, headers=alice.headers
        )
        assert second.status_code == 200
        for client in (b, a, b):
            seen = client.get(f"/api/personas/{pid}", headers=alice.headers).json()["data"]
            assert (seen["version"], seen["role"]) == (3, "back")


def test_with_the_cache_disabled_every_read_is_the_databases(
    db: Database, database_url: str, tmp_path: Path, alice: User
) -> None:
    settings = make_settings(database_url, tmp_path, cache_enabled=False)
    with TestClient(create_app(settings)) as client:
        pid = create_persona(client, alice)["id"]
        client.get(f"/api/personas/{pid}", headers=alice.headers)
        cache = client.app.state.personae.cache  # type: ignore[attr-defined]
        assert cache.get(persona_key(alice.id, pid)) is None
        with session_scope(db) as session:  # a write the API never saw
            crud.update_persona(
                session=session,
                owner_id=alice.id,
                persona_id=pid,
                update=PersonaUpdate(version=1, role="behind its back"),
            )
        assert client.get(f"/api/personas/{pid}", headers=alice.headers).json()["data"]["role"] == (
            "behind its back"
        )
