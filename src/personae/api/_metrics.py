"""``/metrics`` and the middleware that times every request and gives it an id.

:class:`RequestObserver` is a pure ASGI middleware: it names the request (its
``X-Request-Id``, see :mod:`personae.api._logs`), times it, and records the latency under
the *route template* that served it (``/api/personas/{persona_id}``, never the raw path,
whose ids would make a metric per persona) and the status. A path no route matches is
recorded as ``unmatched``.

``/metrics`` (``PERSONAE_METRICS=on``, the default) answers Prometheus's text format;
with ``PERSONAE_METRICS_TOKEN`` it wants ``Authorization: Bearer <token>`` (compared in
constant time). ``off`` serves no ``/metrics`` (a 404 like any unknown path) and records
no requests; the per-event counters of model calls, cache lookups and jobs still tick
(one locked increment each), since Prometheus keeps them per process, not per app.
"""

from __future__ import annotations

import hmac
import re
import time
from functools import lru_cache

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Match, Mount, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from personae._metrics import exposition, observe_request
from personae.api._errors import error_response
from personae.api._logs import REQUEST_ID_HEADER, request_id_for, request_id_var
from personae.config import Settings

__all__ = ["RequestObserver", "metrics_route"]

_HEADER = REQUEST_ID_HEADER.lower().encode("latin-1")


_CONVERTOR = re.compile(r"\{(\w+):[^}]+\}")


@lru_cache(maxsize=1024)
def _plain(path: str) -> str:
    """``/api/personas/{persona_id:persona_id}`` → ``/api/personas/{persona_id}``."""
    return _CONVERTOR.sub(r"{\1}", path)


def _template(scope: Scope) -> str:
    """The template of the route that served ``scope`` (set by the router as it matched)."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    if isinstance(path, str) and path:
        return _plain(path)
    app = scope.get("app")
    router = getattr(app, "router", None)
    for candidate in getattr(router, "routes", ()):
        if isinstance(candidate, Route | Mount):
            match, _ = candidate.matches(scope)
            if match is Match.FULL:
                return _plain(str(candidate.path))
    return "unmatched"


class RequestObserver:
    """Give every HTTP request an id and (``record``) its latency by route and status."""

    def __init__(self, app: ASGIApp, *, record: bool = True) -> None:
        self.app = app
        self.record = record

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sent = None
        for name, value in scope["headers"]:
            if name == _HEADER:
                sent = value.decode("latin-1")
                break
        request_id = request_id_for(sent)
        token = request_id_var.set(request_id)
        status = 500
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((_HEADER, request_id.encode("latin-1")))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            if self.record:
                observe_request(
                    method=scope["method"],
                    route=_template(scope),
                    status=status,
                    seconds=time.perf_counter() - started,
                )
            request_id_var.reset(token)


def metrics_route(settings: Settings) -> Route:
    """The ``/metrics`` route for these settings (only registered when they turn it on)."""
    expected = (
        settings.metrics_token.get_secret_value().encode("utf-8")
        if settings.metrics_token is not None
        else None
    )
    folder = settings.prometheus_multiproc_dir

    async def metrics(request: Request) -> Response:
        if expected is not None:
            scheme, _, given = request.headers.get("authorization", "").partition(" ")
            if scheme.lower() != "bearer" or not hmac.compare_digest(
                given.strip().encode("utf-8"), expected
            ):
                return error_response(
                    401,
                    "unauthenticated",
                    "/metrics needs 'Authorization: Bearer <PERSONAE_METRICS_TOKEN>'",
                    headers={"WWW-Authenticate": "Bearer"},
                )
        payload, media_type = exposition(folder)
        return Response(payload, media_type=media_type)

    return Route("/metrics", metrics, methods=["GET"], include_in_schema=False)
