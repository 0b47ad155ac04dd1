"""Read-through cache for persona reads, with invalidation that reaches every worker.

In-process by default (:class:`MemoryCache`); with ``PERSONAE_REDIS_URL`` a Redis cache
shared by all workers (:class:`RedisCache`), where an invalidation, once it returns,
holds for every worker. Redis being down slows reads to the database's pace and never
fails a request. :func:`build_cache` picks one from the settings (or :class:`NullCache`,
which keeps nothing, with ``PERSONAE_CACHE_ENABLED=false``).

>>> from personae.cache import build_cache
>>> cache = build_cache()  # doctest: +SKIP
>>> body = cache.get_or_load(f"persona:{owner}:{pid}", load_json)  # doctest: +SKIP
>>> cache.invalidate(f"persona:{owner}:{pid}")  # after the write commits  # doctest: +SKIP

``redis`` is imported only when a :class:`RedisCache` is built.
"""

from __future__ import annotations

from personae.cache._base import Cache
from personae.cache._build import build_cache
from personae.cache._memory import MemoryCache
from personae.cache._null import NullCache
from personae.cache._redis import RedisCache

__all__ = ["Cache", "MemoryCache", "NullCache", "RedisCache", "build_cache"]
