"""Strategy learning, part one: engagement events, strategies (the memory graph's
nodes) and their edges.

Part of :mod:`personae.store.crud` (see its docstring for the rules every write follows).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from personae.errors import ConflictError, InputError, StrategyNotFoundError
from personae.store._models import EngagementEvent, Strategy, StrategyEdge, utcnow
from personae.store.crud._common import _audit
from personae.store.crud._personas import get_persona

# == Strategy learning ===================================================================
# Engagement events, strategies (the memory graph's nodes) and their edges, learning
# episodes, audience clusters, policy state and reward weights, for personae.strategy.
# Every read is owner-scoped: another owner's ids raise the same NotFound errors as
# missing ones. One audit row is written per user-level event (an import, a decision, a
# reward, a re-clustering, a new strategy); what a reward updates along with it (the
# strategy's performance, graph edges, policy state) is covered by the reward's row.

_ENGAGEMENT_FIELDS = (
    "content_id",
    "content_type",
    "occurred_at",
    "published_at",
    "likes",
    "comments",
    "shares",
    "saves",
    "impressions",
    "reach",
    "clicks",
    "conversions",
    "audience_member_id",
    "strategy_id",
    "content_cost",
)
_CHUNK = 500
_STRATEGY_UPDATABLE = frozenset(
    {
        "embedding",
        "embedding_model",
        "performance",
        "success_score",
        "pulls",
        "rewards",
        "audience_cluster_ids",
    }
)


@dataclass(frozen=True, slots=True)
class EngagementWriteResult:
    """What :func:`upsert_engagement_events` did with each row of the batch."""

    inserted: int
    updated: int
    unchanged: int
    conflicts: list[tuple[int, str, str]]
    """``(row index in the batch, field, message)`` of the rows that were not written."""


def upsert_engagement_events(
    *,
    session: Session,
    owner_id: int,
    persona_id: int,
    rows: Sequence[Mapping[str, Any]],
    actor_id: int | None = None,
) -> EngagementWriteResult:
    """Insert or update engagement events of the owner's persona, idempotently.

    An event is identified by ``(owner, platform, external_id)``: sending it again with
    the same values changes nothing (``unchanged``), with other values updates it. A row
    that names an event already stored for *another* persona, or a strategy the persona
    does not have, is not written and is reported in ``conflicts``. Within one batch a
    later row for the same event wins.

    Raises
    ------
    PersonaNotFoundError
        No such persona for this owner.
    ConflictError
        Another request inserted the same new events at the same moment (send the batch
        again: it is idempotent).
    """
    get_persona(session=session, owner_id=owner_id, persona_id=persona_id)
    conflicts: list[tuple[int, str, str]] = []
    wanted_strategies = {row["strategy_id"] for row in rows if row.get("strategy_id") is not None}
    known_strategies: set[int] = set()
    if wanted_strategies:
        known_strategies = set(
            session.scalars(
                select(Strategy.id).where(
                    Strategy.id.in_(wanted_strategies),
                    Strategy.owner_id == owner_id,
                    Strategy.persona_id == persona_id,
                )
            )
        )
    latest: dict[tuple[str, str], tuple[int, Mapping[str, Any]]] = {}
    for index, row in enumerate(rows):
        strategy_id = row.get("strategy_id")
        if strategy_id is not None and strategy_id not in known_strategies:
            conflicts.append((index, "strategy_id", f"this creator has no strategy {strategy_id}"))
            continue
        latest[(row["platform"], row["external_id"])] = (index, row)
    inserted = updated = unchanged = 0
    now = utcnow()
    keys = list(latest)
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start : start + _CHUNK]
        stored = {
            (event.platform, event.external_id): event
            for event in session.scalars(
                select(EngagementEvent).where(
                    EngagementEvent.owner_id == owner_id,
                    EngagementEvent.external_id.in_({external for _, external in chunk}),
                )
            )
        }
        new_rows: list[dict[str, Any]] = []
        for key in chunk:
            index, row = latest[key]
            values = {name: row.get(name) for name in _ENGAGEMENT_FIELDS}
            for counter in ("likes", "comments", "shares", "saves"):
                values[counter] = values[counter] or 0
            for counter in ("impressions", "reach", "clicks", "conversions"):
                values[counter] = values[counter] or 0
            event = stored.get(key)
            if event is None:
                new_rows.append(
                    {
                        "owner_id": owner_id,
                        "persona_id": persona_id,
                        "platform": key[0],
                        "external_id": key[1],
                        "created_at": now,
                        "updated_at": now,
                        **values,
                    }
                )
                continue
            if event.persona_id != persona_id:
                conflicts.append(
                    (index, "external_id", "already imported for another creator (persona)")
                )
                continue
            if all(getattr(event, name) == value for name, value in values.items()):
                unchanged += 1
                continue
            for name, value in values.items():
                setattr(event, name, value)
            event.updated_at = now
            updated += 1
        if new_rows:
            try:
                with session.begin_nested():
                    session.execute(insert(EngagementEvent), new_rows)
            except IntegrityError as exc:
                raise ConflictError(
                    "another import wrote the same engagement events at the same moment; "
                    "send the batch again (imports are idempotent)"
                ) from exc
            inserted += len(new_rows)
        session.flush()
    conflicts.sort()
    _audit(
        session,
        actor_id=owner_id if actor_id is None else actor_id,
        action="import",
        entity="engagement_events",
        entity_id=persona_id,
        details={
            "persona_id": persona_id,
            "inserted": inserted,
            "updated": updated,
            "unchanged": unchanged,
            "conflicts": len(conflicts),
        },
    )
    session.flush()
    return EngagementWriteResult(inserted, updated, unchanged, conflicts)


def engagement_rows(
    *,
    session: Session,
    owner_id: int,
    persona_id: int,
    strategy_id: int | None = None,
    content_ids: Sequence[str] | None = None,
    members_only: bool = False,
    snapshots_only: bool = False,
) -> Sequence[Row[Any]]:
    """The persona's engagement events, oldest first, as light rows (attribute access,
    no ORM objects: clustering reads hundreds of thousands). ``members_only``: only one
    member's interactions; ``snapshots_only``: only counter snapshots.

    Raises
    ------
    PersonaNotFoundError
        No such persona for this owner.
    """
    get_persona(session=session, owner_id=owner_id, persona_id=persona_id)
    columns = [getattr(EngagementEvent, name) for name in ("platform", *_ENGAGEMENT_FIELDS)]
    query = select(*columns).where(
        EngagementEvent.owner_id == owner_id, EngagementEvent.persona_id == persona_id
    )
    if strategy_id is not None:
        query = query.where(EngagementEvent.strategy_id == strategy_id)
    if content_ids is not None:
        query = query.where(EngagementEvent.content_id.in_(set(content_ids)))
    if members_only:
        query = query.where(EngagementEvent.audience_member_id.is_not(None))
    if snapshots_only:
        query = query.where(EngagementEvent.audience_member_id.is_(None))
    return session.execute(query.order_by(EngagementEvent.occurred_at, EngagementEvent.id)).all()


def count_engagement_events(*, session: Session, owner_id: int, persona_id: int) -> int:
    """How many engagement events the persona has."""
    return (
        session.scalar(
            select(func.count(EngagementEvent.id)).where(
                EngagementEvent.owner_id == owner_id, EngagementEvent.persona_id == persona_id
            )
        )
        or 0
    )


def get_or_create_strategy(
    *,
    session: Session,
    owner_id: int,
    persona_id: int,
    arm_key: str,
    topic: str,
    format: str,
    tone: str,
    posting_hour: int,
    platform: str,
    description: str,
) -> Strategy:
    """The persona's strategy node for ``arm_key``, created on first use.

    Raises
    ------
    PersonaNotFoundError
        No such persona for this owner.
    """
    get_persona(session=session, owner_id=owner_id, persona_id=persona_id)
    query = select(Strategy).where(Strategy.persona_id == persona_id, Strategy.arm_key == arm_key)
    found = session.scalar(query)
    if found is not None:
        return found
    row = Strategy(
        owner_id=owner_id,
        persona_id=persona_id,
        arm_key=arm_key,
        topic=topic,
        format=format,
        tone=tone,
        posting_hour=posting_hour,
        platform=platform,
        description=description,
    )
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:  # another request created it a moment ago
        found = session.scalar(query)
        if found is None:  # pragma: no cover - the unique key is the only constraint left
            raise
        return found
    _audit(
        session,
        actor_id=owner_id,
        action="create",
        entity="strategy",
        entity_id=row.id,
        details={"persona_id": persona_id, "arm_key": arm_key},
    )
    session.flush()
    return row


def get_strategy(*, session: Session, owner_id: int, strategy_id: int) -> Strategy:
    """The owner's strategy with this id.

    Raises
    ------
    StrategyNotFoundError
        No such strategy, or another owner's.
    """
    row = session.get(Strategy, strategy_id)
    if row is None or row.owner_id != owner_id:
        raise StrategyNotFoundError(f"no strategy with id {strategy_id}", strategy_id=strategy_id)
    return row


def list_strategies(*, session: Session, owner_id: int, persona_id: int) -> list[Strategy]:
    """The persona's strategy nodes, oldest first."""
    return list(
        session.scalars(
            select(Strategy)
            .where(Strategy.owner_id == owner_id, Strategy.persona_id == persona_id)
            .order_by(Strategy.id)
        )
    )


def update_strategy(
    *, session: Session, owner_id: int, strategy_id: int, changes: Mapping[str, Any]
) -> Strategy:
    """Change a strategy's derived fields (embedding, performance, counters, clusters).

    Raises
    ------
    StrategyNotFoundError
        No such strategy, or another owner's.
    InputError
        A field that is not derived (the arm itself never changes).
    """
    unknown = set(changes) - _STRATEGY_UPDATABLE
    if unknown:
        raise InputError(f"strategy fields {sorted(unknown)} cannot be changed")
    row = get_strategy(session=session, owner_id=owner_id, strategy_id=strategy_id)
    for name, value in changes.items():
        setattr(row, name, value)
    row.updated_at = utcnow()
    session.flush()
    return row


def record_strategy_transition(
    *,
    session: Session,
    owner_id: int,
    persona_id: int,
    from_strategy_id: int,
    to_strategy_id: int,
    context_similarity: float,
    performance_improvement: float,
) -> StrategyEdge:
    """Count one more transition ``from → to`` in the persona's strategy graph.

    ``context_similarity`` and ``performance_improvement`` are running means over the
    transitions; every edge leaving ``from`` gets its ``transition_probability`` (its
    share of the transitions out of ``from``) recomputed.

    Raises
    ------
    StrategyNotFoundError
        Either strategy is unknown, another owner's, or another persona's.
    """
    for strategy_id in (from_strategy_id, to_strategy_id):
        node = get_strategy(session=session, owner_id=owner_id, strategy_id=strategy_id)
        if node.persona_id != persona_id:
            raise StrategyNotFoundError(
                f"no strategy with id {strategy_id} for this creator", strategy_id=strategy_id
            )
    edge = session.scalar(
        select(StrategyEdge).where(
            StrategyEdge.from_strategy_id == from_strategy_id,
            StrategyEdge.to_strategy_id == to_strategy_id,
        )
    )
    if edge is None:
        edge = StrategyEdge(
            owner_id=owner_id,
            persona_id=persona_id,
            from_strategy_id=from_strategy_id,
            to_strategy_id=to_strategy_id,
            transitions=0,
            context_similarity=0.0,
            performance_improvement=0.0,
        )
        session.add(edge)
    n = edge.transitions + 1
    edge.context_similarity += (context_similarity - edge.context_similarity) / n
    edge.performance_improvement += (performance_improvement - edge.performance_improvement) / n
    edge.transitions = n
    edge.updated_at = utcnow()
    session.flush()
    outgoing = list(
        session.scalars(
            select(StrategyEdge).where(StrategyEdge.from_strategy_id == from_strategy_id)
        )
    )
    total = sum(e.transitions for e in outgoing)
    for e in outgoing:
        e.transition_probability = e.transitions / total
    session.flush()
    return edge


def list_strategy_edges(
    *, session: Session, owner_id: int, persona_id: int, from_strategy_id: int | None = None
) -> list[StrategyEdge]:
    """The persona's strategy graph edges (leaving ``from_strategy_id``, if given)."""
    query = select(StrategyEdge).where(
        StrategyEdge.owner_id == owner_id, StrategyEdge.persona_id == persona_id
    )
    if from_strategy_id is not None:
        query = query.where(StrategyEdge.from_strategy_id == from_strategy_id)
    return list(session.scalars(query.order_by(StrategyEdge.id)))
