"""The FastAPI application: ``create_app(settings)`` wires routers, errors and limits.

>>> from personae.api import create_app
>>> from personae.config import Settings
>>> app = create_app(Settings(database_url="sqlite:///personae.db"))  # doctest: +SKIP

Nothing is opened at import time. The database, the cache and the rate limiter are built
in the app's lifespan from the settings it was created with, and closed when it stops.
For ``uvicorn personae.api.main:app`` the module-level ``app`` is created on first access
from :func:`personae.config.get_settings`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from functools import partial
from typing import Any

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from personae import __version__
from personae.api._errors import install_error_handlers
from personae.api._headers import SecurityHeadersMiddleware
from personae.api._integrations import install_integrations
from personae.api._limits import BodySizeLimitMiddleware
from personae.api._redact import install_log_redaction
from personae.api._state import AppState, ModelFactory, open_state
from personae.api.routes import HOT_ROUTES, ROUTERS
from personae.config import Settings, get_settings
from personae.content import DueScheduler
from personae.web import install_studio

__all__ = ["create_app"]

_DESCRIPTION = """\
personae measures a writer's voice from their own texts and keeps versioned personas.

Every answer is an envelope: `{"success": true, "data": …}` or
`{"success": false, "error": {"code", "message", "details"}}`.

Sign in with `POST /api/auth/register` or `/api/auth/login`, then send
`Authorization: Bearer <access_token>` (or an API key, `pk_…`) on every other route.
"""


def create_app(settings: Settings | None = None, *, llm_for: ModelFactory | None = None) -> FastAPI:
    """Build the HTTP API.

    Parameters
    ----------
    settings
        Configuration; :func:`personae.config.get_settings` when ``None``. Tests pass their
        own (a temporary database, a Redis namespace, tight rate limits).
    llm_for
        The model factory of the routes that write (see :data:`~personae.api._state.ModelFactory`);
        the configured provider when ``None``. Tests pass a scripted model.

    Returns
    -------
    FastAPI
        The app. Its lifespan opens the database (which must be migrated: ``personae
        serve`` does that for SQLite), the cache and the rate limiter, and closes them.

    Examples
    --------
    >>> from fastapi.testclient import TestClient  # doctest: +SKIP
    >>> with TestClient(create_app(settings)) as client:  # doctest: +SKIP
    ...     client.get("/api/health").json()["data"]["status"]
    'ok'
    """
    resolved = settings if settings is not None else get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state: AppState = await run_in_threadpool(partial(open_state, resolved, llm_for=llm_for))
        app.state.personae = state
        scheduler = DueScheduler(  # due pieces go out at their time; settled ones teach
            state.database,
            state.jobs,
            interval=resolved.content_scheduler_seconds,
            settle_after=timedelta(hours=resolved.content_settle_hours),
        )
        scheduler.start()
        try:
            yield
        finally:
            await run_in_threadpool(scheduler.stop)
            await run_in_threadpool(state.close)

    app = FastAPI(
        title="personae",
        version=__version__,
        summary="A self-hostable persona engine: measure a writer's voice, keep their personas.",
        description=_DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # served by the studio with its assets from the package (offline)
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    install_error_handlers(app)
    install_log_redaction()
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=resolved.max_request_bytes)
    app.add_middleware(SecurityHeadersMiddleware)
    app.router.routes.extend(HOT_ROUTES)  # before the routers, so they match first
    for router in ROUTERS:
        app.include_router(router)
    install_integrations(app, resolved)  # /v1, /mcp, /metrics, /api/usage, CORS, request ids
    install_studio(app)  # the web studio at /, offline /docs, gzip
    return app


_app: FastAPI | None = None


def __getattr__(name: str) -> Any:
    """``app``, built on first access, for ``uvicorn personae.api.main:app``."""
    global _app
    if name == "app":
        if _app is None:
            _app = create_app()
        return _app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
