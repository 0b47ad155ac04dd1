"""Redis fixtures for the cache tests (see ``tests/redis_support.py``)."""

from __future__ import annotations

from tests.redis_support import private_redis, redis_namespace, redis_url, throwaway_redis

__all__ = ["private_redis", "redis_namespace", "redis_url", "throwaway_redis"]
