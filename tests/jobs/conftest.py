"""Redis fixtures for the RQ runner tests."""

from __future__ import annotations

from tests.redis_support import redis_namespace, redis_url

__all__ = ["redis_namespace", "redis_url"]
