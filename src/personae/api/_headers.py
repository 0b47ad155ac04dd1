"""Security headers on every response.

- ``X-Content-Type-Options: nosniff``: a browser never guesses a type other than the one
  sent (a JSON body with user text must not be sniffed as HTML);
- ``X-Frame-Options: DENY`` and ``Referrer-Policy: no-referrer``: the API is never framed
  and leaks no URL to another site;
- ``Cache-Control: no-store`` on answers to requests that carry credentials (an
  ``Authorization`` header), unless the route set its own: a shared cache or the
  browser's history must not keep one user's personas or tokens. The sign-in routes,
  whose answers carry tokens, always get it.

A pure ASGI middleware, so it costs the hot read path one header merge and nothing else.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["SecurityHeadersMiddleware"]

_ALWAYS = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
)
_NO_STORE = (b"cache-control", b"no-store")


class SecurityHeadersMiddleware:
    """Add the headers above to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        private = scope["path"].startswith("/api/auth/") or any(
            name == b"authorization" for name, _ in scope["headers"]
        )

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers.extend(pair for pair in _ALWAYS if pair[0] not in present)
                if private and b"cache-control" not in present:
                    headers.append(_NO_STORE)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
