"""Personas as tools for assistants and IDE agents: an MCP server on the official ``mcp``
SDK, over stdio (``personae mcp``) or mounted on the HTTP app (``/mcp``, streamable HTTP).

See :mod:`personae.mcp._server` for the tools and resources. The server is a shell like
the CLI and the HTTP API: each tool parses its arguments and calls one service
(:class:`~personae.compat.VoiceService`, :class:`~personae.chat.ChatService`,
:class:`~personae.persona.PersonaService`, and :class:`~personae.content.ContentService`,
which keeps what ``write_content`` writes).

>>> server = build_server(lambda: services, lambda request: owner_id)  # doctest: +SKIP
>>> server.run("stdio")  # doctest: +SKIP
"""

from __future__ import annotations

from personae.mcp._server import (
    OWNER_SCOPE_KEY,
    McpServices,
    OwnerOf,
    PersonaeMCP,
    build_server,
    owner_from_scope,
)

__all__ = [
    "OWNER_SCOPE_KEY",
    "McpServices",
    "OwnerOf",
    "PersonaeMCP",
    "build_server",
    "owner_from_scope",
]
