"""build_cache: the backend follows the settings."""

from __future__ import annotations

from personae.cache import MemoryCache, RedisCache, build_cache
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
        assert cache.get_or_load("persona:1:7", lambda: b"from the database") == (
            b"from the database"
        )
    finally:
        cache.close()
