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

Design notes
============

`personae.cache`
----------------

A read-through cache for persona reads, values as bytes (the API caches the JSON it
sends), keys as `:`-separated paths (`persona:<owner>:<id>`) so that
`invalidate_prefix("persona:<owner>:")` drops an owner's entries. The one promise both
backends keep: **once `invalidate()` returns, no reader gets the value cached before it**,
including a value whose load was running during the write (the write path calls
`invalidate` after its commit). `get_or_load` therefore caches a loaded value only if no
invalidation happened while the loader ran, and concurrent misses on one key in one
process share one load.

- `NullCache` (`PERSONAE_CACHE_ENABLED=false`): keeps nothing; every read is the loader's.
  For measuring what the cache is worth, with the callers' code path unchanged.
- `MemoryCache` (default): a bounded, thread-safe LRU with per-entry TTL
  (`PERSONAE_CACHE_TTL_SECONDS`) on an injectable monotonic clock. Per process: with
  several workers and no Redis, another worker may serve a value for up to the TTL after
  a write.
- `RedisCache` (`PERSONAE_REDIS_URL`): Redis shared by the workers, with an in-process layer
  in front. Pub/sub alone cannot keep the promise (a message arrives *after* `PUBLISH`
  returns), so every key has **generations** in Redis (the namespace's epoch, each
  prefix's, the key's own; random nonces, created when missing). A cached value carries
  the token of the generations current when its load began. Invalidation deletes a
  generation in one `MULTI` with the `PUBLISH`. Every read is one Lua script call that
  compares the local copy's token with Redis's: equal means the local bytes are served and
  nothing else crosses the network, otherwise the Redis copy is returned only if its token
  is current. Nonces (not counters) make expiry, eviction, `FLUSHALL` and restarts safe: a
  lost generation comes back as a new nonce, never as an old value that matches again.
  The subscriber thread only frees memory by dropping local copies early. Redis Cluster is
  not supported, since a script touches keys in several slots.
- **Redis down**: every call goes through `personae/_redis.py`'s `RedisLink`, which has
  0.25 s connect and read timeouts, one immediate retry (redis-py's default is ten with
  back-off), and a circuit breaker (0.5 s back-off doubling to 5 s, no network while
  open). It logs one warning per outage and reconnects on the first call after the
  back-off. While Redis is down, reads go to the loader (the local layer cannot be
  validated, and it is emptied when the link or the subscriber drops and again when they
  come back), and writes and invalidations never raise. A failed invalidation is
  remembered. Before this instance's next successful Redis command it deletes the
  namespace epoch, so every worker drops everything cached before the outage.
  **A stalled Redis** (`SIGSTOP`) reports no error, so the subscriber also pings Redis
  every 50 ms on its subscribed connection: a pong proves every invalidation published
  before it was applied here. Reads use the cache only while the last confirmed ping was
  sent less than 1 s ago and no lapse has happened since the last epoch flush; after a
  lapse the worker reads the database until a pong comes back, then deletes the epoch
  before trusting again (a new worker does so at its first pong). A writer whose
  invalidation times out (and whose retry past the circuit breaker does too) sleeps
  1 s before answering, so every other worker has lapsed by then. Under CPU starvation
  a lapse costs a namespace flush, never a stale read. The limit: if Redis stays up for
  the other workers while this one cannot reach it, they may serve the replaced value
  until this instance reaches Redis again or the TTL passes.
"""

from __future__ import annotations

from personae.cache._base import Cache
from personae.cache._build import build_cache
from personae.cache._memory import MemoryCache
from personae.cache._null import NullCache
from personae.cache._redis import RedisCache

__all__ = ["Cache", "MemoryCache", "NullCache", "RedisCache", "build_cache"]
