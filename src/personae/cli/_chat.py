"""``personae chat PERSONA``: talk with a persona in the terminal.

Reads lines from stdin (an interactive prompt, or a pipe), streams each answer to stdout
as it is generated, and keeps one session: ``--session N`` continues an earlier one.
An empty line, ``/quit`` or end of input ends the chat. Acts as the CLI's local user (see
:mod:`personae.cli._store`) with the configured model (``--llm`` overrides it); memories
use the configured embedder and the store's vector index.
"""

from __future__ import annotations

import asyncio
import sys
from typing import Annotated

import typer

from personae.chat import ChatService, TurnPlan, build_chat_service
from personae.cli._console import err, out
from personae.cli._store import local_database
from personae.config import get_settings

__all__ = ["chat_command"]


async def _stream(service: ChatService, plan: TurnPlan) -> str:
    pieces: list[str] = []
    async for token in service.stream(plan):
        pieces.append(token)
        out().print(token, end="", markup=False, highlight=False, soft_wrap=True)
    out().print()
    return "".join(pieces)


def chat_command(
    persona: Annotated[str, typer.Argument(help="The persona's name.")],
    session: Annotated[
        int | None, typer.Option("--session", help="Continue this chat session.", min=1)
    ] = None,
    llm: Annotated[
        str | None,
        typer.Option("--llm", help="Model instead of PERSONAE_LLM: local, openai:gpt-4o-mini …"),
    ] = None,
) -> None:
    """Chat with PERSONA: one line in, the answer streamed out, until an empty line."""
    settings = get_settings()
    with local_database() as (database, owner_id):
        service = build_chat_service(settings, database=database, spec=llm)
        try:
            persona_id = service.persona_named(owner_id=owner_id, name=persona)
            if session is not None:
                service.check_session(owner_id=owner_id, session_id=session)
            interactive = sys.stdin.isatty()
            if interactive:
                err().print(f"Chatting with {persona}. An empty line ends the chat.")
            while True:
                try:
                    line = input("you> " if interactive else "")
                except EOFError:
                    break
                if not line.strip() or line.strip() == "/quit":
                    break
                plan = service.prepare(
                    owner_id=owner_id,
                    message=line,
                    persona_id=persona_id if session is None else None,
                    session_id=session,
                )
                session = plan.session_id
                reply = asyncio.run(_stream(service, plan))
                service.finish(plan, reply)
            if session is not None:
                err().print(f"session {session}")
        finally:
            service.memory.index.close()
