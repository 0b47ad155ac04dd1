"""``personae mcp``: the MCP server over stdio, for desktop assistants and IDE agents.

It acts as the CLI's user (``local@personae``, like ``personae chat``) on the configured
store and model; the client starts it as a command::

    {"mcpServers": {"personae": {"command": "personae", "args": ["mcp"]}}}

stdout carries the protocol, so nothing else is printed there.
"""

from __future__ import annotations

from personae.cli._store import local_database
from personae.config import get_settings
from personae.llm import LLM

__all__ = ["mcp_command"]


def mcp_command() -> None:
    """Serve your personas over MCP on stdio (tools: list_personas, match_text, write_content,
    chat …; resources: each persona's definition and system prompt)."""
    from personae.chat import build_chat_service
    from personae.compat import VoiceService
    from personae.content import build_content_service
    from personae.jobs import recorded_models
    from personae.mcp import McpServices, build_server  # the SDK loads for this command only
    from personae.persona import PersonaService
    from personae.usage import budgeted, build_usage_service

    settings = get_settings()
    with local_database() as (database, owner_id):
        models = budgeted(
            recorded_models(settings, database), build_usage_service(settings, database)
        )

        def llm_for(owner: int, purpose: str) -> LLM:
            return models(owner, purpose, None)

        services = McpServices(
            voices=VoiceService(database, max_text_chars=settings.max_text_chars),
            chat=build_chat_service(settings, database=database, models=models),
            personas=PersonaService(database, llm_for, max_text_chars=settings.max_text_chars),
            content=build_content_service(settings, database=database),
        )
        server = build_server(lambda: services, lambda request: owner_id)
        server.run("stdio")
