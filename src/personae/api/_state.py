"""What one running app holds: settings, database, cache, rate limiter, verified tokens.

Built in the app's lifespan (never at import time, so importing the API opens no
connections and a test can build many apps with different settings) and closed when
the app stops.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from personae.auth import RateLimiter, VerifiedTokens, build_rate_limiter
from personae.cache import Cache, build_cache
from personae.config import Settings
from personae.jobs import JobRunner, ModelFactory, build_job_runner
from personae.llm import LLM, build_recorded_llm
from personae.store import Database

__all__ = ["AppState", "ModelFactory", "open_state"]


@dataclass(slots=True)
class AppState:
    """The long-lived collaborators of the routes, one set per app."""

    settings: Settings
    database: Database
    cache: Cache
    limiter: RateLimiter
    jobs: JobRunner
    llm_for: ModelFactory
    """The model a request uses: the configured provider (a request's ``llm`` overrides
    ``PERSONAE_LLM``), cached and accounted for the owner; tests pass a scripted one."""
    verified_tokens: VerifiedTokens = field(default_factory=VerifiedTokens)
    """Access tokens this app has verified, until they expire (see ``VerifiedTokens``)."""

    def close(self) -> None:
        """Finish running jobs, stop the cache's subscriber, close Redis, dispose the engine."""
        try:
            self.jobs.close()
            self.cache.close()
        finally:
            try:
                self.limiter.close()
            finally:
                self.database.dispose()


def open_state(settings: Settings, *, llm_for: ModelFactory | None = None) -> AppState:
    """Open the database and build the cache, limiter, job runner and models the settings
    ask for (``llm_for`` replaces the model factory, for tests).

    Raises
    ------
    StoreError
        The database cannot be reached, or is not migrated to this release (run
        ``personae db upgrade``; ``personae serve`` does it for SQLite). Failing at
        start-up says so once, instead of answering 503 to every request.
    """
    database = Database(settings.resolved_database_url())
    try:
        database.ensure_current()
    except BaseException:
        database.dispose()
        raise

    def recorded(owner_id: int, purpose: str, spec: str | None) -> LLM:
        return build_recorded_llm(
            settings, database=database, owner_id=owner_id, spec=spec, purpose=purpose
        )

    models = llm_for if llm_for is not None else recorded
    return AppState(
        settings=settings,
        database=database,
        cache=build_cache(settings),
        limiter=build_rate_limiter(settings),
        jobs=build_job_runner(settings, database, llm_for=models),
        llm_for=models,
    )
