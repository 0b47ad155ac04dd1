"""RedisCache: shared values, invalidation that holds at once everywhere, outages.

Most tests need ``PERSONAE_TEST_REDIS_URL``; the outage tests also start a throwaway
``redis-server`` they can kill. Tests against a port where nothing listens need neither.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator

import pytest
import redis

from personae.cache import Cache, RedisCache
from tests.doubles import FakeClock
from tests.redis_support import RedisServer, free_port

KEY = "persona:1:7"


class Database:
    """The source of truth: a dict, with a count of loads."""

    def __init__(self) -> None:
        self.rows: dict[str, bytes] = {}
        self.loads = 0

    def loader(self, key: str) -> Callable[[], bytes]:
        def load() -> bytes:
            self.loads += 1
            return self.rows[key]

        return load


@pytest.fixture
def db() -> Database:
    database = Database()
    database.rows[KEY] = b"v1"
    return database


@pytest.fixture
def make_cache() -> Iterator[Callable[..., RedisCache]]:
    """Build RedisCaches that are closed after the test."""
    made: list[RedisCache] = []

    def make(url: str, **options: object) -> RedisCache:
        cache = RedisCache(url, **options)  # type: ignore[arg-type]
        made.append(cache)
        return cache

    yield make
    for cache in made:
        cache.close()


@pytest.fixture
def pair(
    redis_url: str, redis_namespace: str, make_cache: Callable[..., RedisCache]
) -> tuple[RedisCache, RedisCache]:
    """Two instances on one Redis, as two workers would have."""
    return make_cache(redis_url, namespace=redis_namespace), make_cache(
        redis_url, namespace=redis_namespace
    )


def _wait_for(condition: Callable[[], bool], seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def _subscribers(url: str, channel: str) -> int:
    client = redis.Redis.from_url(url)
    try:
        return int(dict(client.pubsub_numsub(channel))[channel.encode()])
    finally:
        client.close()


# -- sharing ---------------------------------------------------------------------------


def test_is_a_cache(pair: tuple[RedisCache, RedisCache]) -> None:
    assert isinstance(pair[0], Cache)


def test_a_value_loaded_by_one_worker_is_served_to_another(
    pair: tuple[RedisCache, RedisCache], db: Database
) -> None:
    a, b = pair
    assert a.get_or_load(KEY, db.loader(KEY)) == b"v1"
    assert b.get_or_load(KEY, db.loader(KEY)) == b"v1"
    assert a.get_or_load(KEY, db.loader(KEY)) == b"v1"
    assert db.loads == 1


def test_set_and_get_round_trip_any_bytes(pair: tuple[RedisCache, RedisCache]) -> None:
    a, b = pair
    value = b'{"text": "line one\nline two"}\x00\xff'
    a.set(KEY, value)
    assert b.get(KEY) == value
    assert a.get(KEY) == value
    assert b.get("persona:1:8") is None


def test_values_expire_in_redis_after_their_ttl(
    pair: tuple[RedisCache, RedisCache], redis_url: str, redis_namespace: str
) -> None:
    a, _ = pair
    a.set(KEY, b"v", ttl=30)
    client = redis.Redis.from_url(redis_url)
    try:
        assert 0 < client.pttl(f"{redis_namespace}:d:{KEY}") <= 30_000
    finally:
        client.close()


# -- the guarantee: once invalidate() returns, nobody serves the old value ---------------


def test_no_worker_serves_the_old_value_once_invalidate_returns(
    pair: tuple[RedisCache, RedisCache], db: Database
) -> None:
    a, b = pair
    held_locally = 0
    for version in range(2, 52):
        assert a.get_or_load(KEY, db.loader(KEY)) == db.rows[KEY]
        assert b.get_or_load(KEY, db.loader(KEY)) == db.rows[KEY]
        # a's next read could come from its own memory. Not asserted every round: the
        # previous round's pub/sub message may reach a after this load and drop it.
        held_locally += KEY in a._local

        db.rows[KEY] = f"v{version}".encode()  # the write commits ...
        b.invalidate(KEY)  # ... and invalidates; no waiting for pub/sub after this

        assert a.get(KEY) is None
        assert a.get_or_load(KEY, db.loader(KEY)) == db.rows[KEY]
        assert b.get(KEY) == db.rows[KEY]
    assert held_locally >= 25  # the local layer was really in play


def test_a_load_that_raced_a_write_is_never_cached(
    pair: tuple[RedisCache, RedisCache], db: Database
) -> None:
    a, b = pair

    def load_then_get_overtaken() -> bytes:
        value = db.rows[KEY]  # a reads the old row ...
        db.rows[KEY] = b"v2"  # ... b's write commits ...
        b.invalidate(KEY)  # ... and b invalidates, all before a's load returns
        return value

    assert a.get_or_load(KEY, load_then_get_overtaken) == b"v1"
    assert a.get(KEY) is None
    assert b.get(KEY) is None
    assert b.get_or_load(KEY, db.loader(KEY)) == b"v2"
    assert a.get(KEY) == b"v2"


def test_invalidate_prefix_reaches_every_key_under_it(
    pair: tuple[RedisCache, RedisCache],
) -> None:
    a, b = pair
    for key in ("persona:1:7", "persona:1:name:ada", "persona:12:7"):
        a.set(key, b"v")
        assert a.get(key) == b"v"
    b.invalidate_prefix("persona:1:")
    assert a.get("persona:1:7") is None
    assert a.get("persona:1:name:ada") is None
    assert a.get("persona:12:7") == b"v"


def test_clear_reaches_every_worker(pair: tuple[RedisCache, RedisCache]) -> None:
    a, b = pair
    a.set("persona:1:7", b"v")
    a.set("user:3", b"w")
    assert a.get("user:3") == b"w"
    b.clear()
    assert a.get("persona:1:7") is None
    assert a.get("user:3") is None


def test_other_namespaces_are_untouched(
    redis_url: str, redis_namespace: str, make_cache: Callable[..., RedisCache]
) -> None:
    mine = make_cache(redis_url, namespace=redis_namespace)
    theirs = make_cache(redis_url, namespace=f"{redis_namespace}-other")
    try:
        mine.set(KEY, b"mine")
        theirs.set(KEY, b"theirs")
        theirs.clear()
        assert mine.get(KEY) == b"mine"
    finally:
        theirs.invalidate(KEY)
        client = redis.Redis.from_url(redis_url)
        keys = list(client.scan_iter(match=f"{redis_namespace}-other:*"))
        if keys:
            client.delete(*keys)
        client.close()


def test_pub_sub_drops_local_copies_in_other_workers(
    pair: tuple[RedisCache, RedisCache], redis_url: str, db: Database
) -> None:
    a, b = pair
    assert _wait_for(lambda: _subscribers(redis_url, a.channel) >= 2)
    a.get_or_load(KEY, db.loader(KEY))
    assert KEY in a._local
    b.invalidate(KEY)
    # Memory hygiene only (reads are already safe, see above): eventually, not at once.
    assert _wait_for(lambda: KEY not in a._local)


# -- outages ---------------------------------------------------------------------------


def test_an_unreachable_redis_means_reads_from_the_loader_and_no_errors(
    make_cache: Callable[..., RedisCache], db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    cache = make_cache(f"redis://127.0.0.1:{free_port()}/0", namespace="down")
    with caplog.at_level(logging.WARNING, logger="personae"):
        for _ in range(3):
            assert cache.get_or_load(KEY, db.loader(KEY)) == b"v1"
        cache.set(KEY, b"x")
        assert cache.get(KEY) is None
        cache.invalidate(KEY)
        cache.invalidate_prefix("persona:1:")
        cache.clear()
    assert db.loads == 3
    assert not cache.available
    outage_lines = [r for r in caplog.records if "unreachable" in r.getMessage()]
    assert len(outage_lines) == 1  # one line per outage, not one per request


def test_redis_killed_mid_test_then_back_reconnects_by_itself(
    throwaway_redis: RedisServer, make_cache: Callable[..., RedisCache], db: Database
) -> None:
    clock = FakeClock()
    options = {
        "namespace": "outage",
        "clock": clock,
        "retry_interval": 0.05,
        "max_retry_interval": 0.2,
    }
    a = make_cache(throwaway_redis.url, **options)
    assert a.get_or_load(KEY, db.loader(KEY)) == b"v1"
    assert a.get_or_load(KEY, db.loader(KEY)) == b"v1"
    assert db.loads == 1

    throwaway_redis.stop()
    db.rows[KEY] = b"v2"
    assert a.get_or_load(KEY, db.loader(KEY)) == b"v2"  # the database, not a stale copy
    assert a.get(KEY) is None
    a.invalidate(KEY)  # the write path does not fail
    a.set(KEY, b"x")
    assert not a.available
    assert a.get_or_load(KEY, db.loader(KEY)) == b"v2"
    assert db.loads == 3

    throwaway_redis.start()
    clock.advance(1)  # past the back-off
    db.rows[KEY] = b"v3"
    assert a.get_or_load(KEY, db.loader(KEY)) == b"v3"
    assert a.available
    # Served from the cache again once the subscriber's heartbeat confirms it is current.
    assert _wait_for(lambda: a.confirmed)
    assert a.get_or_load(KEY, db.loader(KEY)) == b"v3"
    loads = db.loads
    assert a.get_or_load(KEY, db.loader(KEY)) == b"v3"
    assert db.loads == loads  # cached again

    b = make_cache(throwaway_redis.url, **options)
    # A new instance trusts nothing it did not see invalidated: it flushes the namespace
    # once, at its first heartbeat. What is cached after that is shared.
    assert _wait_for(lambda: b.confirmed and a.confirmed)
    assert a.get_or_load(KEY, db.loader(KEY)) == b"v3"
    assert b.get(KEY) == b"v3"  # shared through the restarted Redis
    # The subscriber thread reconnects too.
    assert _wait_for(lambda: _subscribers(throwaway_redis.url, a.channel) >= 2)


def test_an_invalidation_lost_to_an_outage_flushes_everything_once_back(
    redis_url: str,
    redis_namespace: str,
    make_cache: Callable[..., RedisCache],
    db: Database,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = FakeClock()
    a = make_cache(redis_url, namespace=redis_namespace, clock=clock)
    b = make_cache(redis_url, namespace=redis_namespace)
    assert b.get_or_load(KEY, db.loader(KEY)) == b"v1"
    b.set("persona:2:1", b"unrelated")

    def unreachable(*args: object, **kwargs: object) -> None:
        raise redis.exceptions.ConnectionError("network partition")

    # Only worker a loses Redis, while it commits a write.
    db.rows[KEY] = b"v2"
    with monkeypatch.context() as patch:
        patch.setattr(a._link.client, "pipeline", unreachable)
        a.invalidate(KEY)  # does not raise
    assert not a.available

    # Once a reaches Redis again, before anything else, every worker drops everything.
    clock.advance(60)
    assert a.get("persona:3:3") is None
    assert a.available
    assert b.get(KEY) is None
    assert b.get("persona:2:1") is None
    assert b.get_or_load(KEY, db.loader(KEY)) == b"v2"


def test_bad_namespaces_are_refused() -> None:
    with pytest.raises(ValueError, match="namespace"):
        RedisCache("redis://127.0.0.1:1/0", namespace="a:b")
