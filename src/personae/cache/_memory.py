"""The in-process cache: a bounded, thread-safe LRU whose entries expire."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Generic, TypeVar

from personae._types import Clock, Loader
from personae.cache._base import (
    Cache,
    KeyedLocks,
    check_key,
    check_prefix,
    check_value,
    resolve_ttl,
)

__all__ = ["MemoryCache", "TTLStore"]

V = TypeVar("V")


class TTLStore(Generic[V]):
    """A thread-safe LRU map whose entries expire; the storage under both caches.

    Expired entries are dropped when touched, and the least recently used entry is
    evicted when ``max_entries`` is reached, so memory stays bounded without a sweeper
    thread.

    Parameters
    ----------
    max_entries
        Most entries kept at once.
    clock
        Monotonic seconds; a monotonic clock cannot make entries live longer or shorter
        when the wall clock is adjusted.
    """

    def __init__(self, *, max_entries: int, clock: Clock) -> None:
        if max_entries < 1:
            raise ValueError(f"max_entries must be at least 1; got {max_entries}")
        self.max_entries = max_entries
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: OrderedDict[str, tuple[float, V]] = OrderedDict()

    def get(self, key: str) -> V | None:
        """The live value of ``key`` (marking it recently used), or ``None``."""
        now = self._clock()
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            expires_at, value = entry
            if expires_at <= now:
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return value

    def put(self, key: str, value: V, ttl: float) -> None:
        """Store ``value`` for ``ttl`` seconds, evicting the least recently used if full."""
        expires_at = self._clock() + ttl
        with self._lock:
            self._entries[key] = (expires_at, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def pop(self, key: str) -> None:
        """Drop ``key`` if present."""
        with self._lock:
            self._entries.pop(key, None)

    def pop_prefix(self, prefix: str) -> None:
        """Drop every key that starts with ``prefix``."""
        with self._lock:
            for key in [key for key in self._entries if key.startswith(prefix)]:
                del self._entries[key]

    def clear(self) -> None:
        """Drop everything."""
        with self._lock:
            self._entries.clear()

    def __contains__(self, key: object) -> bool:
        """Whether ``key`` is stored (live or not yet noticed to be expired)."""
        with self._lock:
            return key in self._entries

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)


class MemoryCache(Cache):
    """The default cache: in this process only, bounded, with per-entry expiry.

    Consistent within one process: an invalidation bumps a generation counter, and a
    ``get_or_load`` whose loader was running across a bump returns its value without
    caching it (it may be older than the write that caused the bump). With several
    worker processes each has its own copy, so another worker can serve a value for up to
    ``default_ttl`` seconds after a write; set ``PERSONAE_REDIS_URL`` to share one cache
    and its invalidations (:class:`~personae.cache.RedisCache`).

    Parameters
    ----------
    default_ttl
        Seconds a value lives when no ``ttl`` is given.
    max_entries
        Most values kept; the least recently used is evicted first.
    clock
        Monotonic seconds; tests inject a fake clock to expire entries without sleeping.

    Examples
    --------
    >>> cache = MemoryCache(default_ttl=300, max_entries=10_000)
    >>> cache.set("persona:1:7", b"{}")
    >>> cache.get("persona:1:7")
    b'{}'
    """

    in_process = True

    def __init__(
        self,
        *,
        default_ttl: float = 300.0,
        max_entries: int = 1024,
        clock: Clock = time.monotonic,
    ) -> None:
        self.default_ttl = resolve_ttl(default_ttl, default_ttl)
        self._store: TTLStore[bytes] = TTLStore(max_entries=max_entries, clock=clock)
        self._flights = KeyedLocks()
        self._lock = threading.Lock()
        self._generation = 0

    def get(self, key: str) -> bytes | None:
        """The cached value, or ``None``."""
        return self._store.get(check_key(key))

    def set(self, key: str, value: bytes, *, ttl: float | None = None) -> None:
        """Cache ``value`` for ``ttl`` seconds (``default_ttl`` when ``None``)."""
        self._store.put(check_key(key), check_value(value), resolve_ttl(ttl, self.default_ttl))

    def get_or_load(self, key: str, loader: Loader, *, ttl: float | None = None) -> bytes:
        """The cached value, or ``loader()``'s, cached unless a write raced the load."""
        check_key(key)
        seconds = resolve_ttl(ttl, self.default_ttl)
        with self._flights.hold(key):
            cached = self._store.get(key)
            if cached is not None:
                return cached
            with self._lock:
                generation = self._generation
            value = check_value(loader())
            with self._lock:
                if generation == self._generation:
                    self._store.put(key, value, seconds)
            return value

    def invalidate(self, key: str) -> None:
        """Forget ``key``."""
        check_key(key)
        with self._lock:
            self._generation += 1
            self._store.pop(key)

    def invalidate_prefix(self, prefix: str) -> None:
        """Forget every key under ``prefix`` (which ends with ``:``)."""
        check_prefix(prefix)
        with self._lock:
            self._generation += 1
            self._store.pop_prefix(prefix)

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._generation += 1
            self._store.clear()

    def __len__(self) -> int:
        """How many values are held (expired ones included until touched)."""
        return len(self._store)
