"""LLM calls and long-running work: the answer cache, token usage, and jobs.

Part of :mod:`personae.store._models`. ``owner_id`` cascades from ``users``, so erasing a
user erases their cached answers, usage records and jobs.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from personae.store._models._base import Base, UTCDateTime, _json, utcnow

__all__ = ["Job", "LlmResponse", "LlmUsage"]


class LlmResponse(Base):
    """A cached LLM answer, keyed by a hash of (owner, model, messages, parameters).

    The owner is part of the key and of the row, so one user's prompts never answer
    another's and erasing a user erases their cached prompts' answers too.
    """

    __tablename__ = "llm_responses"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), default=None, index=True
    )
    provider: Mapped[str] = mapped_column(String(50))
    model: Mapped[str] = mapped_column(String(300))
    response: Mapped[dict[str, Any]] = mapped_column(_json(), default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class LlmUsage(Base):
    """Tokens and latency of one LLM call (cached answers are recorded with ``cached``)."""

    __tablename__ = "llm_usage"
    __table_args__ = (Index("idx_llm_usage_owner_created", "owner_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), default=None
    )
    provider: Mapped[str] = mapped_column(String(50))
    model: Mapped[str] = mapped_column(String(300))
    purpose: Mapped[str] = mapped_column(String(100), default="")
    prompt_tokens: Mapped[int] = mapped_column(Integer, default=0)
    completion_tokens: Mapped[int] = mapped_column(Integer, default=0)
    latency_ms: Mapped[int] = mapped_column(Integer, default=0)
    cached: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Job(Base):
    """A long-running piece of work (persona generation …) and its progress.

    ``status`` moves queued → running → succeeded | failed; ``progress`` is 0..1 and
    ``message`` says what the worker is doing, so clients can poll ``GET /api/jobs/{id}``.
    """

    __tablename__ = "jobs"
    __table_args__ = (Index("idx_jobs_owner_status", "owner_id", "status"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(50))
    status: Mapped[str] = mapped_column(String(20), default="queued")
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    message: Mapped[str] = mapped_column(Text, default="")
    params: Mapped[dict[str, Any]] = mapped_column(_json(), default=dict)
    result: Mapped[dict[str, Any] | None] = mapped_column(_json(), default=None)
    error: Mapped[dict[str, Any] | None] = mapped_column(_json(), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
