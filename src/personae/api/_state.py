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
from personae.store import Database

__all__ = ["AppState", "open_state"]


@dataclass(slots=True)
class AppState:
    """The long-lived collaborators of the routes, one set per app."""

    settings: Settings
    database: Database
    cache: Cache
    limiter: RateLimiter
    verified_tokens: VerifiedTokens = field(default_factory=VerifiedTokens)
    """Access tokens this app has verified, until they expire (see ``VerifiedTokens``)."""

    def close(self) -> None:
        """Stop the cache's subscriber, close Redis connections, dispose the engine."""
        try:
            self.cache.close()
        finally:
            try:
                self.limiter.close()
            finally:
                self.database.dispose()


def open_state(settings: Settings) -> AppState:
    """Open the database and build the cache and limiter the settings ask for.

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
    return AppState(
        settings=settings,
        database=database,
        cache=build_cache(settings),
        limiter=build_rate_limiter(settings),
    )
