"""MemoryCache: expiry on an injected clock, the LRU bound, read-through, races."""

from __future__ import annotations

import threading

import pytest

from personae.cache import Cache, MemoryCache
from tests.doubles import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def cache(clock: FakeClock) -> MemoryCache:
    return MemoryCache(default_ttl=60, max_entries=100, clock=clock)


def test_is_a_cache(cache: MemoryCache) -> None:
    assert isinstance(cache, Cache)


def test_set_then_get_round_trips_bytes(cache: MemoryCache) -> None:
    cache.set("persona:1:7", b'{"name": "ada"}\n\x00')
    assert cache.get("persona:1:7") == b'{"name": "ada"}\n\x00'
    assert cache.get("persona:1:8") is None


def test_entries_expire_after_their_ttl(cache: MemoryCache, clock: FakeClock) -> None:
    cache.set("persona:1:7", b"v", ttl=10)
    clock.advance(9.9)
    assert cache.get("persona:1:7") == b"v"
    clock.advance(0.1)
    assert cache.get("persona:1:7") is None


def test_default_ttl_applies_when_none_is_given(cache: MemoryCache, clock: FakeClock) -> None:
    cache.set("persona:1:7", b"v")
    clock.advance(59)
    assert cache.get("persona:1:7") == b"v"
    clock.advance(1)
    assert cache.get("persona:1:7") is None


def test_least_recently_used_entry_is_evicted_first(clock: FakeClock) -> None:
    cache = MemoryCache(max_entries=2, clock=clock)
    cache.set("a:1", b"1")
    cache.set("a:2", b"2")
    assert cache.get("a:1") == b"1"  # a:1 is now the most recently used
    cache.set("a:3", b"3")
    assert len(cache) == 2
    assert cache.get("a:2") is None
    assert cache.get("a:1") == b"1"
    assert cache.get("a:3") == b"3"


def test_get_or_load_calls_the_loader_once(cache: MemoryCache) -> None:
    calls: list[int] = []

    def load() -> bytes:
        calls.append(1)
        return b"from the database"

    assert cache.get_or_load("persona:1:7", load) == b"from the database"
    assert cache.get_or_load("persona:1:7", load) == b"from the database"
    assert len(calls) == 1


def test_get_or_load_reloads_after_expiry(cache: MemoryCache, clock: FakeClock) -> None:
    values = iter([b"v1", b"v2"])
    assert cache.get_or_load("persona:1:7", lambda: next(values), ttl=5) == b"v1"
    clock.advance(5)
    assert cache.get_or_load("persona:1:7", lambda: next(values), ttl=5) == b"v2"


def test_concurrent_misses_share_one_load(cache: MemoryCache) -> None:
    calls: list[int] = []
    release = threading.Event()

    def slow_load() -> bytes:
        calls.append(1)
        release.wait(5)
        return b"v"

    results: list[bytes] = []
    threads = [
        threading.Thread(target=lambda: results.append(cache.get_or_load("k:1", slow_load)))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    release.set()
    for thread in threads:
        thread.join(5)
    assert results == [b"v"] * 8
    assert len(calls) == 1


def test_loader_errors_propagate_and_nothing_is_cached(cache: MemoryCache) -> None:
    def broken() -> bytes:
        raise LookupError("no such persona")

    with pytest.raises(LookupError):
        cache.get_or_load("persona:1:7", broken)
    assert cache.get("persona:1:7") is None
    assert cache.get_or_load("persona:1:7", lambda: b"v") == b"v"


def test_invalidate_forgets_the_key(cache: MemoryCache) -> None:
    cache.set("persona:1:7", b"v")
    cache.set("persona:1:8", b"w")
    cache.invalidate("persona:1:7")
    assert cache.get("persona:1:7") is None
    assert cache.get("persona:1:8") == b"w"
    cache.invalidate("persona:1:9")  # unknown keys are fine


def test_a_load_that_raced_a_write_is_returned_but_not_cached(cache: MemoryCache) -> None:
    database = {"persona:1:7": b"old"}

    def load_then_get_overtaken() -> bytes:
        value = database["persona:1:7"]  # the read happens ...
        database["persona:1:7"] = b"new"  # ... then a write commits
        cache.invalidate("persona:1:7")  # ... and invalidates, before the load returns
        return value

    assert cache.get_or_load("persona:1:7", load_then_get_overtaken) == b"old"
    assert cache.get("persona:1:7") is None
    assert cache.get_or_load("persona:1:7", lambda: database["persona:1:7"]) == b"new"


def test_invalidate_prefix_drops_whole_segments_only(cache: MemoryCache) -> None:
    for key in ("persona:1:7", "persona:1:name:ada", "persona:12:7", "persona:2:1"):
        cache.set(key, b"v")
    cache.invalidate_prefix("persona:1:")
    assert cache.get("persona:1:7") is None
    assert cache.get("persona:1:name:ada") is None
    assert cache.get("persona:12:7") == b"v"
    assert cache.get("persona:2:1") == b"v"


def test_clear_forgets_everything(cache: MemoryCache) -> None:
    cache.set("a:1", b"1")
    cache.set("b:1", b"2")
    cache.clear()
    assert cache.get("a:1") is None
    assert cache.get("b:1") is None
    assert len(cache) == 0


@pytest.mark.parametrize("key", ["", "persona:1:", "a\nb"])
def test_unusable_keys_are_refused(cache: MemoryCache, key: str) -> None:
    with pytest.raises(ValueError, match="cache key"):
        cache.set(key, b"v")


@pytest.mark.parametrize("prefix", ["", ":", "persona:1", "persona"])
def test_prefixes_must_end_at_a_separator(cache: MemoryCache, prefix: str) -> None:
    with pytest.raises(ValueError, match="prefix"):
        cache.invalidate_prefix(prefix)


@pytest.mark.parametrize("ttl", [0, -1, float("inf"), float("nan")])
def test_unusable_ttls_are_refused(cache: MemoryCache, ttl: float) -> None:
    with pytest.raises(ValueError, match="ttl"):
        cache.set("a:1", b"v", ttl=ttl)


def test_values_must_be_bytes(cache: MemoryCache) -> None:
    with pytest.raises(TypeError, match="bytes"):
        cache.set("a:1", "text")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="bytes"):
        cache.get_or_load("a:1", lambda: "text")  # type: ignore[arg-type,return-value]


def test_is_a_context_manager(clock: FakeClock) -> None:
    with MemoryCache(clock=clock) as cache:
        cache.set("a:1", b"v")
        assert cache.get("a:1") == b"v"
