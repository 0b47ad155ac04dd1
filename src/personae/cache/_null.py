"""A cache that keeps nothing: every read goes to the loader (``PERSONAE_CACHE_ENABLED=false``).

For measuring what the cache is worth, and for deployments that would rather pay a
database read per request than hold copies; callers keep one code path either way.
"""

from __future__ import annotations

from personae._types import Loader
from personae.cache._base import Cache, check_key, check_prefix, check_value, resolve_ttl

__all__ = ["NullCache"]


class NullCache(Cache):
    """Stores nothing; :meth:`get_or_load` always calls the loader.

    Examples
    --------
    >>> cache = NullCache()
    >>> cache.get_or_load("persona:1:7", lambda: b"{}")
    b'{}'
    >>> cache.get("persona:1:7") is None
    True
    """

    def __init__(self, *, default_ttl: float = 300.0) -> None:
        self.default_ttl = resolve_ttl(default_ttl, default_ttl)

    def get(self, key: str) -> bytes | None:
        """Always ``None``."""
        check_key(key)
        return None

    def set(self, key: str, value: bytes, *, ttl: float | None = None) -> None:
        """Checks the arguments and keeps nothing."""
        check_key(key)
        check_value(value)
        resolve_ttl(ttl, self.default_ttl)

    def get_or_load(self, key: str, loader: Loader, *, ttl: float | None = None) -> bytes:
        """``loader()``'s value, every time."""
        check_key(key)
        resolve_ttl(ttl, self.default_ttl)
        return check_value(loader())

    def invalidate(self, key: str) -> None:
        """Nothing to forget."""
        check_key(key)

    def invalidate_prefix(self, prefix: str) -> None:
        """Nothing to forget."""
        check_prefix(prefix)

    def clear(self) -> None:
        """Nothing to forget."""
