"""Reads of ``llm_usage`` for spend reports and budgets (no writes: those are ``_llm``'s).

Part of :mod:`personae.store.crud` (see its docstring for the rules every write follows).
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from personae.store._models import LlmUsage


class UsageRow(NamedTuple):
    """One recorded model call, as a spend report reads it."""

    created_at: datetime
    provider: str
    model: str
    prompt_tokens: int
    completion_tokens: int
    cached: bool


def llm_usage_rows(
    *, session: Session, owner_id: int, since: datetime, limit: int = 500_000
) -> list[UsageRow]:
    """The owner's calls recorded at or after ``since``, oldest first (at most ``limit``)."""
    rows = session.execute(
        select(
            LlmUsage.created_at,
            LlmUsage.provider,
            LlmUsage.model,
            LlmUsage.prompt_tokens,
            LlmUsage.completion_tokens,
            LlmUsage.cached,
        )
        .where(LlmUsage.owner_id == owner_id, LlmUsage.created_at >= since)
        .order_by(LlmUsage.created_at, LlmUsage.id)
        .limit(limit)
    ).all()
    return [UsageRow(*row) for row in rows]


def llm_tokens_since(*, session: Session, owner_id: int, since: datetime) -> int:
    """Prompt + completion tokens the owner spent at or after ``since`` (one indexed sum)."""
    total = session.scalar(
        select(
            func.coalesce(func.sum(LlmUsage.prompt_tokens + LlmUsage.completion_tokens), 0)
        ).where(LlmUsage.owner_id == owner_id, LlmUsage.created_at >= since)
    )
    return int(total or 0)
