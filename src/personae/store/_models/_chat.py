"""Chat (:mod:`personae.chat`): sessions, their messages, persona memories and the
counters of memory hygiene.

Part of :mod:`personae.store._models`. Every row carries ``owner_id`` (cascading from
users); a message outlives the persona that wrote it (``persona_id`` is set NULL) and a
memory outlives its session (``session_id`` is set NULL).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from personae.store._models._base import Base, UTCDateTime, _json, _owner_fk, _persona_fk, utcnow

__all__ = ["ChatMessage", "ChatSession", "Memory", "MemoryHygiene"]


class ChatSession(Base):
    """A conversation of a user with one or more personas (``persona_ids``, in turn order)."""

    __tablename__ = "chat_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int] = mapped_column(_owner_fk(), index=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    persona_ids: Mapped[list[int]] = mapped_column(_json(), default=list)
    turns: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_activity: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ChatMessage(Base):
    """One line of a chat session: the user's (``persona_id`` NULL) or a persona's."""

    __tablename__ = "messages"
    __table_args__ = (Index("idx_messages_session", "session_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int] = mapped_column(_owner_fk(), index=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("chat_sessions.id", ondelete="CASCADE"))
    persona_id: Mapped[int | None] = mapped_column(
        ForeignKey("personas.id", ondelete="SET NULL"), default=None, index=True
    )
    role: Mapped[str] = mapped_column(String(16))
    content: Mapped[str] = mapped_column(Text)
    traits: Mapped[list[dict[str, Any]] | None] = mapped_column(_json(), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Memory(Base):
    """Something a persona remembers, with the importance scored when it was written.

    Its vector lives in the ``memories`` collection of :mod:`personae.vectors` under the
    same id; ``session_id`` is kept (``SET NULL`` when the session goes) for
    session-scoped retrieval.
    """

    __tablename__ = "memories"
    __table_args__ = (Index("idx_memories_persona", "persona_id", "expires_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int] = mapped_column(_owner_fk(), index=True)
    persona_id: Mapped[int] = mapped_column(_persona_fk())
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("chat_sessions.id", ondelete="SET NULL"), default=None, index=True
    )
    text: Mapped[str] = mapped_column(Text)
    importance: Mapped[float] = mapped_column(Float, default=0.5)
    source: Mapped[str] = mapped_column(String(32), default="summary")
    merged: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_accessed: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class MemoryHygiene(Base):
    """Counters of one persona's memory writing: candidates, stored, merged, echoes refused."""

    __tablename__ = "memory_hygiene"
    __table_args__ = (UniqueConstraint("persona_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int] = mapped_column(_owner_fk(), index=True)
    persona_id: Mapped[int] = mapped_column(_persona_fk())
    candidates: Mapped[int] = mapped_column(Integer, default=0)
    stored: Mapped[int] = mapped_column(Integer, default=0)
    merged: Mapped[int] = mapped_column(Integer, default=0)
    echoes: Mapped[int] = mapped_column(Integer, default=0)
    expired: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
