"""The HTTP API: a thin FastAPI shell over the store, cache, auth and style packages.

Routes parse input, call public personae functions and wrap the result in the
``{"success": …}`` envelope; errors from :mod:`personae.errors` become statuses in one
handler. Importing this package needs FastAPI; ``import personae`` never loads it.

>>> from personae.api import create_app
>>> app = create_app()  # doctest: +SKIP

Design notes
============

`personae.api`
--------------

A thin FastAPI shell (`create_app(settings) -> FastAPI`); routes validate input, call the
store, style, auth and cache functions, and wrap the result. No domain logic lives here.

- **`main.py`**: `create_app` builds the app and nothing else: the database, the cache and
  the rate limiter are opened in the app's **lifespan** from the settings it was given
  (`_state.open_state`, which also refuses a database behind this release's schema) and
  closed when it stops. So importing the API opens nothing, and tests build many apps
  with different settings. The module-level `app` exists only for `uvicorn
  personae.api.main:app` and is built on first access; `personae serve` uses the
  factory (`uvicorn --factory personae.api.main:create_app`).
- **`routes/`**: one router per resource, combined in `routes/__init__.py`'s `ROUTERS`
  (fixed paths such as `/api/personas/export` before `/api/personas/{persona_id}`):
  `health`, `auth` (register, login, refresh, me, API keys), `account` (GDPR export and
  erasure of the caller), `sync` (definitions files in and out), `cards` (character cards
  in and out), `personas` (list, create, read, update, delete; `/user/{id}`), `versions`
  (history, diff, rollback, labels), `platforms`, `quality` (quality, feedback,
  analytics), `style` (analyze, match), `validate` (platform rules, computed quality),
  `generate` (persona generation jobs, drafts, content with the optimize loop or as
  server-sent events, platform adaptation; `/api/jobs`) and `strategy`. The chat router
  will be added to `ROUTERS` the same way. Every route declares a summary, its response model
  (`Envelope[T]`) and its error responses (`ErrorEnvelope`, with `WWW-Authenticate` and
  `Retry-After` headers documented).
- **`deps.py`**: the `Annotated` dependencies. Routes take services
  (`PersonaServiceDep`, `AccountServiceDep`, `StrategyServiceDep`, …) and open no session:
  each service method is its own unit of work, committed before it returns, so **before**
  the response is sent, with the cache invalidations as its after-commit hooks
  (`api/_cache.py` wires them). Inserts that can race on a unique key run in a savepoint
  and take the winner's row on a conflict.
  `CurrentUserDep` authenticates
  (`Authorization: Bearer` with an access token or an API key) and spends one unit of
  the caller's rate budget. It needs no session of the request: an access token's
  signature is verified once (`VerifiedTokens`) and its sign-in (`sid`) is checked on
  every request through the cache (`session:<user>:<sid>`, 5 s TTL, invalidated after
  the commit of a logout, a refresh-token reuse or an account deletion), and an API key
  is looked up in a short unit of work of its own, which also records its use (at most
  once a minute). So a read served from the cache touches no database at all. A demoted
  user's access token keeps its role claim until it expires (15 minutes by default), and
  the places where it would matter check the store: `LiveUserDep` (routes that
  create rows or act on the account: 401 once the account is gone), `AdminDep` and the
  admin branch of `/api/personas/user/{id}` (the admin role confirmed in the store, so a
  demotion takes effect at once), and refresh (re-reads the user). `PasswordUserDep`
  refuses API keys (key management and account erasure need a password sign-in, so a
  leaked key cannot mint keys or erase the account).
  `SettingsDep`, `CacheDep`, `StateDep` hand out what the lifespan built; path aliases
  (`PersonaIdPath` …) bound every id to `MAX_INT`. Dependencies that only look something
  up are `async` (no thread-pool hop); those that do I/O run in the pool. The hot path,
  `GET /api/personas/{id}`, is a coroutine end to end when it can be: `get_current_user`
  checks a token and spends an in-process rate budget on the event loop (an API-key
  lookup or a Redis limiter goes to the pool, by the `in_process` flag of the limiter),
  and `read_persona_json_async` serves an in-process cache hit on the loop and sends
  misses, or a Redis cache, to the pool. Each pool hop cost more than the work it
  carried (`benchmarks/api_bench.py`: cached reads went from 0.56× to 0.85× of a
  thread-pool bare endpoint).
- **Owner isolation**: every persona route takes the owner from the caller and uses the
  owner-scoped `crud` reads and writes, never a lookup by id alone, so another user's
  persona answers 404 exactly like a missing one. Only `GET /api/personas/user/{id}`
  lets an admin read another user's data (the list); for anyone else it is a 404.
  `tests/api/routes/test_personas.py` sends a valid request to every route under
  `{persona_id}` (the list is checked against the OpenAPI schema, so a new route must
  join it) as another user and checks the 404 and that nothing changed.
- **Cache**: persona reads (`GET /api/personas/{id}`, `GET …/platform/{p}`) go through
  the read-through cache (`_cache.py`), which stores the exact JSON of `data`, so a hit is
  served without parsing. Keys are `persona:<owner>:<persona>:doc` and
  `…:platform:<name>`: the owner comes first, so a key can only ever be built from the
  caller's own id, and one prefix drops an owner's or a persona's entries. Loaders read
  in a session of their own, started after the cache has taken its invalidation token.
  Every write that changes a persona (PUT, DELETE, rollback, label, platform upsert,
  feedback with an edited text, card import, sync, account erasure) runs
  `invalidate_prefix("persona:<owner>:<persona>:")` (or the owner's prefix) from the
  service's after-commit hook; it runs after the commit, before the response. With Redis that
  invalidation holds for every worker once it returns (see `personae.cache`), so after a
  write's response no worker serves the old version; with the in-process cache only the
  worker that wrote is invalidated at once, others within the TTL.
- **Auth flow**: `POST /api/auth/register` hashes the password (argon2id, policy 8..256
  characters) and returns the user and a token pair; `POST /api/auth/login` verifies it
  (an unknown e-mail costs the same time as a wrong password); `POST /api/auth/refresh`
  trades a refresh token for a new pair after re-reading the user. `POST /api/auth/keys`
  returns an API key's plaintext once; the store keeps its prefix and SHA-256.
- **Rate limits**: every authenticated request spends one unit of
  `PERSONAE_RATE_LIMIT_PER_MINUTE` of its user (`user:<id>`) or API key (`key:<prefix>`,
  a budget of its own); register, login and refresh spend
  `PERSONAE_AUTH_RATE_LIMIT_PER_MINUTE` of the client address (`signin:<ip>`), the brake
  on password guessing. The limiter is in memory, or in Redis (shared by the workers)
  when `PERSONAE_REDIS_URL` is set. Refusals are 429 with `Retry-After`.
- **Request size**: `_limits.BodySizeLimitMiddleware`, pure ASGI and outermost,
  refuses a body over `PERSONAE_MAX_REQUEST_BYTES` (1 MiB) with 413: on its declared
  `Content-Length` before reading anything (and before authentication), or by counting
  a chunked body as it arrives. Texts to measure are further capped by
  `PERSONAE_MAX_TEXT_CHARS`.
- **Errors** (`_errors.py`): one handler on `PersonaeError` (Starlette looks handlers up
  along the MRO) maps the family to a status through `STATUS_BY_ERROR`, itself looked up
  along the MRO: `InputError`, `ProfileError`, `SyncError`, `CardError` → 422,
  `NotFoundError` → 404, `ConflictError` → 409, `AuthError` → 401 with
  `WWW-Authenticate: Bearer` (`error="invalid_token"` when a token was sent),
  `PermissionDeniedError` → 403, `RateLimitedError` → 429 with `Retry-After`,
  `StoreError` → 503, a bare `PersonaeError` → 400. Request validation errors are 422
  listing field paths (`body.expertise[1]`) without echoing the input (it may be a
  password); a body that is not JSON (syntax, not UTF-8, too deep) is a 422 too. Unknown
  routes (404), wrong methods (405) and oversize bodies (413) keep the envelope, and
  anything unexpected is a 500 envelope with no internals (the traceback goes to the log).
  Routes raise domain errors, never `HTTPException`.
- **Quality, feedback, analytics** report what is stored and computed, never estimates:
  quality is the confidence score, the stored validation results and what the measured
  voice rests on (samples, words, dimensions); feedback stores the rating (metric
  `feedback_rating`) and comment (analysis result `feedback`), and an `edited_text` is
  measured once, matched against the voice as it was (metric `edit_match_score`) and
  added to it (what `StyleProfile.update` does), stored as a new version; analytics are
  version counts, ratings over time and per day, and every metric series summarised.
- **Bodies that are files**: definitions (`POST /api/personas/sync`, JSON or YAML by
  `Content-Type`) and character cards (`POST /api/personas/import/card`, JSON or PNG)
  are read raw and parsed by the store, which reports their errors (`SyncError`,
  `CardError` → 422). The routes stay synchronous and get the bytes through an async
  dependency (`_body.py`).


The API's hot path
------------------

`GET /api/personas/{id}` is the most frequent request and, when cached, does almost no
work; FastAPI 0.165's per-request cost (walking every included router, solving five
dependencies) was several times that work. So the same read is also registered as a plain
Starlette route (`routes/personas.py`, `HOT_ROUTES`) **before** the routers. It calls the
same `authenticate()` (token or API key, then the rate limiter), the same owner-scoped
cached read and raises the same `PersonaeError`s, which the app's one handler renders.
Its path convertor takes only ids of one to nine digits without leading zeros, all
valid, so it needs no validation; other ids, and PUT/DELETE, fall through to the
documented FastAPI routes. Access tokens verified once are remembered until they expire
(`auth.VerifiedTokens`, per app): exact, since a token cannot change.
"""

from __future__ import annotations

from personae.api.main import create_app

__all__ = ["create_app"]
