"""The OpenAI-compatible API at ``/v1``: personas as models (see ``_routes``)."""

from __future__ import annotations

from personae.api.v1._routes import SESSION_HEADER, router

__all__ = ["SESSION_HEADER", "router"]
