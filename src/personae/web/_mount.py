""":func:`install_studio`: the studio's pages, its JSON routes, static files, offline
``/docs`` and gzip, added to the API's app."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from starlette.middleware.gzip import GZipMiddleware

from personae.web import _api, _content_api, _pages
from personae.web._static import PackedStatic

__all__ = ["GZIP_MIN_BYTES", "install_studio"]

GZIP_MIN_BYTES = 1024
"""Answers smaller than this go uncompressed: gzip would save less than it costs."""


def install_studio(app: FastAPI) -> None:
    """Serve the studio at ``/`` beside the API.

    The app must have been created with ``docs_url=None``: ``/docs`` is served here with
    Swagger UI's assets from the package (``/static/vendor/swagger-ui``), so it works on
    a machine without internet. Gzip is added last, so it wraps every answer (Starlette's
    middleware leaves ``text/event-stream`` alone, so streamed drafts are not buffered).
    """
    app.mount("/static", PackedStatic(_pages.HERE / "static"), name="static")
    app.include_router(_api.router)
    app.include_router(_content_api.router)
    app.include_router(_pages.router)

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} API",
            swagger_js_url="/static/vendor/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url="/static/vendor/swagger-ui/swagger-ui.css",
            swagger_favicon_url="/static/favicon.svg",
        )

    app.add_middleware(GZipMiddleware, minimum_size=GZIP_MIN_BYTES, compresslevel=6)
