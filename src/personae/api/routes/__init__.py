"""One router per resource; :func:`personae.api.main.create_app` combines them.

Order matters where paths overlap: the fixed paths under ``/api/personas``
(``/export``, ``/sync``, ``/import/card``, ``/user/{id}``) are registered before
``/api/personas/{persona_id}``.
"""

from __future__ import annotations

from fastapi import APIRouter

from personae.api.routes import (
    account,
    auth,
    cards,
    chat,
    content,
    experiments,
    generate,
    health,
    personas,
    platforms,
    quality,
    strategy,
    style,
    sync,
    validate,
    versions,
)

__all__ = ["HOT_ROUTES", "ROUTERS"]

HOT_ROUTES = personas.HOT_ROUTES
"""Plain Starlette routes registered before :data:`ROUTERS` (see ``personas.HOT_ROUTES``)."""

ROUTERS: tuple[APIRouter, ...] = (
    health.router,
    auth.router,
    account.router,
    sync.router,
    cards.router,
    validate.router,  # /api/personas/{platform}/validate, before the {persona_id} routes
    generate.router,  # /api/personas/generate…, before the {persona_id} routes
    generate.jobs_router,
    experiments.router,  # /api/content/experiments…, before /api/content/{piece_id}
    content.router,  # /api/content…, after POST /api/content/generate
    personas.router,
    versions.router,
    platforms.router,
    quality.router,
    style.router,
    strategy.router,
    chat.router,
)
"""Every router, in registration order."""
