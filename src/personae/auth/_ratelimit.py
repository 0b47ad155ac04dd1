"""Rate limits per user or API key: a sliding-window log, in memory or in Redis.

**Algorithm.** Both limiters keep, per identity, the times of the hits they allowed in
the last ``window_seconds`` and allow a hit while there are fewer than ``limit``. That is
the exact rule "at most ``limit`` requests in *any* window", with no burst of twice the
limit at a fixed window's edge. A refused hit is not recorded, so a client that keeps
retrying still gets in once its oldest hit leaves the window; ``retry_after_seconds``
says exactly when, rounded up to whole seconds for the ``Retry-After`` header.

**Redis.** :class:`RedisRateLimiter` keeps the log in a sorted set per identity and does
trim, count, add and expire in **one Lua script**, so concurrent workers cannot both
take the last slot. Times come from the Redis server's clock (``TIME``) unless a clock is
injected, so workers on hosts with skewed clocks still agree.

**When Redis is down** the Redis limiter falls back to a per-process
:class:`MemoryRateLimiter` (and logs one warning per outage) instead of failing open:
allowing everything while Redis is unreachable would turn an outage into an open door
for password guessing. The cost is that during the outage each worker counts on its
own, so a client spread over ``n`` workers may get up to ``n × limit`` hits per window.
"""

from __future__ import annotations

import contextlib
import math
import secrets
import threading
import time
from collections import OrderedDict, deque
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from personae._redis import RedisLink, RedisUnavailable
from personae._types import Clock
from personae.config import Settings, get_settings
from personae.errors import RateLimitedError

__all__ = [
    "MemoryRateLimiter",
    "RateLimitResult",
    "RateLimiter",
    "RedisRateLimiter",
    "build_rate_limiter",
]


@dataclass(frozen=True, slots=True)
class RateLimitResult:
    """The answer to one hit, with what the HTTP layer puts in its headers."""

    allowed: bool
    limit: int
    remaining: int
    """Hits still allowed in the current window after this one."""
    retry_after_seconds: int
    """Whole seconds until a hit will be allowed again; 0 when this one was."""

    def raise_for_limit(self) -> None:
        """Raise :class:`~personae.errors.RateLimitedError` if the hit was refused."""
        if not self.allowed:
            raise RateLimitedError(retry_after=self.retry_after_seconds, limit=self.limit)


@runtime_checkable
class RateLimiter(Protocol):
    """Counts hits per identity (``"user:42"``, ``"key:pk_ab12cd34"``) and says when to stop.

    Examples
    --------
    >>> limiter = MemoryRateLimiter()
    >>> result = limiter.hit("user:42", limit=120, window_seconds=60)
    >>> result.allowed, result.remaining
    (True, 119)
    >>> result.raise_for_limit()  # raises RateLimitedError once the limit is reached
    """

    in_process: bool
    """True when :meth:`hit` does no I/O, so an async caller may call it on its event loop."""

    def hit(self, identity: str, *, limit: int, window_seconds: float) -> RateLimitResult:
        """Record one request by ``identity`` if it is within ``limit`` per window."""
        ...

    def reset(self, identity: str) -> None:
        """Forget ``identity``'s hits (e.g. failed logins, after a successful one)."""
        ...

    def close(self) -> None:
        """Release connections; the limiter must not be used afterwards."""
        ...


def _check(limit: int, window_seconds: float) -> None:
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ValueError(f"a rate limit is a positive number of hits; got {limit!r}")
    if not math.isfinite(window_seconds) or window_seconds <= 0:
        raise ValueError(f"a rate-limit window is a positive duration; got {window_seconds!r}")


def _whole_seconds(seconds: float) -> int:
    """Round a wait up to whole seconds, never below 1 (``Retry-After: 0`` invites a storm)."""
    return max(1, math.ceil(seconds - 1e-9))


class MemoryRateLimiter:
    """The default limiter: a sliding-window log per identity, in this process.

    Parameters
    ----------
    clock
        Monotonic seconds; tests inject a fake clock to move past the window.
    max_identities
        Most identities tracked; the least recently seen is forgotten first, so memory
        stays bounded however many clients come and go.
    """

    in_process = True

    def __init__(self, *, clock: Clock = time.monotonic, max_identities: int = 100_000) -> None:
        if max_identities < 1:
            raise ValueError(f"max_identities must be at least 1; got {max_identities}")
        self._clock = clock
        self._max_identities = max_identities
        self._lock = threading.Lock()
        self._hits: OrderedDict[str, deque[float]] = OrderedDict()

    def hit(self, identity: str, *, limit: int, window_seconds: float) -> RateLimitResult:
        """Record one request by ``identity`` if fewer than ``limit`` fall in the window."""
        _check(limit, window_seconds)
        now = self._clock()
        with self._lock:
            hits = self._hits.get(identity)
            if hits is None:
                hits = self._hits[identity] = deque()
                while len(self._hits) > self._max_identities:
                    self._hits.popitem(last=False)
            self._hits.move_to_end(identity)
            cutoff = now - window_seconds
            while hits and hits[0] <= cutoff:
                hits.popleft()
            if len(hits) < limit:
                hits.append(now)
                return RateLimitResult(True, limit, limit - len(hits), 0)
            # The hit that must leave the window before one more fits.
            blocking = hits[len(hits) - limit]
        wait = _whole_seconds(blocking + window_seconds - now)
        return RateLimitResult(False, limit, 0, wait)

    def reset(self, identity: str) -> None:
        """Forget ``identity``'s hits."""
        with self._lock:
            self._hits.pop(identity, None)

    def close(self) -> None:
        """Nothing to release."""


# KEYS[1]: the identity's sorted set. ARGV: now in ms ('' = the server's clock), window
# in ms, limit, a unique member suffix. Reply: {allowed (0/1), remaining, wait in ms}.
_HIT = r"""
local now
if ARGV[1] == '' then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
else
  now = tonumber(ARGV[1])
end
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
if count < limit then
  redis.call('ZADD', KEYS[1], now, now .. '-' .. ARGV[4])
  redis.call('PEXPIRE', KEYS[1], window)
  return {1, limit - count - 1, 0}
end
local blocking = redis.call('ZRANGE', KEYS[1], count - limit, count - limit, 'WITHSCORES')
return {0, 0, tonumber(blocking[2]) + window - now}
"""


class RedisRateLimiter:
    """A limiter shared by every worker through Redis; see the module docstring.

    Parameters
    ----------
    url
        Redis URL, e.g. ``redis://localhost:6379/0``.
    namespace
        Prefix of the Redis keys (``<namespace>:rl:<identity>``).
    clock
        Seconds for the window; ``None`` (the default) uses the Redis server's clock so
        that all workers agree. Tests inject a fake one.
    fallback
        The limiter used while Redis is down; a new :class:`MemoryRateLimiter` by default.
    socket_timeout, retry_interval, max_retry_interval
        How long to wait for Redis, and the back-off between attempts while it is down.
    """

    in_process = False

    def __init__(
        self,
        url: str,
        *,
        namespace: str = "personae",
        clock: Clock | None = None,
        fallback: RateLimiter | None = None,
        socket_timeout: float = 0.25,
        retry_interval: float = 0.5,
        max_retry_interval: float = 5.0,
    ) -> None:
        self.namespace = namespace
        self._clock = clock
        self.fallback: RateLimiter = (
            fallback
            if fallback is not None
            else MemoryRateLimiter(clock=clock if clock is not None else time.monotonic)
        )
        self._link = RedisLink(
            url,
            socket_timeout=socket_timeout,
            retry_interval=retry_interval,
            max_retry_interval=max_retry_interval,
            clock=clock if clock is not None else time.monotonic,
        )
        self._script = self._link.client.register_script(_HIT)

    @property
    def available(self) -> bool:
        """Whether Redis answered the last attempt (no network call; for health checks)."""
        return self._link.available

    def _key(self, identity: str) -> str:
        return f"{self.namespace}:rl:{identity}"

    def hit(self, identity: str, *, limit: int, window_seconds: float) -> RateLimitResult:
        """Record one request atomically in Redis; in memory while Redis is down."""
        _check(limit, window_seconds)
        now = "" if self._clock is None else str(int(self._clock() * 1000))
        args: list[str | int] = [
            now,
            max(1, math.ceil(window_seconds * 1000)),
            limit,
            secrets.token_hex(6),
        ]
        keys = [self._key(identity)]
        try:
            reply = self._link.run(lambda client: self._script(keys=keys, args=args, client=client))
        except RedisUnavailable:
            return self.fallback.hit(identity, limit=limit, window_seconds=window_seconds)
        allowed, remaining, wait_ms = (int(part) for part in reply)
        if allowed:
            return RateLimitResult(True, limit, remaining, 0)
        return RateLimitResult(False, limit, 0, _whole_seconds(wait_ms / 1000))

    def reset(self, identity: str) -> None:
        """Forget ``identity``'s hits, in Redis and in the fallback."""
        self.fallback.reset(identity)
        key = self._key(identity)
        with contextlib.suppress(RedisUnavailable):
            self._link.run(lambda client: client.delete(key))

    def close(self) -> None:
        """Close the connections."""
        self.fallback.close()
        self._link.close()


def build_rate_limiter(settings: Settings | None = None) -> RateLimiter:
    """The limiter the settings ask for: Redis when ``redis_url`` is set, else in-process.

    The limit itself is the caller's (``settings.rate_limit_per_minute`` per 60 s for API
    requests), so one limiter can also guard, say, login attempts with a tighter one.

    Examples
    --------
    >>> from personae.config import Settings
    >>> limiter = build_rate_limiter(Settings(redis_url=None))
    >>> limiter.hit("user:1", limit=2, window_seconds=60).remaining
    1
    """
    settings = settings if settings is not None else get_settings()
    if settings.redis_url is not None:
        return RedisRateLimiter(settings.redis_url, namespace=settings.redis_namespace)
    return MemoryRateLimiter()
