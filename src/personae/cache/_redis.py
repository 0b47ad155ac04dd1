r"""The shared cache: Redis for all workers, a validated in-process layer in front.

The guarantee
-------------
Once :meth:`RedisCache.invalidate` returns (the write path calls it after the database
commit), **no instance serves the value cached before it**: not the Redis copy, not any
worker's in-process copy, and not a value whose load was still running during the write.

How: generation tokens, checked on every read
---------------------------------------------
Pub/sub alone cannot give that promise: a message is delivered *some time after*
``PUBLISH`` returns, so a worker that has not processed it yet would still serve its local
copy. So this module uses design (a) of the brief: versions kept in Redis, validated on
every read.

- Every key has a **generation** in Redis, and so does each of its prefixes and the whole
  namespace: ``persona:1:7`` is guarded by ``<ns>:g:epoch``, ``<ns>:g:p:persona:``,
  ``<ns>:g:p:persona:1:`` and ``<ns>:g:k:persona:1:7``. A generation is a random nonce,
  created the first time a reader finds it missing. A value's **token** is its
  generations joined, and the value is stored (in Redis as ``<token>\n<bytes>``, and in
  the local layer as ``(token, bytes)``) with the token current when its load started.
- **Invalidating** deletes the key's generation (``invalidate``), a prefix's
  (``invalidate_prefix``) or the epoch (``clear``) in one ``MULTI``, and publishes the
  event. The next reader creates a fresh nonce, so every token minted before the
  invalidation is dead for ever. Deleting rather than incrementing also makes expiry,
  eviction, ``FLUSHALL`` and a Redis restart safe: a lost generation becomes a new
  nonce, never an old value that happens to match again.
- **Reading** is one Lua script call: it reads the generations and compares the token with
  the one of the local copy. Equal: the local bytes are served and nothing else crosses
  the network. Different: it returns the Redis copy only if its token is current. The
  local layer thus saves the value's transfer and decoding, and the one round trip that
  remains is still far cheaper than the database.
- **Loading** (``get_or_load``) notes the token before calling the loader and stores the
  result with a script that writes only if the token is still current, so a load that
  raced a write is returned to its caller but never cached.

The pub/sub subscriber (one daemon thread per instance, channel ``<ns>:invalidate``) drops
local copies that the token check would refuse anyway, and pings Redis every 50 ms on its
subscribed connection (see *When Redis stalls*).

When Redis stalls
-----------------
A frozen Redis (``SIGSTOP``, a paused VM) raises nothing: commands just wait. A writer's
invalidation then times out and its write is acknowledged, while the generations in Redis
still vouch for the old value once Redis answers again. So a read is served from the
cache (local or Redis copy) only while this instance's last confirmed ping was sent less
than ``heartbeat_timeout`` ago; a pong proves that every invalidation published before it
was applied here. After a lapse the instance reads through to the loader until a pong
returns, then ends the namespace epoch before it trusts the cache again (a new instance
does so at its first pong). A writer whose invalidation timed out retries once past the
circuit breaker and, if that times out too, waits ``heartbeat_timeout`` before answering,
so by then every other instance has lapsed.

When Redis is down
------------------
Every Redis call goes through :class:`personae._redis.RedisLink`: sub-second timeouts, a
back-off circuit breaker and one warning per outage. While Redis cannot be reached:

- reads call the loader (the database) and cache nothing; the local layer is not served
  because it cannot be validated, and it is emptied when the link goes down and again when
  it comes back, and whenever the subscriber loses or regains its connection;
- ``set``, ``invalidate``, ``invalidate_prefix`` and ``clear`` never raise. A failed
  invalidation is remembered, and before this instance's next Redis command succeeds it
  bumps the namespace epoch, so every worker drops **everything** cached before the outage
  (coarse, but an outage is rare and the alternative is serving a value a write replaced).

The limit of the promise: if Redis stays up for other workers while this one cannot reach
it, they may serve the value an unreachable write replaced until this instance reaches
Redis again (then the epoch is bumped) or the value's TTL passes, whichever is first.

Not supported: Redis Cluster (a script touches several keys that do not share a slot).
"""

from __future__ import annotations

import contextlib
import logging
import secrets
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from personae._redis import RedisLink, RedisUnavailable
from personae._types import Clock, Loader
from personae.cache._base import (
    SEPARATOR,
    Cache,
    KeyedLocks,
    check_key,
    check_prefix,
    check_value,
    resolve_ttl,
)
from personae.cache._memory import TTLStore

if TYPE_CHECKING:
    from redis import Redis

__all__ = ["RedisCache"]

logger = logging.getLogger("personae.cache")

# KEYS: the generation keys (epoch, prefixes from the widest, the key's own), then the data
# key. ARGV[1]: a fresh nonce for missing generations; ARGV[2]: their lifetime in ms.
_TOKEN = r"""
local parts = {}
for i = 1, #KEYS - 1 do
  local g = redis.call('GET', KEYS[i])
  if not g then
    g = ARGV[1]
    redis.call('SET', KEYS[i], g, 'PX', ARGV[2])
  end
  parts[i] = g
end
local token = table.concat(parts, '.')
"""

# ARGV[3]: the token of the caller's local copy ('' when it has none).
# Reply: {token, 1} the local copy is current; {token, 2, bytes, pttl} the Redis copy is;
# {token, 0} nothing current is cached.
_READ = (
    _TOKEN
    + r"""
if token == ARGV[3] then
  return {token, 1}
end
local data = redis.call('GET', KEYS[#KEYS])
if data then
  local cut = string.find(data, '\n', 1, true)
  if cut and string.sub(data, 1, cut - 1) == token then
    return {token, 2, string.sub(data, cut + 1), redis.call('PTTL', KEYS[#KEYS])}
  end
end
return {token, 0}
"""
)

# ARGV[3]: the token the value was loaded under ('' to store under the current one);
# ARGV[4]: the value; ARGV[5]: its lifetime in ms. Reply: the token stored, or nil when a
# write happened since the load began (the value may be stale, so it is not stored).
_WRITE = (
    _TOKEN
    + r"""
if ARGV[3] ~= '' and ARGV[3] ~= token then
  return false
end
redis.call('SET', KEYS[#KEYS], token .. '\n' .. ARGV[4], 'PX', ARGV[5])
return token
"""
)

_EVERYTHING = b"*"
_KEY = b"k"
_PREFIX = b"p"


class RedisCache(Cache):
    """A cache shared by every worker through Redis; see the module docstring.

    Parameters
    ----------
    url
        Redis URL, e.g. ``redis://localhost:6379/0``.
    namespace
        Prefix of every Redis key and of the invalidation channel; deployments (and test
        runs) sharing one Redis keep apart by using different namespaces.
    default_ttl
        Seconds a value lives when no ``ttl`` is given.
    local_max_entries
        Most values kept in the in-process layer.
    generation_ttl
        Seconds an unused generation lives in Redis. Any value is safe (a lost generation
        only turns into misses); it bounds the memory of keys that are never read again.
    socket_timeout
        Seconds to wait for Redis before serving from the loader instead.
    retry_interval, max_retry_interval
        Back-off, in seconds, between attempts to reach Redis while it is down.
    heartbeat_interval
        Seconds between the subscriber's pings (the proof that no invalidation was missed).
    heartbeat_timeout
        Seconds after the last confirmed ping beyond which this instance stops serving
        from the cache (1 s by default); also how long a writer whose invalidation timed
        out waits before it answers. A lapse costs a namespace flush, never a stale read.
    clock
        Monotonic seconds, for the local layer's expiry and the back-off; tests inject one
        (the heartbeat always uses real time).

    Examples
    --------
    >>> cache = RedisCache("redis://localhost:6379/0")  # doctest: +SKIP
    >>> body = cache.get_or_load("persona:1:7", lambda: read_persona_json(7))  # doctest: +SKIP
    >>> cache.invalidate("persona:1:7")  # after the write commits  # doctest: +SKIP
    >>> cache.close()  # doctest: +SKIP
    """

    def __init__(
        self,
        url: str,
        *,
        namespace: str = "personae",
        default_ttl: float = 300.0,
        local_max_entries: int = 1024,
        generation_ttl: float = 86_400.0,
        socket_timeout: float = 0.25,
        retry_interval: float = 0.5,
        max_retry_interval: float = 5.0,
        heartbeat_interval: float = 0.05,
        heartbeat_timeout: float | None = None,
        clock: Clock = time.monotonic,
    ) -> None:
        if not namespace or SEPARATOR in namespace or "\n" in namespace:
            raise ValueError(f"a cache namespace is one non-empty segment; got {namespace!r}")
        self.namespace = namespace
        self.channel = f"{namespace}:invalidate"
        self.default_ttl = resolve_ttl(default_ttl, default_ttl)
        self._generation_ms = str(max(1, int(resolve_ttl(generation_ttl, 1.0) * 1000)))
        self._local: TTLStore[tuple[bytes, bytes]] = TTLStore(
            max_entries=local_max_entries, clock=clock
        )
        self._flights = KeyedLocks()
        self._link = RedisLink(
            url,
            socket_timeout=socket_timeout,
            retry_interval=retry_interval,
            max_retry_interval=max_retry_interval,
            clock=clock,
            on_down=self._local.clear,
            on_up=self._local.clear,
        )
        self._read = self._link.client.register_script(_READ)
        self._write = self._link.client.register_script(_WRITE)
        self._flush_lock = threading.Lock()
        self._failed_invalidations = 0
        self._flushed_invalidations = 0
        self._retry_interval = retry_interval
        self._max_retry_interval = max_retry_interval
        self._poll_seconds = heartbeat_interval
        self._clock = clock
        # Confirmation that this instance has seen every invalidation published so far:
        # the subscriber pings Redis every heartbeat_interval on its subscribed
        # connection; a pong proves that every message published before Redis answered
        # the ping has been applied here (one connection, in order). Reads are served
        # from the cache only while the last confirmed ping was sent less than
        # heartbeat_timeout ago. A writer whose invalidation timed out (Redis stalled)
        # waits heartbeat_timeout more before it answers its client, so by then every
        # other instance has stopped trusting its cache (see _invalidate).
        self._stale_after = heartbeat_timeout if heartbeat_timeout is not None else 1.0
        self._socket_timeout = socket_timeout
        self._now = time.monotonic  # real time: the heartbeat measures a real Redis
        self._trust_lock = threading.Lock()
        self._confirmed_at = -float("inf")
        self._trusted = False
        self._pings: dict[str, float] = {}
        self._confirmed = threading.Event()
        self._stop = threading.Event()
        self._listener = threading.Thread(
            target=self._listen, name=f"personae-cache-{namespace}", daemon=True
        )
        self._listener.start()
        # Serve from the cache from the first request on when Redis is there (a new
        # instance trusts nothing before its first heartbeat).
        self._confirmed.wait(timeout=max(1.0, 4 * socket_timeout))

    @property
    def available(self) -> bool:
        """Whether Redis answered the last attempt (no network call; for health checks)."""
        return self._link.available

    @property
    def confirmed(self) -> bool:
        """Whether reads may be served from the cache now: the subscriber's heartbeat is
        recent and the namespace was flushed after its last lapse (no network call)."""
        with self._trust_lock:
            return self._trusted and self._now() - self._confirmed_at <= self._stale_after

    # -- reads ---------------------------------------------------------------------------

    def get(self, key: str) -> bytes | None:
        """The cached value if it is current, else ``None`` (also while Redis is down)."""
        check_key(key)
        try:
            _token, value = self._lookup(key)
        except RedisUnavailable:
            return None
        return value

    def get_or_load(self, key: str, loader: Loader, *, ttl: float | None = None) -> bytes:
        """The current cached value, or ``loader()``'s, cached unless a write raced it.

        While Redis is down this is ``loader()``: every read goes to the database.
        """
        check_key(key)
        seconds = resolve_ttl(ttl, self.default_ttl)
        with self._flights.hold(key):
            try:
                token, cached = self._lookup(key)
            except RedisUnavailable:
                return check_value(loader())
            if cached is not None:
                return cached
            value = check_value(loader())
            with contextlib.suppress(RedisUnavailable):
                self._store(key, value, seconds, expected=token)
            return value

    # -- writes --------------------------------------------------------------------------

    def set(self, key: str, value: bytes, *, ttl: float | None = None) -> None:
        """Cache ``value`` under the current generation; does nothing while Redis is down."""
        check_key(key)
        check_value(value)
        seconds = resolve_ttl(ttl, self.default_ttl)
        try:
            self._store(key, value, seconds, expected=b"")
        except RedisUnavailable:
            self._local.pop(key)

    def invalidate(self, key: str) -> None:
        """End ``key``'s generation and tell every instance; never raises."""
        check_key(key)
        self._local.pop(key)
        self._invalidate(
            [self._key_generation(key), self._data(key)], _KEY + key.encode(), f"key {key!r}"
        )

    def invalidate_prefix(self, prefix: str) -> None:
        """End the generation of every key under ``prefix``; never raises."""
        check_prefix(prefix)
        self._local.pop_prefix(prefix)
        self._invalidate(
            [self._prefix_generation(prefix)], _PREFIX + prefix.encode(), f"prefix {prefix!r}"
        )

    def clear(self) -> None:
        """End the namespace's epoch: every instance drops everything; never raises."""
        self._local.clear()
        self._invalidate([self._epoch()], _EVERYTHING, "everything")

    def close(self) -> None:
        """Stop the subscriber thread and close the connections."""
        self._stop.set()
        self._listener.join(timeout=5)
        self._link.close()

    # -- internals -----------------------------------------------------------------------

    def _epoch(self) -> str:
        return f"{self.namespace}:g:epoch"

    def _prefix_generation(self, prefix: str) -> str:
        return f"{self.namespace}:g:p:{prefix}"

    def _key_generation(self, key: str) -> str:
        return f"{self.namespace}:g:k:{key}"

    def _data(self, key: str) -> str:
        return f"{self.namespace}:d:{key}"

    def _script_keys(self, key: str) -> list[str]:
        """The generations guarding ``key``, widest first, then its data key."""
        keys = [self._epoch()]
        cut = key.find(SEPARATOR)
        while cut != -1:
            keys.append(self._prefix_generation(key[: cut + 1]))
            cut = key.find(SEPARATOR, cut + 1)
        keys.append(self._key_generation(key))
        keys.append(self._data(key))
        return keys

    def _run(self, operation: Callable[[Redis], Any]) -> Any:
        """Run on Redis, first replaying (as an epoch bump) invalidations that failed."""

        def guarded(client: Redis) -> Any:
            with self._flush_lock:
                failed = self._failed_invalidations
                pending = failed != self._flushed_invalidations
            if pending:
                with client.pipeline(transaction=True) as pipe:
                    pipe.delete(self._epoch())
                    pipe.publish(self.channel, _EVERYTHING)
                    pipe.execute()
                with self._flush_lock:
                    self._flushed_invalidations = max(self._flushed_invalidations, failed)
                logger.warning(
                    "cache namespace %r flushed: invalidations failed while Redis was away",
                    self.namespace,
                )
            return operation(client)

        return self._link.run(guarded)

    def _require_confirmation(self) -> None:
        """Raise :class:`RedisUnavailable` unless this instance is known to be current.

        A stalled Redis (``SIGSTOP``, a frozen VM) answers nothing and reports no error;
        writes whose invalidation timed out meanwhile are acknowledged. So a read is
        served from the cache only while the subscriber's heartbeat is recent and no
        lapse has happened since the last epoch flush; otherwise it goes to the loader
        (the database) and nothing is cached, until the heartbeat is back and the
        namespace has been flushed.
        """
        now = self._now()
        with self._trust_lock:
            if self._trusted and now - self._confirmed_at > self._stale_after:
                self._trusted = False
            trusted = self._trusted
        if not trusted:
            self._local.clear()
            raise RedisUnavailable("the cache cannot confirm it has seen every invalidation")

    def _heard(self, marker: object) -> None:
        """A pong: move the confirmation forward; after a lapse, flush before trusting."""
        name = marker.decode() if isinstance(marker, bytes) else str(marker)
        sent = self._pings.pop(name, None)
        if sent is None:
            return
        for older in [m for m, at in self._pings.items() if at < sent]:
            del self._pings[older]  # pongs come in order: those were lost with a reconnect
        now = self._now()
        with self._trust_lock:
            lapsed = now - sent > self._stale_after or now - self._confirmed_at > self._stale_after
            if lapsed:
                self._trusted = False
            self._confirmed_at = max(self._confirmed_at, sent)
            trusted = self._trusted
        if trusted:
            return
        self._local.clear()
        try:
            self._flush_epoch()
        except Exception as exc:  # retried at the next pong
            logger.debug("cache epoch flush after a heartbeat lapse failed (%s)", exc)
            return
        with self._trust_lock:
            self._trusted = True
        self._confirmed.set()

    def _flush_epoch(self) -> None:
        """End the namespace's epoch now, bypassing the link's back-off (raises on failure)."""
        with self._link.client.pipeline(transaction=True) as pipe:
            pipe.delete(self._epoch())
            pipe.publish(self.channel, _EVERYTHING)
            pipe.execute()

    def _lookup(self, key: str) -> tuple[bytes, bytes | None]:
        """``(current token, current value or None)``; raises :class:`RedisUnavailable`."""
        local = self._local.get(key)
        keys = self._script_keys(key)
        args: list[str | bytes] = [
            secrets.token_hex(8),
            self._generation_ms,
            local[0] if local else b"",
        ]
        reply = self._run(lambda client: self._read(keys=keys, args=args, client=client))
        self._require_confirmation()  # after the call, so the link notices a recovery
        token, status = bytes(reply[0]), int(reply[1])
        if status == 1 and local is not None:
            return token, local[1]
        if status == 2:
            value, pttl = bytes(reply[2]), int(reply[3])
            if pttl > 0:
                self._local.put(key, (token, value), pttl / 1000)
            return token, value
        self._local.pop(key)
        return token, None

    def _store(self, key: str, value: bytes, seconds: float, *, expected: bytes) -> None:
        """Write ``value`` if ``expected`` is still current (or is empty); raises when down."""
        keys = self._script_keys(key)
        args: list[str | bytes] = [
            secrets.token_hex(8),
            self._generation_ms,
            expected,
            value,
            str(max(1, int(seconds * 1000))),
        ]
        stored = self._run(lambda client: self._write(keys=keys, args=args, client=client))
        if stored is None:
            self._local.pop(key)
        else:
            self._local.put(key, (bytes(stored), value), seconds)

    def _invalidate(self, generations: list[str], message: bytes, what: str) -> None:
        def operation(client: Redis) -> None:
            with client.pipeline(transaction=True) as pipe:
                pipe.delete(*generations)
                pipe.publish(self.channel, message)
                pipe.execute()

        try:
            self._run(operation)
        except RedisUnavailable:
            # The link may only be in its back-off window while Redis is back for other
            # instances: try once more past the breaker, as an epoch flush.
            started = self._now()
            try:
                self._flush_epoch()
            except Exception:
                if self._now() - started >= self._socket_timeout / 2:
                    # Redis is stalled, not gone: wait until every other instance's
                    # heartbeat has lapsed, so none serves what this write replaced
                    # once its response is out (they flush the epoch when Redis is back).
                    time.sleep(self._stale_after)
            else:
                self._local.clear()
                return
            with self._flush_lock:
                first = self._failed_invalidations == self._flushed_invalidations
                self._failed_invalidations += 1
            self._local.clear()
            if first:  # one line per outage, however many writes it spans
                logger.warning(
                    "cache invalidation of %s could not reach Redis; the whole namespace "
                    "%r will be flushed when it is back",
                    what,
                    self.namespace,
                )

    def _apply(self, message: bytes) -> None:
        """Drop the local copies an invalidation message names."""
        kind, name = message[:1], message[1:].decode("utf-8", "replace")
        if kind == _KEY:
            self._local.pop(name)
        elif kind == _PREFIX:
            self._local.pop_prefix(name)
        else:
            self._local.clear()

    def _listen(self) -> None:
        """The subscriber thread: apply invalidation messages, reconnect with back-off."""
        backoff = self._retry_interval
        while not self._stop.is_set():
            pubsub = None
            try:
                pubsub = self._link.client.pubsub(ignore_subscribe_messages=True)
                pubsub.subscribe(self.channel)
                # Messages sent while we were not subscribed are lost: start afresh, and
                # trust nothing until a heartbeat has come back (and the epoch flushed).
                with self._trust_lock:
                    self._trusted = False
                self._local.clear()
                self._pings.clear()
                backoff = self._retry_interval
                last_ping = -float("inf")
                sequence = 0
                while not self._stop.is_set():
                    now = self._now()
                    if now - last_ping >= self._poll_seconds:
                        sequence += 1
                        marker = f"hb{sequence}"
                        self._pings[marker] = now
                        pubsub.ping(marker)
                        last_ping = now
                    message = pubsub.get_message(timeout=self._poll_seconds)
                    if message is None:
                        continue
                    if message.get("type") == "message":
                        self._apply(bytes(message["data"]))
                    elif message.get("type") == "pong":
                        self._heard(message.get("data"))
            except Exception as exc:  # the listener must outlive any failure
                with self._trust_lock:
                    self._trusted = False
                self._local.clear()
                if not self._stop.is_set():
                    logger.debug("cache subscriber lost Redis (%s); retrying", exc)
                self._stop.wait(backoff)
                backoff = min(backoff * 2, self._max_retry_interval)
            finally:
                if pubsub is not None:
                    with contextlib.suppress(Exception):
                        pubsub.close()
