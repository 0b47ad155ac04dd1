"""Choose the cache backend from the settings."""

from __future__ import annotations

from personae.cache._base import Cache
from personae.cache._memory import MemoryCache
from personae.cache._null import NullCache
from personae.config import Settings, get_settings

__all__ = ["build_cache"]


def build_cache(settings: Settings | None = None) -> Cache:
    """The cache the settings ask for: Redis when ``redis_url`` is set, else in-process.

    With ``cache_enabled`` false, a :class:`~personae.cache.NullCache` that keeps nothing.

    Building a :class:`~personae.cache.RedisCache` does not contact Redis, so a worker
    starts (and serves from the database) while Redis is still down.

    Parameters
    ----------
    settings
        Defaults to :func:`personae.config.get_settings`.

    Returns
    -------
    Cache
        A :class:`~personae.cache.RedisCache` or a :class:`~personae.cache.MemoryCache`
        whose ``default_ttl`` is ``cache_ttl_seconds``. Close it when the app stops.

    Examples
    --------
    >>> from personae.config import Settings
    >>> build_cache(Settings(redis_url=None, cache_ttl_seconds=60)).default_ttl
    60.0
    """
    settings = settings if settings is not None else get_settings()
    if not settings.cache_enabled:
        return NullCache(default_ttl=settings.cache_ttl_seconds)
    if settings.redis_url is not None:
        from personae.cache._redis import RedisCache

        return RedisCache(
            settings.redis_url,
            namespace=settings.redis_namespace,
            default_ttl=settings.cache_ttl_seconds,
        )
    return MemoryCache(default_ttl=settings.cache_ttl_seconds)
