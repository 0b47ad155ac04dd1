"""One guarded Redis connection for the cache and the rate limiter (internal).

Redis is an accelerator in personae, never the source of truth, so a Redis outage must
cost a request a few milliseconds, not a timeout. :class:`RedisLink` gives its users
three promises:

- **short waits**: connect and socket timeouts of a fraction of a second, and at most one
  immediate retry (redis-py's default is ten retries with backoff, which would hang a
  request for seconds);
- **a circuit breaker**: after a connection failure the link reports
  :class:`RedisUnavailable` at once, without touching the network, until an exponentially
  growing back-off (``retry_interval`` doubling up to ``max_retry_interval``) has passed;
  the next call after that tries Redis again, so the link **reconnects by itself**;
- **one log line per outage**: a warning when Redis goes away and an info line when it
  is back, not one per request.

``redis`` is imported only when a link is built, so ``import personae`` and everything
that runs without Redis work when the optional ``redis`` extra is not installed.
"""

from __future__ import annotations

import importlib
import logging
import threading
import time
from collections.abc import Callable
from types import ModuleType
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from redis import Redis

__all__ = ["RedisLink", "RedisUnavailable", "import_redis", "redacted"]

T = TypeVar("T")

logger = logging.getLogger("personae.redis")


class RedisUnavailable(Exception):  # noqa: N818 - a signal between internal modules, not an error
    """Redis could not serve this call; the caller falls back to its no-Redis path.

    Internal: never leaves personae. Users of :class:`RedisLink` catch it and serve from the
    database (cache) or the in-process limiter (rate limits).
    """


def import_redis() -> ModuleType:
    """Import redis-py on first use, with an install hint when it is missing.

    Returns
    -------
    ModuleType
        The ``redis`` package.
    """
    try:
        return importlib.import_module("redis")
    except ModuleNotFoundError as exc:  # pragma: no cover - redis is a dev dependency
        raise ModuleNotFoundError(
            "PERSONAE_REDIS_URL is set but the redis package is not installed; "
            "install personae[redis]"
        ) from exc


def redacted(url: str) -> str:
    """``redis://host:port/db`` of a URL, without user name or password, for log lines."""
    parts = urlsplit(url)
    host = parts.hostname or "localhost"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


class RedisLink:
    """A Redis client behind a circuit breaker; see the module docstring.

    Parameters
    ----------
    url
        A redis-py URL (``redis://``, ``rediss://`` or ``unix://``).
    socket_timeout
        Seconds to wait for a connection or a reply before giving up on Redis.
    retry_interval, max_retry_interval
        First and largest back-off, in seconds, between attempts while Redis is down.
    clock
        Monotonic seconds; tests pass a fake one to step through the back-off.
    on_down, on_up
        Called (without arguments) when the link goes down and when it comes back, e.g.
        to drop an in-process cache layer that can no longer be validated.
    """

    def __init__(
        self,
        url: str,
        *,
        socket_timeout: float = 0.25,
        retry_interval: float = 0.5,
        max_retry_interval: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
        on_down: Callable[[], None] | None = None,
        on_up: Callable[[], None] | None = None,
    ) -> None:
        import_redis()
        from redis import Redis
        from redis.backoff import NoBackoff
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import RedisError
        from redis.exceptions import TimeoutError as RedisTimeoutError
        from redis.retry import Retry

        options: dict[str, Any] = {}
        try:  # redis-py >= 7: no "maintenance" mode that relaxes timeouts to 10 s
            from redis.maint_notifications import MaintNotificationsConfig
        except ImportError:  # pragma: no cover - older redis-py
            pass
        else:
            options["maint_notifications_config"] = MaintNotificationsConfig(enabled=False)

        self.url = url
        self.client: Redis = Redis.from_url(
            url,
            socket_timeout=socket_timeout,
            socket_connect_timeout=socket_timeout,
            retry=Retry(NoBackoff(), 1),
            health_check_interval=10,
            **options,
        )
        self._errors: tuple[type[BaseException], ...] = (RedisError, OSError)
        self._connection_errors: tuple[type[BaseException], ...] = (
            RedisConnectionError,
            RedisTimeoutError,
            OSError,
        )
        self._retry_interval = retry_interval
        self._max_retry_interval = max_retry_interval
        self._clock = clock
        self._on_down = on_down
        self._on_up = on_up
        self._lock = threading.Lock()
        self._down_since: float | None = None
        self._retry_at = 0.0
        self._interval = retry_interval

    @property
    def available(self) -> bool:
        """Whether the last attempt reached Redis (for health checks; no network call)."""
        with self._lock:
            return self._down_since is None

    @property
    def connection_errors(self) -> tuple[type[BaseException], ...]:
        """The exception types that mean "Redis cannot be reached" (for background threads)."""
        return self._connection_errors

    def run(self, operation: Callable[[Redis], T]) -> T:
        """Run ``operation(client)``, or raise :class:`RedisUnavailable` quickly.

        Parameters
        ----------
        operation
            Issues the Redis commands. redis-py resends a command (or a whole pipeline)
            once when a pooled connection turns out to be dead, e.g. after a Redis
            restart, so each command should be idempotent.

        Returns
        -------
        T
            What ``operation`` returned.

        Raises
        ------
        RedisUnavailable
            Redis is down (or in its back-off window), or answered with an error.
        """
        with self._lock:
            if self._down_since is not None and self._clock() < self._retry_at:
                raise RedisUnavailable("Redis is down; waiting before the next attempt")
            recovering = self._down_since is not None
        try:
            result = operation(self.client)
        except self._connection_errors as exc:
            self._mark_down(exc)
            raise RedisUnavailable(str(exc)) from exc
        except self._errors as exc:
            # Not an outage: a script error, a wrong-type key, an ACL refusal. Logged loudly
            # because it is a bug or a misconfiguration, but the request still succeeds.
            logger.error("Redis at %s refused a command: %s", redacted(self.url), exc)
            raise RedisUnavailable(str(exc)) from exc
        if recovering:
            self._mark_up()
        return result

    def close(self) -> None:
        """Close the connection pool."""
        self.client.close()

    def _mark_down(self, exc: BaseException) -> None:
        now = self._clock()
        with self._lock:
            first = self._down_since is None
            if first:
                self._down_since = now
                self._interval = self._retry_interval
            else:
                self._interval = min(self._interval * 2, self._max_retry_interval)
            self._retry_at = now + self._interval
            interval = self._interval
        if first:
            logger.warning(
                "Redis at %s is unreachable (%s); serving without it and retrying in %.1f s",
                redacted(self.url),
                exc,
                interval,
            )
            if self._on_down is not None:
                self._on_down()

    def _mark_up(self) -> None:
        with self._lock:
            if self._down_since is None:
                return
            outage = self._clock() - self._down_since
            self._down_since = None
            self._interval = self._retry_interval
        logger.info("Redis at %s is reachable again after %.1f s", redacted(self.url), outage)
        if self._on_up is not None:
            self._on_up()
