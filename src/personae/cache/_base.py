"""The cache interface every backend implements, and the checks they share."""

from __future__ import annotations

import abc
import math
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType

from personae._types import Loader

__all__ = [
    "SEPARATOR",
    "Cache",
    "KeyedLocks",
    "check_key",
    "check_prefix",
    "check_value",
    "resolve_ttl",
]

SEPARATOR = ":"
"""Keys are ``:``-separated paths (``persona:7:42``); prefixes end at a separator."""


class Cache(abc.ABC):
    """A read-through cache of bytes, keyed by ``:``-separated strings.

    The contract the write path relies on: **once** :meth:`invalidate` (or
    :meth:`invalidate_prefix`, :meth:`clear`) **returns, no reader sees the value cached
    before it**, including a value whose load was still running when the invalidation
    happened. Backends differ only in how far that promise reaches: one process
    (:class:`~personae.cache.MemoryCache`) or every worker sharing a Redis
    (:class:`~personae.cache.RedisCache`).

    Values are bytes so that the cache never guesses how a caller serialises; the API
    layer stores the JSON it would send anyway.

    Keys name a thing by path, most general part first: ``persona:<owner>:<id>``. That
    makes "everything of this owner" a prefix, ``persona:<owner>:``.

    Examples
    --------
    >>> from personae.cache import MemoryCache
    >>> cache = MemoryCache(default_ttl=60)
    >>> cache.get_or_load("persona:1:7", lambda: b'{"name": "ada"}')
    b'{"name": "ada"}'
    >>> cache.invalidate("persona:1:7")  # after the write's commit
    >>> cache.get("persona:1:7") is None
    True
    """

    default_ttl: float
    """Seconds a value lives when :meth:`set` or :meth:`get_or_load` get no ``ttl``."""

    in_process: bool = False
    """True when :meth:`get` does no I/O, so an async caller may call it on its event loop
    and leave only misses to a worker thread."""

    @abc.abstractmethod
    def get(self, key: str) -> bytes | None:
        """The cached value, or ``None`` when there is none (or it cannot be trusted)."""

    @abc.abstractmethod
    def set(self, key: str, value: bytes, *, ttl: float | None = None) -> None:
        """Cache ``value`` for ``ttl`` seconds (``default_ttl`` when ``None``).

        Prefer :meth:`get_or_load` on read paths: a plain ``set`` of a value read before
        a concurrent write cannot know it is already stale.
        """

    @abc.abstractmethod
    def get_or_load(self, key: str, loader: Loader, *, ttl: float | None = None) -> bytes:
        """The cached value, or ``loader()``'s, which is then cached.

        The loaded value is cached only if no invalidation of ``key`` happened while the
        loader ran, so a read racing a write never caches what the write replaced.
        Within one process, concurrent calls for the same key wait for one loader
        instead of all hitting the database. Exceptions from ``loader`` (e.g.
        :class:`~personae.errors.PersonaNotFoundError`) propagate and nothing is cached.

        Parameters
        ----------
        key
            What to read, e.g. ``persona:1:7``.
        loader
            Reads the value from the source of truth.
        ttl
            Seconds to keep the value; ``default_ttl`` when ``None``.

        Returns
        -------
        bytes
            The value.
        """

    @abc.abstractmethod
    def invalidate(self, key: str) -> None:
        """Forget ``key`` everywhere; call it after the write's commit. Never raises."""

    @abc.abstractmethod
    def invalidate_prefix(self, prefix: str) -> None:
        """Forget every key that starts with ``prefix``, which must end with ``:``.

        Whole path segments only (``persona:1:``, never ``persona:1``), so that
        ``persona:1:`` cannot also drop ``persona:12:…`` and so that the Redis backend
        can invalidate a prefix in one step instead of scanning keys.
        """

    @abc.abstractmethod
    def clear(self) -> None:
        """Forget everything this cache (its namespace, for Redis) holds."""

    def close(self) -> None:  # noqa: B027 - optional hook; most caches hold nothing to close
        """Release connections and threads; the cache must not be used afterwards."""

    def __enter__(self) -> Cache:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def check_key(key: str) -> str:
    """Refuse keys that could not round-trip or that name a prefix rather than a thing."""
    if not isinstance(key, str) or not key:
        raise ValueError("a cache key must be a non-empty string")
    if key.endswith(SEPARATOR):
        raise ValueError(f"cache key {key!r} ends with {SEPARATOR!r}, which marks a prefix")
    if "\n" in key:
        raise ValueError("a cache key must not contain a newline")
    return key


def check_prefix(prefix: str) -> str:
    """Refuse prefixes that do not end at a path separator (see ``invalidate_prefix``)."""
    if not isinstance(prefix, str) or not prefix.endswith(SEPARATOR) or prefix == SEPARATOR:
        raise ValueError(
            f"a cache prefix must be one or more path segments ending with {SEPARATOR!r}, "
            f"e.g. 'persona:1:'; got {prefix!r}"
        )
    if "\n" in prefix:
        raise ValueError("a cache prefix must not contain a newline")
    return prefix


def resolve_ttl(ttl: float | None, default: float) -> float:
    """``ttl`` or the default, refusing values that would cache nothing or forever."""
    value = default if ttl is None else ttl
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"a cache ttl must be a positive number of seconds; got {value!r}")
    return float(value)


def check_value(value: object) -> bytes:
    """Refuse non-bytes early, where the bug is, instead of in a later reader."""
    if not isinstance(value, bytes):
        raise TypeError(f"cache values are bytes; got {type(value).__name__}")
    return value


class KeyedLocks:
    """One re-entrant lock per key in use, created on demand and dropped when released.

    Lets concurrent ``get_or_load`` calls for the same key in one process wait for a
    single loader (no thundering herd on the database) while other keys proceed.
    """

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[str, tuple[threading.RLock, list[int]]] = {}

    @contextmanager
    def hold(self, key: str) -> Iterator[None]:
        """Hold ``key``'s lock for the body of the ``with`` block."""
        with self._guard:
            lock, users = self._locks.setdefault(key, (threading.RLock(), [0]))
            users[0] += 1
        try:
            with lock:
                yield
        finally:
            with self._guard:
                users[0] -= 1
                if users[0] == 0:
                    del self._locks[key]
