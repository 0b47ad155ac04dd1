"""What issue 18 adds to the app, installed in one place: ``/v1`` (OpenAI-compatible),
``/mcp`` (the MCP server), ``/metrics``, request ids and timing, and CORS.

``create_app`` calls :func:`install_integrations` once, after the API's routers and
before the studio (which mounts ``/``), so these paths are matched first.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware

from personae.api._logs import REQUEST_ID_HEADER
from personae.api._mcp import install_mcp
from personae.api._metrics import RequestObserver, metrics_route
from personae.api._state import AppState
from personae.api.routes import usage
from personae.api.v1 import SESSION_HEADER
from personae.api.v1 import router as v1_router
from personae.config import Settings
from personae.usage import budgeted, build_usage_service

__all__ = ["cors_origins", "install_integrations"]

logger = logging.getLogger("personae.api")


def cors_origins(settings: Settings) -> list[str]:
    """``PERSONAE_CORS_ORIGINS`` as a list (empty: no cross-origin access)."""
    return [
        origin.strip().rstrip("/") for origin in settings.cors_origins.split(",") if origin.strip()
    ]


def install_integrations(app: FastAPI, settings: Settings) -> None:
    """Add the routes and middleware above to ``app`` (see the module docstring)."""
    app.include_router(v1_router)
    app.include_router(usage.router)
    if settings.metrics == "on":
        app.router.routes.append(metrics_route(settings))
        if settings.environment == "production" and settings.metrics_token is None:
            logger.warning(
                "/metrics is served without a token (route names, counts, model names; no "
                "user data): set PERSONAE_METRICS_TOKEN, or PERSONAE_METRICS=off"
            )
    running = install_mcp(app)
    original = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(target: FastAPI) -> AsyncIterator[None]:
        async with original(target), running():
            state: AppState = target.state.personae
            # Every model the routes ask for is checked against the monthly budget first.
            state.llm_for = budgeted(state.llm_for, build_usage_service(settings, state.database))
            yield

    app.router.lifespan_context = lifespan
    origins = cors_origins(settings)
    if origins:
        # Innermost, so its preflight answers get the security headers like any other.
        app.user_middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=origins,
                allow_credentials=False,  # bearer tokens, not cookies: nothing ambient to send
                allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
                allow_headers=["Authorization", "Content-Type", SESSION_HEADER, REQUEST_ID_HEADER],
                expose_headers=[REQUEST_ID_HEADER, "Retry-After"],
                max_age=600,
            )
        )
    # Outermost: every answer has an id and, with metrics on, is timed.
    app.add_middleware(RequestObserver, record=settings.metrics == "on")
