"""The LLM response cache and usage records (operational rows, no audit).

Part of :mod:`personae.store.crud` (see its docstring for the rules every write follows).
"""

from __future__ import annotations

import re
from typing import Any, cast

from sqlalchemy import CursorResult, case, delete, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from personae.errors import InputError
from personae.store._models import LlmResponse, LlmUsage, utcnow
from personae.store._schemas import MAX_INT

# -- LLM response cache and usage ---------------------------------------------------------
#
# Operational records of personae.llm's RecordedLLM, not user edits: they write no audit
# rows (one per model call would drown the audit log). Both tables carry the owner, and a
# NULL owner stands for calls made on nobody's behalf (benchmarks, maintenance).


def _owner_is(column: InstrumentedAttribute[int | None], owner_id: int | None) -> Any:
    return column.is_(None) if owner_id is None else column == owner_id


def get_llm_response(*, session: Session, key: str, owner_id: int | None) -> dict[str, Any] | None:
    """The cached answer stored under ``key`` for this owner, or ``None``.

    The key is a hash that already includes the owner; the owner is checked as well, so
    one owner's prompts can never be answered from another's cache.
    """
    row = session.scalar(
        select(LlmResponse).where(LlmResponse.key == key, _owner_is(LlmResponse.owner_id, owner_id))
    )
    return None if row is None else dict(row.response)


def put_llm_response(
    *,
    session: Session,
    key: str,
    owner_id: int | None,
    provider: str,
    model: str,
    response: dict[str, Any],
) -> None:
    """Store (or replace) the cached answer under ``key``.

    One ``INSERT … ON CONFLICT DO UPDATE`` on SQLite and PostgreSQL, so two workers that
    miss the same key at once both succeed and the later answer stays.

    Raises
    ------
    InputError
        ``key`` is not the 64-character hex digest the cache uses.
    """
    if not re.fullmatch(r"[0-9a-f]{64}", key):
        raise InputError("an LLM cache key is a 64-character lower-case hex digest")
    values = {
        "key": key,
        "owner_id": owner_id,
        "provider": provider,
        "model": model,
        "response": response,
        "created_at": utcnow(),
    }
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        lite = sqlite_insert(LlmResponse).values(**values)
        session.execute(
            lite.on_conflict_do_update(
                index_elements=[LlmResponse.key],
                set_={name: lite.excluded[name] for name in values if name != "key"},
            )
        )
    elif dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        pg = pg_insert(LlmResponse).values(**values)
        session.execute(
            pg.on_conflict_do_update(
                index_elements=[LlmResponse.key],
                set_={name: pg.excluded[name] for name in values if name != "key"},
            )
        )
    else:  # other backends: read, then write (a concurrent writer may raise IntegrityError)
        row = session.get(LlmResponse, key)
        if row is None:
            session.add(LlmResponse(**values))
        else:
            for name, value in values.items():
                setattr(row, name, value)
    session.flush()


def clear_llm_responses(*, session: Session, owner_id: int | None) -> int:
    """Drop every cached answer of this owner; returns how many were dropped."""
    result = cast(
        CursorResult[Any],
        session.execute(delete(LlmResponse).where(_owner_is(LlmResponse.owner_id, owner_id))),
    )
    session.flush()
    return int(result.rowcount or 0)


def record_llm_usage(
    *,
    session: Session,
    owner_id: int | None,
    provider: str,
    model: str,
    prompt_tokens: int,
    completion_tokens: int,
    latency_ms: int,
    cached: bool = False,
    purpose: str = "",
) -> LlmUsage:
    """Append one ``llm_usage`` row: the tokens and latency of one model call.

    Raises
    ------
    InputError
        A negative count or latency.
    """
    for name, value in (
        ("prompt_tokens", prompt_tokens),
        ("completion_tokens", completion_tokens),
        ("latency_ms", latency_ms),
    ):
        if value < 0:
            raise InputError(f"{name} cannot be negative (got {value})")
    row = LlmUsage(
        owner_id=owner_id,
        provider=provider[:50],
        model=model[:300],
        purpose=purpose[:100],
        prompt_tokens=prompt_tokens,
        completion_tokens=completion_tokens,
        latency_ms=min(latency_ms, MAX_INT),
        cached=cached,
    )
    session.add(row)
    session.flush()
    return row


def llm_usage_summary(*, session: Session, owner_id: int | None) -> dict[str, Any]:
    """The owner's model usage: totals, and the same per provider and model.

    Returns
    -------
    dict
        ``calls``, ``cached_calls``, ``prompt_tokens``, ``completion_tokens`` and
        ``latency_ms`` (summed), plus ``by_model``: a list of the same keys with
        ``provider`` and ``model``, the most used first.
    """
    calls = func.count(LlmUsage.id)
    rows = session.execute(
        select(
            LlmUsage.provider,
            LlmUsage.model,
            calls,
            func.coalesce(func.sum(case((LlmUsage.cached, 1), else_=0)), 0),
            func.coalesce(func.sum(LlmUsage.prompt_tokens), 0),
            func.coalesce(func.sum(LlmUsage.completion_tokens), 0),
            func.coalesce(func.sum(LlmUsage.latency_ms), 0),
        )
        .where(_owner_is(LlmUsage.owner_id, owner_id))
        .group_by(LlmUsage.provider, LlmUsage.model)
        .order_by(calls.desc(), LlmUsage.provider, LlmUsage.model)
    ).all()
    keys = ("calls", "cached_calls", "prompt_tokens", "completion_tokens", "latency_ms")
    by_model = [
        {"provider": provider, "model": model, **dict(zip(keys, map(int, numbers), strict=True))}
        for provider, model, *numbers in rows
    ]
    totals = {key: sum(int(entry[key]) for entry in by_model) for key in keys}
    return {**totals, "by_model": by_model}
