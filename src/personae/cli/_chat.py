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
from datetime import timedelta
from typing import Annotated

import typer

from personae.chat import ChatService, MemoryStore, TurnPlan
from personae.cli._console import err, out
from personae.cli._store import local_database
from personae.config import Settings, get_settings
from personae.llm import LLM, build_recorded_llm
from personae.store import Database, crud, session_scope

__all__ = ["build_memory", "chat_command"]


def build_memory(database: Database, settings: Settings) -> MemoryStore:
    """The memory store of the configured embedder and the store's ``memories`` index."""
    from personae.vectors import build_embedder, build_index

    embedder = build_embedder(settings)
    return MemoryStore(
        database,
        embedder=embedder,
        index=build_index(database, embedder, collection="memories"),
        dedup_threshold=settings.memory_dedup_threshold,
        echo_threshold=settings.memory_echo_threshold,
        ttl=timedelta(days=settings.memory_ttl_days) if settings.memory_ttl_days else None,
    )


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
        with session_scope(database) as db_session:
            persona_id = crud.get_persona_by_name(
                session=db_session, owner_id=owner_id, name=persona
            ).id

        def llm_for(owner: int, purpose: str) -> LLM:
            return build_recorded_llm(
                settings, database=database, owner_id=owner, spec=llm, purpose=purpose
            )

        memory = build_memory(database, settings)
        try:
            service = ChatService(
                database,
                llm_for,
                memory=memory,
                recent_messages=settings.chat_recent_messages,
                memory_k=settings.chat_memory_k,
                prompt_budget=settings.chat_prompt_budget_tokens,
                max_reply_tokens=settings.chat_max_reply_tokens,
                summarize_every=settings.chat_summarize_every,
            )
            if session is not None:
                with session_scope(database) as db_session:
                    crud.get_chat_session(
                        session=db_session, owner_id=owner_id, chat_session_id=session
                    )
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
            memory.index.close()
