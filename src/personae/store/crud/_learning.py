"""Strategy learning, part two: learning episodes, audience clusters, policy state
and reward weights.

Part of :mod:`personae.store.crud` (see its docstring for the rules every write follows).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Select, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from personae.errors import (
    ClusterNotFoundError,
    EpisodeNotFoundError,
    FeedbackConflictError,
    StrategyNotFoundError,
)
from personae.store._models import (
    AudienceCluster,
    LearningEpisode,
    PersonaConfiguration,
    PolicyState,
    utcnow,
)
from personae.store.crud._common import _audit
from personae.store.crud._engagement import get_strategy
from personae.store.crud._personas import get_persona

REWARD_WEIGHTS_KEY = "strategy.reward_weights"
"""The persona configuration key holding the creator's reward weights (``w1..w4``)."""


def add_learning_episode(
    *,
    session: Session,
    owner_id: int,
    persona_id: int,
    strategy_id: int,
    policy: str,
    state: dict[str, Any],
    action: dict[str, Any],
    timestamp: datetime | None = None,
) -> LearningEpisode:
    """Record a decision (state, action) of the persona's policy; its reward comes later.

    Raises
    ------
    StrategyNotFoundError
        No such strategy for this owner and persona.
    """
    node = get_strategy(session=session, owner_id=owner_id, strategy_id=strategy_id)
    if node.persona_id != persona_id:
        raise StrategyNotFoundError(
            f"no strategy with id {strategy_id} for this creator", strategy_id=strategy_id
        )
    row = LearningEpisode(
        owner_id=owner_id,
        persona_id=persona_id,
        strategy_id=strategy_id,
        policy=policy,
        state=state,
        action=action,
        timestamp=timestamp or utcnow(),
    )
    session.add(row)
    session.flush()
    _audit(
        session,
        actor_id=owner_id,
        action="decide",
        entity="learning_episode",
        entity_id=row.id,
        details={"persona_id": persona_id, "strategy_id": strategy_id, "policy": policy},
    )
    session.flush()
    return row


def get_learning_episode(*, session: Session, owner_id: int, episode_id: int) -> LearningEpisode:
    """The owner's learning episode with this id.

    Raises
    ------
    EpisodeNotFoundError
        No such episode, or another owner's.
    """
    row = session.get(LearningEpisode, episode_id)
    if row is None or row.owner_id != owner_id:
        raise EpisodeNotFoundError(
            f"no learning episode with id {episode_id}", episode_id=episode_id
        )
    return row


def _episodes(owner_id: int, persona_id: int, rewarded: bool | None) -> Select[LearningEpisode]:
    query = select(LearningEpisode).where(
        LearningEpisode.owner_id == owner_id, LearningEpisode.persona_id == persona_id
    )
    if rewarded is True:
        query = query.where(LearningEpisode.reward.is_not(None))
    elif rewarded is False:
        query = query.where(LearningEpisode.reward.is_(None))
    return query


def list_learning_episodes(
    *,
    session: Session,
    owner_id: int,
    persona_id: int,
    offset: int = 0,
    limit: int | None = None,
    rewarded: bool | None = None,
    newest_first: bool = True,
) -> list[LearningEpisode]:
    """The persona's episodes (only rewarded or open ones, if asked), paginated."""
    order = (
        (LearningEpisode.timestamp.desc(), LearningEpisode.id.desc())
        if newest_first
        else (LearningEpisode.timestamp, LearningEpisode.id)
    )
    query = _episodes(owner_id, persona_id, rewarded).order_by(*order).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


def count_learning_episodes(
    *, session: Session, owner_id: int, persona_id: int, rewarded: bool | None = None
) -> int:
    """How many episodes the persona has (only rewarded or open ones, if asked)."""
    query = _episodes(owner_id, persona_id, rewarded).with_only_columns(
        func.count(LearningEpisode.id)
    )
    return session.scalar(query) or 0


def latest_open_episode(
    *, session: Session, owner_id: int, strategy_id: int
) -> LearningEpisode | None:
    """The newest decision for this strategy that has no reward yet."""
    return session.scalar(
        select(LearningEpisode)
        .where(
            LearningEpisode.owner_id == owner_id,
            LearningEpisode.strategy_id == strategy_id,
            LearningEpisode.reward.is_(None),
        )
        .order_by(LearningEpisode.timestamp.desc(), LearningEpisode.id.desc())
        .limit(1)
    )


def complete_learning_episode(
    *,
    session: Session,
    owner_id: int,
    episode_id: int,
    reward: float,
    components: dict[str, Any],
    next_state: dict[str, Any],
) -> LearningEpisode:
    """Give a decision its reward, once.

    Raises
    ------
    EpisodeNotFoundError
        No such episode, or another owner's.
    FeedbackConflictError
        The episode already has its reward (perhaps from a concurrent request).
    """
    row = get_learning_episode(session=session, owner_id=owner_id, episode_id=episode_id)
    result = cast(
        CursorResult[Any],
        session.execute(
            update(LearningEpisode)
            .where(LearningEpisode.id == episode_id, LearningEpisode.reward.is_(None))
            .values(
                reward=reward,
                reward_components=components,
                next_state=next_state,
                rewarded_at=utcnow(),
            )
            .execution_options(synchronize_session=False)
        ),
    )
    if result.rowcount != 1:
        raise FeedbackConflictError(
            f"learning episode {episode_id} already has its reward", episode_id=episode_id
        )
    session.refresh(row)
    _audit(
        session,
        actor_id=owner_id,
        action="reward",
        entity="learning_episode",
        entity_id=episode_id,
        details={"persona_id": row.persona_id, "strategy_id": row.strategy_id, "reward": reward},
    )
    session.flush()
    return row


def replace_audience_clusters(
    *,
    session: Session,
    owner_id: int,
    persona_id: int,
    clusters: Sequence[Mapping[str, Any]],
) -> list[AudienceCluster]:
    """Make the persona's clusters exactly ``clusters``: an entry with an ``id`` updates
    that cluster (it keeps its identity), one without creates a cluster, and clusters not
    named are deleted.

    Raises
    ------
    PersonaNotFoundError
        No such persona for this owner.
    ClusterNotFoundError
        An ``id`` that is not one of the persona's clusters.
    """
    get_persona(session=session, owner_id=owner_id, persona_id=persona_id)
    existing = {
        row.id: row
        for row in list_audience_clusters(session=session, owner_id=owner_id, persona_id=persona_id)
    }
    fields = ("slot", "size", "characteristics", "embedding", "members")
    kept: list[AudienceCluster] = []
    now = utcnow()
    for entry in clusters:
        cluster_id = entry.get("id")
        if cluster_id is None:
            row = AudienceCluster(owner_id=owner_id, persona_id=persona_id, created_at=now)
            session.add(row)
        else:
            found = existing.pop(cluster_id, None)
            if found is None:
                raise ClusterNotFoundError(
                    f"no audience cluster with id {cluster_id}", cluster_id=cluster_id
                )
            row = found
        for name in fields:
            setattr(row, name, entry[name])
        row.updated_at = now
        kept.append(row)
    for row in existing.values():
        session.delete(row)
    session.flush()
    _audit(
        session,
        actor_id=owner_id,
        action="recluster",
        entity="audience_clusters",
        entity_id=persona_id,
        details={"persona_id": persona_id, "clusters": [row.id for row in kept]},
    )
    session.flush()
    return kept


def list_audience_clusters(
    *,
    session: Session,
    owner_id: int,
    persona_id: int,
    offset: int = 0,
    limit: int | None = None,
) -> list[AudienceCluster]:
    """The persona's audience clusters, largest first."""
    query = (
        select(AudienceCluster)
        .where(AudienceCluster.owner_id == owner_id, AudienceCluster.persona_id == persona_id)
        .order_by(AudienceCluster.size.desc(), AudienceCluster.id)
        .offset(offset)
    )
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


def count_audience_clusters(*, session: Session, owner_id: int, persona_id: int) -> int:
    """How many audience clusters the persona has."""
    return (
        session.scalar(
            select(func.count(AudienceCluster.id)).where(
                AudienceCluster.owner_id == owner_id, AudienceCluster.persona_id == persona_id
            )
        )
        or 0
    )


def get_audience_cluster(
    *, session: Session, owner_id: int, persona_id: int, cluster_id: int
) -> AudienceCluster:
    """The persona's audience cluster with this id.

    Raises
    ------
    ClusterNotFoundError
        No such cluster for this owner and persona.
    """
    row = session.get(AudienceCluster, cluster_id)
    if row is None or row.owner_id != owner_id or row.persona_id != persona_id:
        raise ClusterNotFoundError(
            f"no audience cluster with id {cluster_id}", cluster_id=cluster_id
        )
    return row


def get_policy_state(
    *, session: Session, owner_id: int, persona_id: int, policy: str
) -> PolicyState | None:
    """The persona's stored state of ``policy``, if it learned anything yet."""
    return session.scalar(
        select(PolicyState).where(
            PolicyState.owner_id == owner_id,
            PolicyState.persona_id == persona_id,
            PolicyState.policy == policy,
        )
    )


def save_policy_state(
    *,
    session: Session,
    owner_id: int,
    persona_id: int,
    policy: str,
    state: dict[str, Any],
    expected_version: int | None,
) -> PolicyState:
    """Store the persona's ``policy`` state, if nobody else stored one since it was read.

    ``expected_version`` is the version that was read (``None``: there was none).

    Raises
    ------
    PersonaNotFoundError
        No such persona for this owner.
    FeedbackConflictError
        Another request saved the policy after this one read it.
    """
    get_persona(session=session, owner_id=owner_id, persona_id=persona_id)
    conflict = FeedbackConflictError(
        "the creator's policy was updated by another request meanwhile; send it again",
        persona_id=persona_id,
        policy=policy,
    )
    if expected_version is None:
        row = PolicyState(owner_id=owner_id, persona_id=persona_id, policy=policy, state=state)
        try:
            with session.begin_nested():
                session.add(row)
                session.flush()
        except IntegrityError as exc:
            raise conflict from exc
        return row
    stored = get_policy_state(
        session=session, owner_id=owner_id, persona_id=persona_id, policy=policy
    )
    if stored is None or stored.version != expected_version:
        raise conflict
    result = cast(
        CursorResult[Any],
        session.execute(
            update(PolicyState)
            .where(PolicyState.id == stored.id, PolicyState.version == expected_version)
            .values(state=state, version=expected_version + 1, updated_at=utcnow())
            .execution_options(synchronize_session=False)
        ),
    )
    if result.rowcount != 1:
        raise conflict
    session.refresh(stored)
    return stored


def get_reward_weights(
    *, session: Session, owner_id: int, persona_id: int
) -> dict[str, Any] | None:
    """The persona's reward weights (``w1..w4``) as stored, or ``None`` for the defaults.

    Raises
    ------
    PersonaNotFoundError
        No such persona for this owner.
    """
    get_persona(session=session, owner_id=owner_id, persona_id=persona_id)
    value = session.scalar(
        select(PersonaConfiguration.value).where(
            PersonaConfiguration.persona_id == persona_id,
            PersonaConfiguration.key == REWARD_WEIGHTS_KEY,
        )
    )
    return value if isinstance(value, dict) else None
