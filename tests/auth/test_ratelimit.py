"""Rate limits: the same behaviour in memory and in Redis, and Redis outages.

Behaviour tests run against every limiter in ``LIMITERS``; the Redis one needs
``PERSONAE_TEST_REDIS_URL`` (and a throwaway ``redis-server`` for the outage test).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator

import pytest
import redis

from personae.auth import (
    MemoryRateLimiter,
    RateLimiter,
    RateLimitResult,
    RedisRateLimiter,
    build_rate_limiter,
)
from personae.config import Settings
from personae.errors import RateLimitedError
from tests.doubles import FakeClock
from tests.redis_support import RedisServer, free_port

MakeLimiter = Callable[[], RateLimiter]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(params=["memory", "redis"])
def make_limiter(request: pytest.FixtureRequest, clock: FakeClock) -> Iterator[MakeLimiter]:
    """Limiters of one kind on one clock; Redis ones share a fresh namespace."""
    made: list[RateLimiter] = []

    if request.param == "memory":
        shared = MemoryRateLimiter(clock=clock)

        def make() -> RateLimiter:
            return shared

    else:
        url = request.getfixturevalue("redis_url")
        namespace = request.getfixturevalue("redis_namespace")

        def make() -> RateLimiter:
            limiter = RedisRateLimiter(url, namespace=namespace, clock=clock)
            made.append(limiter)
            return limiter

    yield make
    for limiter in made:
        limiter.close()


def test_allows_limit_hits_then_refuses(make_limiter: MakeLimiter) -> None:
    limiter = make_limiter()
    results = [limiter.hit("user:1", limit=3, window_seconds=60) for _ in range(3)]
    assert [r.allowed for r in results] == [True, True, True]
    assert [r.remaining for r in results] == [2, 1, 0]
    assert all(r.retry_after_seconds == 0 for r in results)
    refused = limiter.hit("user:1", limit=3, window_seconds=60)
    assert refused == RateLimitResult(allowed=False, limit=3, remaining=0, retry_after_seconds=60)


def test_retry_after_counts_down_and_the_limit_recovers_after_the_window(
    make_limiter: MakeLimiter, clock: FakeClock
) -> None:
    limiter = make_limiter()
    for _ in range(2):
        assert limiter.hit("user:1", limit=2, window_seconds=60).allowed
    clock.advance(45)
    refused = limiter.hit("user:1", limit=2, window_seconds=60)
    assert not refused.allowed
    assert refused.retry_after_seconds == 15
    clock.advance(15)
    assert limiter.hit("user:1", limit=2, window_seconds=60).allowed


def test_the_window_slides(make_limiter: MakeLimiter, clock: FakeClock) -> None:
    limiter = make_limiter()
    for _ in range(3):
        assert limiter.hit("user:1", limit=3, window_seconds=60).allowed
        clock.advance(10)
    # Hits at 0, 10, 20; now 30. The first leaves the window at 60.
    refused = limiter.hit("user:1", limit=3, window_seconds=60)
    assert refused.retry_after_seconds == 30
    clock.advance(30)
    assert limiter.hit("user:1", limit=3, window_seconds=60).allowed
    assert not limiter.hit("user:1", limit=3, window_seconds=60).allowed  # 10 and 20 remain


def test_refused_hits_do_not_extend_the_wait(make_limiter: MakeLimiter, clock: FakeClock) -> None:
    limiter = make_limiter()
    assert limiter.hit("user:1", limit=1, window_seconds=10).allowed
    for _ in range(5):
        clock.advance(1)
        assert not limiter.hit("user:1", limit=1, window_seconds=10).allowed
    clock.advance(5)
    assert limiter.hit("user:1", limit=1, window_seconds=10).allowed


def test_retry_after_is_whole_seconds_and_at_least_one(
    make_limiter: MakeLimiter, clock: FakeClock
) -> None:
    limiter = make_limiter()
    assert limiter.hit("user:1", limit=1, window_seconds=1.5).allowed
    clock.advance(1.4)
    assert limiter.hit("user:1", limit=1, window_seconds=1.5).retry_after_seconds == 1


def test_identities_are_counted_apart(make_limiter: MakeLimiter) -> None:
    limiter = make_limiter()
    assert limiter.hit("user:1", limit=1, window_seconds=60).allowed
    assert not limiter.hit("user:1", limit=1, window_seconds=60).allowed
    assert limiter.hit("key:pk_ab12cd34", limit=1, window_seconds=60).allowed


def test_workers_share_one_count(make_limiter: MakeLimiter) -> None:
    first, second = make_limiter(), make_limiter()
    assert first.hit("user:1", limit=2, window_seconds=60).allowed
    assert second.hit("user:1", limit=2, window_seconds=60).allowed
    assert not first.hit("user:1", limit=2, window_seconds=60).allowed


def test_reset_forgets_an_identity(make_limiter: MakeLimiter) -> None:
    limiter = make_limiter()
    assert limiter.hit("login:ada", limit=1, window_seconds=60).allowed
    limiter.reset("login:ada")
    assert limiter.hit("login:ada", limit=1, window_seconds=60).allowed


def test_concurrent_hits_never_exceed_the_limit(make_limiter: MakeLimiter) -> None:
    limiter = make_limiter()
    allowed: list[bool] = []
    lock = threading.Lock()

    def hammer() -> None:
        for _ in range(25):
            result = limiter.hit("user:1", limit=50, window_seconds=60)
            with lock:
                allowed.append(result.allowed)

    threads = [threading.Thread(target=hammer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(allowed) == 200
    assert sum(allowed) == 50


@pytest.mark.parametrize(("limit", "window"), [(0, 60), (-1, 60), (1, 0), (1, float("nan"))])
def test_bad_limits_are_refused(make_limiter: MakeLimiter, limit: int, window: float) -> None:
    with pytest.raises(ValueError, match="rate"):
        make_limiter().hit("user:1", limit=limit, window_seconds=window)


def test_raise_for_limit_raises_a_429_error() -> None:
    RateLimitResult(True, 5, 4, 0).raise_for_limit()
    with pytest.raises(RateLimitedError) as caught:
        RateLimitResult(False, 5, 0, 12).raise_for_limit()
    assert caught.value.retry_after == 12
    assert caught.value.code == "rate_limited"


def test_memory_limiter_forgets_the_least_recent_identities(clock: FakeClock) -> None:
    limiter = MemoryRateLimiter(clock=clock, max_identities=2)
    for identity in ("user:1", "user:2", "user:3"):
        assert limiter.hit(identity, limit=1, window_seconds=60).allowed
    assert limiter.hit("user:1", limit=1, window_seconds=60).allowed  # forgotten
    assert not limiter.hit("user:3", limit=1, window_seconds=60).allowed


def test_limiters_satisfy_the_protocol(clock: FakeClock) -> None:
    assert isinstance(MemoryRateLimiter(clock=clock), RateLimiter)


# -- Redis specifics ---------------------------------------------------------------------


def test_redis_server_clock_by_default(redis_url: str, redis_namespace: str) -> None:
    limiter = RedisRateLimiter(redis_url, namespace=redis_namespace)
    try:
        assert limiter.hit("user:1", limit=1, window_seconds=60).allowed
        refused = limiter.hit("user:1", limit=1, window_seconds=60)
        assert not refused.allowed
        assert 1 <= refused.retry_after_seconds <= 60
    finally:
        limiter.close()


def test_redis_keys_expire_with_the_window(
    redis_url: str, redis_namespace: str, clock: FakeClock
) -> None:
    limiter = RedisRateLimiter(redis_url, namespace=redis_namespace, clock=clock)
    client = redis.Redis.from_url(redis_url)
    try:
        limiter.hit("user:1", limit=5, window_seconds=60)
        assert 0 < client.pttl(f"{redis_namespace}:rl:user:1") <= 60_000
    finally:
        client.close()
        limiter.close()


def test_an_unreachable_redis_falls_back_to_counting_in_memory(
    clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    limiter = RedisRateLimiter(f"redis://127.0.0.1:{free_port()}/0", clock=clock)
    try:
        with caplog.at_level(logging.WARNING, logger="personae"):
            assert [
                limiter.hit("user:1", limit=2, window_seconds=60).allowed for _ in range(3)
            ] == [
                True,
                True,
                False,
            ]
        assert not limiter.available
        assert len([r for r in caplog.records if "unreachable" in r.getMessage()]) == 1
        limiter.reset("user:1")  # does not raise either
        assert limiter.hit("user:1", limit=2, window_seconds=60).allowed
    finally:
        limiter.close()


def test_redis_killed_mid_test_falls_back_then_returns(
    throwaway_redis: RedisServer, clock: FakeClock
) -> None:
    options = {"namespace": "outage", "clock": clock, "retry_interval": 0.05}
    first = RedisRateLimiter(throwaway_redis.url, **options)  # type: ignore[arg-type]
    second = RedisRateLimiter(throwaway_redis.url, **options)  # type: ignore[arg-type]
    try:
        assert first.hit("user:1", limit=2, window_seconds=60).allowed
        throwaway_redis.stop()
        # Each worker now counts alone, but still counts.
        assert first.hit("user:1", limit=2, window_seconds=60).allowed
        assert first.hit("user:1", limit=2, window_seconds=60).allowed
        assert not first.hit("user:1", limit=2, window_seconds=60).allowed
        throwaway_redis.start()
        clock.advance(1)  # past the back-off
        assert first.hit("user:9", limit=1, window_seconds=60).allowed
        assert first.available
        assert not second.hit("user:9", limit=1, window_seconds=60).allowed  # shared again
    finally:
        first.close()
        second.close()


# -- building from settings --------------------------------------------------------------


def test_build_rate_limiter_follows_the_settings() -> None:
    memory = build_rate_limiter(Settings(_env_file=None, redis_url=None))
    assert isinstance(memory, MemoryRateLimiter)
    shared = build_rate_limiter(
        Settings(_env_file=None, redis_url=f"redis://127.0.0.1:{free_port()}/0")
    )
    try:
        assert isinstance(shared, RedisRateLimiter)
        assert shared.namespace == "personae"
    finally:
        shared.close()
    tenant = build_rate_limiter(
        Settings(
            _env_file=None,
            redis_url=f"redis://127.0.0.1:{free_port()}/0",
            redis_namespace="tenant-b",
        )
    )
    try:
        assert isinstance(tenant, RedisRateLimiter)
        assert tenant.namespace == "tenant-b"
    finally:
        tenant.close()
