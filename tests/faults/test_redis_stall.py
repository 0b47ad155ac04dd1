"""Cache invalidation survives a stalled Redis (issue 13, finding 3).

With Redis paused (``SIGSTOP``) and resumed, the other worker served 83 stale reads: the
writer's invalidation timed out, its response went out anyway, and once Redis answered
again the old generation was still current there. A worker now serves from the cache
only while its subscriber's heartbeat confirms it has seen every invalidation, and
flushes the namespace after a lapse; a writer whose invalidation timed out waits until
every other worker has lapsed. The test starts its own Redis on a free port.
"""

from __future__ import annotations

import time
from contextlib import ExitStack
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from personae.api import create_app
from personae.cache import RedisCache
from tests.api.helpers import User, create_persona, make_settings
from tests.redis_support import RedisServer, private_redis

__all__ = ["private_redis"]


def test_no_stale_read_after_a_write_returned_while_redis_stalls(
    private_redis: RedisServer, database_url: str, tmp_path: Path, alice: User
) -> None:
    if "postgresql" in database_url:
        pytest.skip("the cache is what is under test; SQLite is enough")
    with ExitStack() as stack:
        a, b = (
            stack.enter_context(
                TestClient(
                    create_app(
                        make_settings(
                            database_url,
                            tmp_path,
                            redis_url=private_redis.url,
                            redis_namespace="stall",
                        )
                    )
                )
            )
            for _ in range(2)
        )
        assert isinstance(a.app.state.personae.cache, RedisCache)  # type: ignore[attr-defined]
        pid = create_persona(a, alice)["id"]
        url, headers = f"/api/personas/{pid}", alice.headers

        acknowledged, stale, errors, rounds = 1, 0, 0, 0

        def write() -> None:
            nonlocal acknowledged, errors
            put = a.put(url, json={"version": acknowledged, "role": "x"}, headers=headers)
            errors += put.status_code >= 500
            if put.status_code == 200:
                acknowledged = put.json()["data"]["version"]

        def read() -> None:
            nonlocal stale, errors
            seen = b.get(url, headers=headers)
            errors += seen.status_code >= 500
            if seen.status_code == 200 and seen.json()["data"]["version"] < acknowledged:
                stale += 1

        # Worker a writes, worker b reads: b never fails an invalidation of its own, so
        # only its heartbeat can tell it that it missed some.
        for _ in range(5):  # b holds the current version in its cache
            write()
            read()
        private_redis.pause()
        stalled = time.monotonic()
        while time.monotonic() - stalled < 1.5:  # writes acknowledged while Redis is frozen
            rounds += 1
            write()
            read()
        private_redis.resume()
        resumed = time.monotonic()
        while time.monotonic() - resumed < 4.0:  # a is quiet; b must not serve old copies
            rounds += 1
            read()
            time.sleep(0.01)
    assert rounds > 10
    assert errors == 0
    assert stale == 0, f"{stale} stale reads in {rounds} rounds"


def test_a_writer_in_back_off_still_invalidates_once_redis_is_back(
    private_redis: RedisServer,
) -> None:
    """The deterministic core of the stall finding, two caches and no HTTP: after a stall
    the writer's circuit breaker stays open for seconds while the reader is back; an
    invalidation then must still reach Redis (or the reader must not trust its copy)."""
    rows = {"persona:1:1:doc": b"v1"}
    writer = RedisCache(private_redis.url, namespace="backoff", retry_interval=5.0)
    reader = RedisCache(private_redis.url, namespace="backoff", retry_interval=0.05)
    try:
        key = "persona:1:1:doc"
        assert reader.get_or_load(key, lambda: rows[key]) == b"v1"
        private_redis.pause()
        rows[key] = b"v2"
        writer.invalidate(key)  # times out: the writer's breaker opens for 5 s
        private_redis.resume()
        deadline = time.monotonic() + 10
        while reader.get_or_load(key, lambda: rows[key]) != b"v2":
            assert time.monotonic() < deadline, "the reader kept serving the replaced value"
            time.sleep(0.05)
        time.sleep(0.2)
        assert reader.get_or_load(key, lambda: rows[key]) == b"v2"  # cached again
        rows[key] = b"v3"
        writer.invalidate(key)  # the writer's breaker is still open
        assert reader.get_or_load(key, lambda: rows[key]) == b"v3"
    finally:
        writer.close()
        reader.close()
