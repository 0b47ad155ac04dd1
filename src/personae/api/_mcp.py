"""The MCP server on the HTTP app: streamable HTTP at ``/mcp``, bearer API key.

:class:`McpEndpoint` authenticates the request as every API route does (an API key or an
access token, rate budget spent), puts the caller's id in the request's scope for the
tools (:data:`personae.mcp.OWNER_SCOPE_KEY`), and hands the request to the SDK's session
manager. The server runs stateless (each request is whole in itself) and answers JSON,
so it scales across workers like the rest of the API. DNS-rebinding protection is off
because every request needs the bearer key, which a rebinding page cannot have.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from fastapi import FastAPI
from fastapi.security.utils import get_authorization_scheme_param
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from mcp.server.transport_security import TransportSecuritySettings
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from personae.api._errors import error_response, status_for
from personae.api._state import AppState
from personae.api.deps import authenticate
from personae.api.routes.chat import get_memory_store
from personae.chat import MemoryStore, build_chat_service
from personae.compat import VoiceService
from personae.content import build_content_service
from personae.errors import AuthError, PersonaeError
from personae.llm import LLM
from personae.mcp import OWNER_SCOPE_KEY, McpServices, PersonaeMCP, build_server, owner_from_scope
from personae.persona import PersonaService

__all__ = ["MCP_PATH", "McpEndpoint", "install_mcp"]

MCP_PATH = "/mcp"


def _services(app: FastAPI) -> Callable[[], McpServices]:
    """Services on the app's state (and its memory store, one per app)."""

    def build() -> McpServices:
        state: AppState = app.state.personae
        override = app.dependency_overrides.get(get_memory_store)
        memory: MemoryStore | None = override() if override is not None else None
        if memory is None:
            memory = getattr(app.state, "chat_memory", None)
        chat = build_chat_service(
            state.settings, database=state.database, models=state.llm_for, memory=memory
        )

        def llm_for(owner_id: int, purpose: str) -> LLM:
            return state.llm_for(owner_id, purpose, None)

        return McpServices(
            voices=VoiceService(state.database, max_text_chars=state.settings.max_text_chars),
            chat=chat,
            personas=PersonaService(
                state.database, llm_for, max_text_chars=state.settings.max_text_chars
            ),
            content=build_content_service(state.settings, database=state.database),
        )

    return build


_SECURITY = TransportSecuritySettings(enable_dns_rebinding_protection=False)


class McpEndpoint:
    """ASGI: authenticate, then let the MCP session manager answer."""

    def __init__(self, app: FastAPI, server: PersonaeMCP) -> None:
        self.app = app
        self.server = server
        self.manager: StreamableHTTPSessionManager | None = None

    @asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """A session manager for one run of the app (the SDK's runs only once)."""
        self.manager = StreamableHTTPSessionManager(
            app=self.server._mcp_server,  # the low-level server FastMCP wraps
            json_response=True,
            stateless=True,
            security_settings=_SECURITY,
        )
        try:
            async with self.manager.run():
                yield
        finally:
            self.manager = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        state: AppState = self.app.state.personae
        authorization = None
        for name, value in scope["headers"]:
            if name == b"authorization":
                authorization = value.decode("latin-1")
        scheme, token = get_authorization_scheme_param(authorization)
        try:
            if not authorization or scheme.lower() != "bearer" or not token:
                raise AuthError("send 'Authorization: Bearer <API key>' (pk_…)")
            caller = await authenticate(state, token)
        except PersonaeError as exc:
            headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, AuthError) else {}
            retry = getattr(exc, "retry_after", None)
            if retry is not None:
                headers["Retry-After"] = str(retry)
            response = error_response(status_for(exc), exc.code, exc.message, headers=headers)
            await response(scope, receive, send)
            return
        if self.manager is None:  # pragma: no cover - only outside the app's lifespan
            raise RuntimeError("the MCP endpoint is served only while the app runs")
        scope = {**scope, OWNER_SCOPE_KEY: caller.id}
        await self.manager.handle_request(scope, receive, send)


def install_mcp(app: FastAPI) -> Callable[[], AbstractAsyncContextManager[None]]:
    """Add ``/mcp`` to ``app``; returns the context the app's lifespan must run it in."""
    server = build_server(_services(app), owner_from_scope, log_level="WARNING")
    endpoint = McpEndpoint(app, server)
    app.router.routes.append(
        Route(
            MCP_PATH, endpoint=endpoint, methods=["GET", "POST", "DELETE"], include_in_schema=False
        )
    )
    return endpoint.running
