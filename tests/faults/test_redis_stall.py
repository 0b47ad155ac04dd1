"""Cache invalidation survives a stalled Redis (issue 13, finding 3).

With Redis paused (``SIGSTOP``) and resumed, the other worker served 83 stale reads: the
writer's invalidation timed out, its response went out anyway, and once Redis answered
again the old generation was still current there. A worker now serves from the cache
only while its subscriber's heartbeat confirms it has seen every invalidation, and
flushes the namespace after a lapse; a writer whose invalidation timed out waits until
every other worker has lapsed. The test starts its own Redis on a free port.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from personae.api import create_app
from personae.cache import RedisCache
from tests.api.helpers import User, create_persona, make_settings
from tests.redis_support import REDIS_SERVER, RedisServer


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[RedisServer]:
    if REDIS_SERVER is None:
        pytest.skip("redis-server is not installed")
    server = RedisServer(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.resume()
        server.stop()


def test_no_stale_read_after_a_write_returned_while_redis_stalls(
    own_redis: RedisServer, database_url: str, tmp_path: Path, alice: User
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
                            redis_url=own_redis.url,
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

        def stall() -> None:
            time.sleep(0.5)
            own_redis.pause()
            time.sleep(2.0)
            own_redis.resume()

        # Worker a writes, worker b reads: b never fails an invalidation of its own, so
        # only the heartbeat can tell it that it missed some.
        staller = threading.Thread(target=stall)
        acknowledged, stale, errors, rounds = 1, 0, 0, 0
        started = time.monotonic()
        background_stale: list[int] = []

        def hammer() -> None:
            # Reads on b all along, so b's link goes down (and comes back) on its own clock.
            while time.monotonic() - started < 6.0:
                floor = acknowledged
                seen = b.get(url, headers=headers)
                if seen.status_code == 200 and seen.json()["data"]["version"] < floor:
                    background_stale.append(seen.json()["data"]["version"])

        reader = threading.Thread(target=hammer)
        staller.start()
        reader.start()
        while time.monotonic() - started < 6.0:
            rounds += 1
            put = a.put(url, json={"version": acknowledged, "role": f"r{rounds}"}, headers=headers)
            errors += put.status_code >= 500
            if put.status_code == 200:
                acknowledged = put.json()["data"]["version"]
            for _ in range(5):  # the other worker, right after the write returned
                seen = b.get(url, headers=headers)
                errors += seen.status_code >= 500
                if seen.status_code == 200 and seen.json()["data"]["version"] < acknowledged:
                    stale += 1
        staller.join()
        reader.join()
    stale += len(background_stale)
    assert rounds > 10
    assert errors == 0
    assert stale == 0, f"{stale} stale reads in {rounds} rounds"
