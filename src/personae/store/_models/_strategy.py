"""Strategy learning (:mod:`personae.strategy`): the strategy graph, engagement events,
learning episodes, audience clusters and the saved policy state.

Part of :mod:`personae.store._models`. Every row carries ``owner_id`` (cascading from
users, so GDPR erasure removes it) and the persona ("creator") it belongs to (cascading
from personas).
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

__all__ = [
    "AudienceCluster",
    "EngagementEvent",
    "LearningEpisode",
    "PolicyState",
    "Strategy",
    "StrategyEdge",
]


class Strategy(Base):
    """A node of the strategy memory graph: one arm (topic × format × tone × hour ×
    platform) of a creator, its description's embedding and its measured performance."""

    __tablename__ = "strategies"
    __table_args__ = (UniqueConstraint("persona_id", "arm_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int] = mapped_column(_owner_fk(), index=True)
    persona_id: Mapped[int] = mapped_column(_persona_fk())
    arm_key: Mapped[str] = mapped_column(String(600))
    topic: Mapped[str] = mapped_column(String(100))
    format: Mapped[str] = mapped_column(String(100))
    tone: Mapped[str] = mapped_column(String(100))
    posting_hour: Mapped[int] = mapped_column(Integer)
    platform: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")
    embedding: Mapped[list[float] | None] = mapped_column(_json(), default=None)
    embedding_model: Mapped[str | None] = mapped_column(String(300), default=None)
    performance: Mapped[dict[str, Any]] = mapped_column(_json(), default=dict)
    success_score: Mapped[float | None] = mapped_column(Float, default=None)
    pulls: Mapped[int] = mapped_column(Integer, default=0)
    rewards: Mapped[int] = mapped_column(Integer, default=0)
    audience_cluster_ids: Mapped[list[int]] = mapped_column(_json(), default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class StrategyEdge(Base):
    """A transition between two strategies of a creator, played one after the other."""

    __tablename__ = "strategy_edges"
    __table_args__ = (UniqueConstraint("from_strategy_id", "to_strategy_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int] = mapped_column(_owner_fk(), index=True)
    persona_id: Mapped[int] = mapped_column(_persona_fk(), index=True)
    from_strategy_id: Mapped[int] = mapped_column(ForeignKey("strategies.id", ondelete="CASCADE"))
    to_strategy_id: Mapped[int] = mapped_column(
        ForeignKey("strategies.id", ondelete="CASCADE"), index=True
    )
    transitions: Mapped[int] = mapped_column(Integer, default=0)
    transition_probability: Mapped[float] = mapped_column(Float, default=0.0)
    context_similarity: Mapped[float] = mapped_column(Float, default=0.0)
    performance_improvement: Mapped[float] = mapped_column(Float, default=0.0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class EngagementEvent(Base):
    """One engagement event of a creator's content: a counters snapshot, or one audience
    member's interaction. Unique per owner by ``(platform, external_id)``, which is what
    makes imports idempotent."""

    __tablename__ = "engagement_events"
    __table_args__ = (
        UniqueConstraint("owner_id", "platform", "external_id"),
        Index("idx_engagement_events_persona_content", "persona_id", "platform", "content_id"),
        Index("idx_engagement_events_persona_occurred", "persona_id", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int] = mapped_column(_owner_fk())
    persona_id: Mapped[int] = mapped_column(_persona_fk())
    platform: Mapped[str] = mapped_column(String(50))
    external_id: Mapped[str] = mapped_column(String(200))
    content_id: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str | None] = mapped_column(String(50), default=None)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    likes: Mapped[int] = mapped_column(Integer, default=0)
    comments: Mapped[int] = mapped_column(Integer, default=0)
    shares: Mapped[int] = mapped_column(Integer, default=0)
    saves: Mapped[int] = mapped_column(Integer, default=0)
    impressions: Mapped[int] = mapped_column(Integer, default=0)
    reach: Mapped[int] = mapped_column(Integer, default=0)
    clicks: Mapped[int] = mapped_column(Integer, default=0)
    conversions: Mapped[int] = mapped_column(Integer, default=0)
    audience_member_id: Mapped[str | None] = mapped_column(String(200), default=None)
    strategy_id: Mapped[int | None] = mapped_column(
        ForeignKey("strategies.id", ondelete="SET NULL"), default=None, index=True
    )
    content_cost: Mapped[float | None] = mapped_column(Float, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class LearningEpisode(Base):
    """One decision of the policy and, once measured, its reward: (state, action, reward,
    next_state, timestamp), kept for replay."""

    __tablename__ = "learning_episodes"
    __table_args__ = (Index("idx_learning_episodes_persona_timestamp", "persona_id", "timestamp"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int] = mapped_column(_owner_fk(), index=True)
    persona_id: Mapped[int] = mapped_column(_persona_fk())
    strategy_id: Mapped[int] = mapped_column(
        ForeignKey("strategies.id", ondelete="CASCADE"), index=True
    )
    policy: Mapped[str] = mapped_column(String(50))
    state: Mapped[dict[str, Any]] = mapped_column(_json(), default=dict)
    action: Mapped[dict[str, Any]] = mapped_column(_json(), default=dict)
    reward: Mapped[float | None] = mapped_column(Float, default=None)
    reward_components: Mapped[dict[str, Any] | None] = mapped_column(_json(), default=None)
    next_state: Mapped[dict[str, Any] | None] = mapped_column(_json(), default=None)
    timestamp: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    rewarded_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class AudienceCluster(Base):
    """An audience segment of a creator, with a stable identity across re-clustering.

    ``slot`` (0..7) is the cluster's context feature in the policy; ``embedding`` is the
    centroid of its members' features; ``members`` are the audience member ids.
    """

    __tablename__ = "audience_clusters"
    __table_args__ = (Index("idx_audience_clusters_persona", "persona_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int] = mapped_column(_owner_fk(), index=True)
    persona_id: Mapped[int] = mapped_column(_persona_fk())
    slot: Mapped[int | None] = mapped_column(Integer, default=None)
    size: Mapped[int] = mapped_column(Integer, default=0)
    characteristics: Mapped[dict[str, Any]] = mapped_column(_json(), default=dict)
    embedding: Mapped[list[float]] = mapped_column(_json(), default=list)
    members: Mapped[list[str]] = mapped_column(_json(), default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class PolicyState(Base):
    """What a creator's bandit policy has learned, as JSON (arrays base64-encoded).

    ``version`` counts saves: a save names the version it read, so two concurrent
    updates cannot silently overwrite each other.
    """

    __tablename__ = "policy_states"
    __table_args__ = (UniqueConstraint("persona_id", "policy"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int] = mapped_column(_owner_fk(), index=True)
    persona_id: Mapped[int] = mapped_column(_persona_fk())
    policy: Mapped[str] = mapped_column(String(50))
    state: Mapped[dict[str, Any]] = mapped_column(_json(), default=dict)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
