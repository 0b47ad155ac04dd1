"""Request body size limit, as pure ASGI middleware in front of everything else.

A request that *declares* a larger body (``Content-Length``) is refused before a byte of
it is read, so a large upload costs the server nothing. A body without a length
(``Transfer-Encoding: chunked``), or one longer than it declared, is counted as it
arrives and refused the moment it passes the limit, so it is never buffered whole.
Either way the answer is 413 with the error envelope.
"""

from __future__ import annotations

import json

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["BodySizeLimitMiddleware", "RequestTooLargeError"]


class RequestTooLargeError(HTTPException):
    """The body passed the limit while it was being read.

    An ``HTTPException`` (not a :class:`~personae.errors.PersonaeError`) because it is
    raised by transport plumbing, not by a route: FastAPI passes ``HTTPException`` from
    body reading through untouched, and the API's HTTP handler renders the envelope.
    """

    def __init__(self, limit: int) -> None:
        super().__init__(
            status_code=413,
            detail=f"the request body is larger than the limit of {limit:,} bytes",
        )
        self.limit = limit


def _envelope(limit: int) -> bytes:
    return json.dumps(
        {
            "success": False,
            "error": {
                "code": "request_too_large",
                "message": f"the request body is larger than the limit of {limit:,} bytes",
                "details": {"limit": limit},
            },
        }
    ).encode()


class BodySizeLimitMiddleware:
    """Refuse HTTP request bodies over ``max_bytes`` with 413.

    Parameters
    ----------
    app
        The application to guard.
    max_bytes
        Largest body accepted (``PERSONAE_MAX_REQUEST_BYTES``).
    """

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        if max_bytes < 1:
            raise ValueError(f"max_bytes must be positive; got {max_bytes}")
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await self._refuse(send)
            return

        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise RequestTooLargeError(self.max_bytes)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except RequestTooLargeError:
            # Read by something outside the API's handlers (none today): answer here.
            if started:
                raise
            await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        body = _envelope(self.max_bytes)
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    # The client may still be sending the body we will not read.
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def _content_length(scope: Scope) -> int | None:
    """The declared body length, or ``None`` when absent or unreadable.

    An unreadable value is left to the server (uvicorn refuses it with 400); here it
    only means "count the bytes as they come".
    """
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
