"""What one running app holds: settings, database, cache, rate limiter, verified tokens.

Built in the app's lifespan (never at import time, so importing the API opens no
connections and a test can build many apps with different settings) and closed when
the app stops.
"""

from __future__ import annotations

import logging
import os
import secrets
from dataclasses import dataclass, field

from pydantic import SecretStr

from personae.auth import RateLimiter, VerifiedTokens, build_rate_limiter
from personae.cache import Cache, build_cache
from personae.config import DEVELOPMENT_SECRET_KEY, Settings
from personae.errors import LLMSpecError
from personae.jobs import JobRunner, ModelFactory, build_job_runner, recorded_models
from personae.llm import LLM
from personae.store import Database

__all__ = ["AppState", "ModelFactory", "open_state"]

logger = logging.getLogger("personae.api")


def _no_server_path(spec: str) -> None:
    provider, sep, model = spec.strip().partition(":")
    if provider.strip().lower() == "local" and sep and model.strip():
        raise LLMSpecError(
            "a request may ask for the local model ('local') but not name a file: the "
            "model file is the server's setting (PERSONAE_LLM_MODEL_PATH)"
        )


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


def _with_real_secret(settings: Settings) -> Settings:
    """Settings whose signing key is not the published development placeholder.

    A development server started without ``PERSONAE_SECRET_KEY`` would accept tokens
    signed with the placeholder from the source code, so it uses a random key kept in
    ``<data_dir>/secret_key`` (created once, mode 0600, so tokens survive restarts) and
    says so once. Production refuses the placeholder in the settings already.
    """
    if settings.secret_key.get_secret_value() != DEVELOPMENT_SECRET_KEY:
        return settings
    path = settings.data_dir / "secret_key"
    try:
        secret = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        secret = ""
    if len(secret) < 32:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        secret = secrets.token_urlsafe(48)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(secret + "\n")
        logger.warning(
            "PERSONAE_SECRET_KEY is not set: signing tokens with a random key generated "
            "in %s (set PERSONAE_SECRET_KEY to choose one)",
            path,
        )
    return settings.model_copy(update={"secret_key": SecretStr(secret)})


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
    settings = _with_real_secret(settings)
    database = Database(settings.resolved_database_url())
    try:
        database.ensure_current()
    except BaseException:
        database.dispose()
        raise

    configured = recorded_models(settings, database)

    def recorded(owner_id: int, purpose: str, spec: str | None) -> LLM:
        if spec is not None:
            _no_server_path(spec)  # the schemas refuse it first; this is the net
        return configured(owner_id, purpose, spec)

    models = llm_for if llm_for is not None else recorded
    return AppState(
        settings=settings,
        database=database,
        cache=build_cache(settings),
        limiter=build_rate_limiter(settings),
        jobs=build_job_runner(settings, database, llm_for=models),
        llm_for=models,
    )
