"""build_cache: the backend follows the settings."""

from __future__ import annotations

import pytest

from personae.cache import MemoryCache, NullCache, RedisCache, build_cache
from personae.config import Settings
from tests.redis_support import free_port


def test_memory_without_redis_url() -> None:
    cache = build_cache(Settings(_env_file=None, redis_url=None, cache_ttl_seconds=42))
    assert isinstance(cache, MemoryCache)
    assert cache.default_ttl == 42


def test_redis_with_redis_url_without_contacting_it() -> None:
    url = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens: building must not fail
    cache = build_cache(Settings(_env_file=None, redis_url=url, cache_ttl_seconds=42))
    try:
        assert isinstance(cache, RedisCache)
        assert cache.default_ttl == 42
        assert cache.namespace == "personae"
        assert cache.get_or_load("persona:1:7", lambda: b"from the database") == (
            b"from the database"
        )
    finally:
        cache.close()


def test_the_redis_namespace_comes_from_the_settings() -> None:
    url = f"redis://127.0.0.1:{free_port()}/0"
    cache = build_cache(Settings(_env_file=None, redis_url=url, redis_namespace="tenant-b"))
    try:
        assert isinstance(cache, RedisCache)
        assert cache.namespace == "tenant-b"
        assert cache.channel == "tenant-b:invalidate"
    finally:
        cache.close()


def test_a_disabled_cache_keeps_nothing() -> None:
    url = f"redis://127.0.0.1:{free_port()}/0"
    cache = build_cache(Settings(_env_file=None, redis_url=url, cache_enabled=False))
    assert isinstance(cache, NullCache)
    loads: list[int] = []

    def load() -> bytes:
        loads.append(1)
        return b"fresh"

    assert cache.get_or_load("persona:1:7", load) == b"fresh"
    assert cache.get_or_load("persona:1:7", load) == b"fresh"
    assert len(loads) == 2
    cache.set("persona:1:7", b"kept?")
    assert cache.get("persona:1:7") is None
    cache.invalidate("persona:1:7")
    cache.invalidate_prefix("persona:1:")
    cache.clear()
    with pytest.raises(ValueError, match="prefix"):
        cache.invalidate_prefix("persona:1")
    with pytest.raises(TypeError):
        cache.get_or_load("persona:1:7", lambda: "not bytes")  # type: ignore[arg-type,return-value]
