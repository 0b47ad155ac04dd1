"""Chat sessions and messages, memories and their hygiene counters.

Part of :mod:`personae.store.crud` (see its docstring for the rules every write follows).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from personae.errors import ChatSessionNotFoundError, InputError
from personae.store._models import ChatMessage, ChatSession, Memory, MemoryHygiene, utcnow
from personae.store.crud._common import _audit, _unit
from personae.store.crud._personas import get_persona


def create_chat_session(
    *, session: Session, owner_id: int, persona_ids: Sequence[int], title: str = ""
) -> ChatSession:
    """A new chat session with the owner's personas (in turn order).

    Raises
    ------
    InputError
        No personas, or one named twice.
    PersonaNotFoundError
        A persona that is not the owner's.
    """
    ids = [int(pid) for pid in persona_ids]
    if not ids:
        raise InputError("a chat session needs at least one persona")
    if len(set(ids)) != len(ids):
        raise InputError("a persona appears twice in the session")
    for pid in ids:
        get_persona(session=session, owner_id=owner_id, persona_id=pid)
    row = ChatSession(owner_id=owner_id, persona_ids=ids, title=title[:200], turns=0)
    session.add(row)
    session.flush()
    _audit(session, actor_id=owner_id, action="create", entity="chat_session", entity_id=row.id)
    session.flush()
    return row


def get_chat_session(*, session: Session, owner_id: int, chat_session_id: int) -> ChatSession:
    """One of the owner's chat sessions.

    Raises
    ------
    ChatSessionNotFoundError
        No such session for this owner.
    """
    row = session.scalar(
        select(ChatSession).where(
            ChatSession.id == chat_session_id, ChatSession.owner_id == owner_id
        )
    )
    if row is None:
        raise ChatSessionNotFoundError(f"no chat session {chat_session_id}")
    return row


def set_chat_personas(
    *, session: Session, owner_id: int, chat_session_id: int, persona_ids: Sequence[int]
) -> ChatSession:
    """Replace the personas of a session (their turn order), each checked as the owner's."""
    row = get_chat_session(session=session, owner_id=owner_id, chat_session_id=chat_session_id)
    ids = [int(pid) for pid in persona_ids]
    if not ids or len(set(ids)) != len(ids):
        raise InputError("a chat session needs distinct personas, at least one")
    for pid in ids:
        get_persona(session=session, owner_id=owner_id, persona_id=pid)
    row.persona_ids = ids
    session.flush()
    return row


def add_chat_message(
    *,
    session: Session,
    owner_id: int,
    chat_session_id: int,
    role: str,
    content: str,
    persona_id: int | None = None,
    traits: list[dict[str, Any]] | None = None,
    at: datetime | None = None,
) -> ChatMessage:
    """Append a line to a session; a persona's reply counts as one more turn.

    Raises
    ------
    InputError
        A role other than ``user`` or ``assistant``.
    ChatSessionNotFoundError
        No such session for this owner.
    """
    if role not in ("user", "assistant"):
        raise InputError(f"a chat message's role is 'user' or 'assistant', not {role!r}")
    chat = get_chat_session(session=session, owner_id=owner_id, chat_session_id=chat_session_id)
    when = at if at is not None else utcnow()
    row = ChatMessage(
        owner_id=owner_id,
        session_id=chat.id,
        persona_id=persona_id,
        role=role,
        content=content,
        traits=traits,
        created_at=when,
    )
    session.add(row)
    chat.last_activity = when
    if role == "assistant":
        chat.turns = (chat.turns or 0) + 1
    session.flush()
    return row


def recent_chat_messages(
    *, session: Session, owner_id: int, chat_session_id: int, limit: int
) -> list[ChatMessage]:
    """The newest ``limit`` messages of a session, oldest first."""
    get_chat_session(session=session, owner_id=owner_id, chat_session_id=chat_session_id)
    if limit <= 0:
        return []
    rows = list(
        session.scalars(
            select(ChatMessage)
            .where(ChatMessage.session_id == chat_session_id, ChatMessage.owner_id == owner_id)
            .order_by(ChatMessage.id.desc())
            .limit(limit)
        )
    )
    rows.reverse()
    return rows


def count_chat_replies(
    *, session: Session, owner_id: int, chat_session_id: int, persona_id: int
) -> int:
    """How many times ``persona_id`` has answered in the session (all of it, not a window)."""
    return int(
        session.scalar(
            select(func.count(ChatMessage.id)).where(
                ChatMessage.session_id == chat_session_id,
                ChatMessage.owner_id == owner_id,
                ChatMessage.persona_id == persona_id,
                ChatMessage.role == "assistant",
            )
        )
        or 0
    )


def add_memory(
    *,
    session: Session,
    owner_id: int,
    persona_id: int,
    text: str,
    importance: float,
    source: str,
    chat_session_id: int | None = None,
    at: datetime | None = None,
    expires_at: datetime | None = None,
) -> Memory:
    """Store one memory row (its vector goes to the ``memories`` index under its id)."""
    _unit(importance, "importance")
    when = at if at is not None else utcnow()
    row = Memory(
        owner_id=owner_id,
        persona_id=persona_id,
        session_id=chat_session_id,
        text=text,
        importance=importance,
        source=source[:32],
        merged=0,
        created_at=when,
        last_accessed=when,
        expires_at=expires_at,
    )
    session.add(row)
    session.flush()
    return row


def merge_memory(
    *,
    session: Session,
    memory: Memory,
    text: str,
    importance: float,
    at: datetime,
    expires_at: datetime | None,
) -> Memory:
    """Fold a near-duplicate into ``memory``: the newer wording, the higher importance."""
    _unit(importance, "importance")
    memory.text = text
    memory.importance = max(memory.importance, importance)
    memory.merged = (memory.merged or 0) + 1
    memory.last_accessed = at
    if expires_at is not None or memory.expires_at is not None:
        memory.expires_at = expires_at
    session.flush()
    return memory


def get_memories(
    *, session: Session, owner_id: int, persona_id: int, ids: Sequence[int]
) -> dict[int, Memory]:
    """The owner's memories of the persona among ``ids`` (others' ids are left out)."""
    if not ids:
        return {}
    rows = session.scalars(
        select(Memory).where(
            Memory.id.in_(list(ids)), Memory.owner_id == owner_id, Memory.persona_id == persona_id
        )
    )
    return {row.id: row for row in rows}


def touch_memories(*, session: Session, ids: Sequence[int], at: datetime) -> None:
    """Mark memories as used in a prompt now (recency counts from here)."""
    if ids:
        session.execute(
            update(Memory)
            .where(Memory.id.in_(list(ids)))
            .values(last_accessed=at)
            .execution_options(synchronize_session=False)
        )


def list_memories(
    *,
    session: Session,
    owner_id: int,
    persona_id: int,
    limit: int = 50,
    offset: int = 0,
) -> list[Memory]:
    """The persona's memories, newest first."""
    get_persona(session=session, owner_id=owner_id, persona_id=persona_id)
    return list(
        session.scalars(
            select(Memory)
            .where(Memory.owner_id == owner_id, Memory.persona_id == persona_id)
            .order_by(Memory.id.desc())
            .limit(limit)
            .offset(offset)
        )
    )


def count_memories(*, session: Session, owner_id: int, persona_id: int) -> int:
    """How many memories the persona holds."""
    return int(
        session.scalar(
            select(func.count())
            .select_from(Memory)
            .where(Memory.owner_id == owner_id, Memory.persona_id == persona_id)
        )
        or 0
    )


def delete_memory(*, session: Session, owner_id: int, persona_id: int, memory_id: int) -> bool:
    """Delete one of the persona's memories; false when it has none with this id (another
    owner's or persona's memory included)."""
    result = session.execute(
        delete(Memory).where(
            Memory.id == memory_id, Memory.owner_id == owner_id, Memory.persona_id == persona_id
        )
    )
    session.flush()
    return bool(getattr(result, "rowcount", 0))


def delete_expired_memories(
    *, session: Session, owner_id: int, persona_id: int, now: datetime
) -> list[int]:
    """Delete the persona's memories past ``expires_at``; returns their ids (for the index)."""
    ids = list(
        session.scalars(
            select(Memory.id).where(
                Memory.owner_id == owner_id,
                Memory.persona_id == persona_id,
                Memory.expires_at.is_not(None),
                Memory.expires_at <= now,
            )
        )
    )
    if ids:
        session.execute(delete(Memory).where(Memory.id.in_(ids)))
        session.flush()
    return ids


def record_memory_hygiene(
    *,
    session: Session,
    owner_id: int,
    persona_id: int,
    candidates: int = 0,
    stored: int = 0,
    merged: int = 0,
    echoes: int = 0,
    expired: int = 0,
) -> MemoryHygiene:
    """Add to the persona's memory-writing counters."""
    row = session.scalar(select(MemoryHygiene).where(MemoryHygiene.persona_id == persona_id))
    if row is None:
        row = MemoryHygiene(
            owner_id=owner_id,
            persona_id=persona_id,
            candidates=0,
            stored=0,
            merged=0,
            echoes=0,
            expired=0,
        )
        session.add(row)
    row.candidates = (row.candidates or 0) + candidates
    row.stored = (row.stored or 0) + stored
    row.merged = (row.merged or 0) + merged
    row.echoes = (row.echoes or 0) + echoes
    row.expired = (row.expired or 0) + expired
    row.updated_at = utcnow()
    session.flush()
    return row


def get_memory_hygiene(*, session: Session, owner_id: int, persona_id: int) -> MemoryHygiene | None:
    """The persona's memory-writing counters (``None`` before its first memory)."""
    return session.scalar(
        select(MemoryHygiene).where(
            MemoryHygiene.persona_id == persona_id, MemoryHygiene.owner_id == owner_id
        )
    )
