"""SQLAlchemy tables: what is stored, and nothing about how callers see it.

The pydantic schemas callers send and receive live in :mod:`personae.store._schemas`;
these classes are the rows. Every owned row is reachable from a user: ``personas`` and
``api_keys`` carry ``owner_id``, every persona facet carries ``persona_id``, and all those
foreign keys cascade on delete, so deleting a user (GDPR) or a persona removes what hangs
off it in the database itself, not in Python.

Types are portable (``JSON``, not ``JSONB``; timestamps stored in UTC) so SQLite and
PostgreSQL share one schema and one migration history.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = [
    "PERSONA_FIELDS",
    "ApiKey",
    "AudienceCluster",
    "AuditLog",
    "AuthSession",
    "Base",
    "CalendarFeed",
    "ChatMessage",
    "ChatSession",
    "ContentEdit",
    "ContentExperiment",
    "ContentPiece",
    "CoreTrait",
    "EngagementEvent",
    "Job",
    "LearningEpisode",
    "LlmResponse",
    "LlmUsage",
    "Memory",
    "MemoryHygiene",
    "Persona",
    "PersonaAnalysisResult",
    "PersonaConfiguration",
    "PersonaLabel",
    "PersonaMetric",
    "PersonaValidationResult",
    "PersonaVersion",
    "PlatformPersona",
    "PolicyState",
    "PublishAttempt",
    "Publisher",
    "Strategy",
    "StrategyEdge",
    "Trait",
    "TraitProposal",
    "UTCDateTime",
    "User",
    "utcnow",
]

# Deterministic constraint names, so migrations can refer to them on every backend.
_NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

PERSONA_FIELDS: tuple[str, ...] = (
    "name",
    "display_name",
    "role",
    "archetype",
    "core_belief",
    "system_prompt",
    "context",
    "expertise",
    "response_format",
    "persona_type",
    "tonal_range",
    "stylistic_constraints",
    "linguistic_fingerprint",
    "confidence_score",
    "scenario",
    "greeting",
    "example_dialogue",
    "card_extensions",
    "is_active",
)
"""The persona's own fields, in display order: what a version snapshot holds in full."""


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC (the one clock of the store)."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware.

    SQLite keeps no offset, so without this the same column would come back naive on
    SQLite and aware on PostgreSQL.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _json() -> JSON:
    # Python None is stored as SQL NULL, not the JSON literal null.
    return JSON(none_as_null=True)


def _persona_fk() -> ForeignKey:
    return ForeignKey("personas.id", ondelete="CASCADE")


class Base(DeclarativeBase):
    """Declarative base; its ``metadata`` is what Alembic migrates to."""

    metadata = MetaData(naming_convention=_NAMING)


class User(Base):
    """A person (or the CLI's local user) who owns personas."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(String(512))
    role: Mapped[str] = mapped_column(String(20), default="user")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AuthSession(Base):
    """One sign-in: the family of tokens a login started, until logout or reuse.

    Access and refresh tokens name their session (``sid``), and a token is honoured only
    while its session row exists, belongs to the token's user and is not revoked. The id
    is random and never reissued, so a token cannot outlive its account even where the
    database reuses a deleted user's id (SQLite without ``AUTOINCREMENT``): the rows go
    with the account (``ON DELETE CASCADE``). ``refresh_jti`` is the only refresh token of
    the family that may still be used; presenting an older one is reuse, which revokes
    the family.
    """

    __tablename__ = "auth_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    refresh_jti: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class ApiKey(Base):
    """An API key: only its hash and a short lookup prefix are stored."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    key_hash: Mapped[str] = mapped_column(String(512), unique=True)
    prefix: Mapped[str] = mapped_column(String(32), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class Persona(Base):
    """One persona: the G1 definition and the core persona in one row.

    ``version`` is the optimistic-concurrency counter: every change goes through a
    conditional ``UPDATE … WHERE version = :expected`` in :mod:`personae.store.crud`.
    """

    __tablename__ = "personas"
    __table_args__ = (
        UniqueConstraint("owner_id", "name"),
        Index("idx_personas_owner_active", "owner_id", "is_active"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(300), default="")
    archetype: Mapped[str | None] = mapped_column(String(100), default=None)
    core_belief: Mapped[str | None] = mapped_column(Text, default=None)
    system_prompt: Mapped[str] = mapped_column(Text, default="")
    context: Mapped[str] = mapped_column(Text, default="")
    expertise: Mapped[list[str]] = mapped_column(_json(), default=list)
    response_format: Mapped[str] = mapped_column(Text, default="")
    persona_type: Mapped[str] = mapped_column(String(50), default="standard")
    tonal_range: Mapped[dict[str, Any]] = mapped_column(_json(), default=dict)
    stylistic_constraints: Mapped[dict[str, Any]] = mapped_column(_json(), default=dict)
    linguistic_fingerprint: Mapped[dict[str, Any] | None] = mapped_column(_json(), default=None)
    confidence_score: Mapped[float | None] = mapped_column(Float, default=None)
    scenario: Mapped[str] = mapped_column(Text, default="")
    greeting: Mapped[str] = mapped_column(Text, default="")
    example_dialogue: Mapped[str] = mapped_column(Text, default="")
    card_extensions: Mapped[dict[str, Any] | None] = mapped_column(_json(), default=None)
    version: Mapped[int] = mapped_column(Integer, default=1)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def snapshot(self) -> dict[str, Any]:
        """Every field of :data:`PERSONA_FIELDS`, as stored (JSON-serialisable)."""
        return {field: getattr(self, field) for field in PERSONA_FIELDS}


class PersonaVersion(Base):
    """An immutable snapshot of a persona after one change (history, diff, rollback)."""

    __tablename__ = "persona_versions"
    __table_args__ = (UniqueConstraint("persona_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    persona_id: Mapped[int] = mapped_column(_persona_fk())
    version: Mapped[int] = mapped_column(Integer)
    snapshot: Mapped[dict[str, Any]] = mapped_column(_json())
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None, index=True
    )
    message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class PersonaLabel(Base):
    """A named pointer to one version of a persona (``production``, ``staging`` …)."""

    __tablename__ = "persona_labels"
    __table_args__ = (UniqueConstraint("persona_id", "label"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    persona_id: Mapped[int] = mapped_column(_persona_fk())
    label: Mapped[str] = mapped_column(String(50))
    version: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class PlatformPersona(Base):
    """A persona adapted to one platform (LinkedIn, blog …)."""

    __tablename__ = "platform_personas"
    # The seed's lookup index, made unique: one adaptation per platform.
    __table_args__ = (
        Index("idx_platform_personas_persona_platform", "persona_id", "platform", unique=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    persona_id: Mapped[int] = mapped_column(_persona_fk())
    platform: Mapped[str] = mapped_column(String(50))
    platform_specific_data: Mapped[dict[str, Any]] = mapped_column(_json(), default=dict)
    optimization_strategies: Mapped[dict[str, Any]] = mapped_column(_json(), default=dict)
    quality_metrics: Mapped[dict[str, Any]] = mapped_column(_json(), default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class PersonaAnalysisResult(Base):
    """The outcome of one analysis run on a persona (kept as an audit trail)."""

    __tablename__ = "persona_analysis_results"
    __table_args__ = (Index("idx_analysis_results_persona_type", "persona_id", "analysis_type"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    persona_id: Mapped[int] = mapped_column(_persona_fk())
    analysis_type: Mapped[str] = mapped_column(String(100))
    results: Mapped[dict[str, Any]] = mapped_column(_json(), default=dict)
    processing_time_ms: Mapped[int | None] = mapped_column(Integer, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class PersonaValidationResult(Base):
    """A quality check of a persona and the metrics it produced."""

    __tablename__ = "persona_validation_results"
    __table_args__ = (
        Index("idx_validation_results_persona_status", "persona_id", "validation_status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    persona_id: Mapped[int] = mapped_column(_persona_fk())
    validation_status: Mapped[str] = mapped_column(String(50))
    metrics: Mapped[dict[str, Any]] = mapped_column(_json(), default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class PersonaMetric(Base):
    """One measured value of a persona at one time (a time series per metric)."""

    __tablename__ = "persona_metrics"
    __table_args__ = (Index("idx_persona_metrics_persona_metric", "persona_id", "metric"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    persona_id: Mapped[int] = mapped_column(_persona_fk())
    metric: Mapped[str] = mapped_column(String(100))
    value: Mapped[float] = mapped_column(Float)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class PersonaConfiguration(Base):
    """A keyed JSON setting of a persona (one value per key)."""

    __tablename__ = "persona_configurations"
    __table_args__ = (UniqueConstraint("persona_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    persona_id: Mapped[int] = mapped_column(_persona_fk())
    key: Mapped[str] = mapped_column(String(100))
    value: Mapped[Any] = mapped_column(_json())


class Trait(Base):
    """A character trait of a persona with its intensity (0..1)."""

    __tablename__ = "traits"
    __table_args__ = (UniqueConstraint("persona_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    persona_id: Mapped[int] = mapped_column(_persona_fk())
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")
    intensity: Mapped[float] = mapped_column(Float, default=0.5)
    inherited: Mapped[bool] = mapped_column(Boolean, default=False)
    confidence: Mapped[float | None] = mapped_column(Float, default=None)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    source: Mapped[str] = mapped_column(String(16), default="user", server_default="user")
    """``user`` (set by hand; extraction only proposes changes) or ``extracted``."""
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    """When extraction last saw the trait: its confidence decays from there."""


class AuditLog(Base):
    """Who did what to which entity: one row per write made through ``crud``.

    ``actor_id`` cascades: erasing a user erases the trail of what they did, since that
    trail is their personal data too.
    """

    __tablename__ = "audit_log"
    __table_args__ = (Index("idx_audit_log_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), default=None, index=True
    )
    action: Mapped[str] = mapped_column(String(50))
    entity: Mapped[str] = mapped_column(String(50))
    entity_id: Mapped[str] = mapped_column(String(64))
    details: Mapped[dict[str, Any]] = mapped_column(_json(), default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


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


# -- Strategy learning (personae.strategy) ----------------------------------------------
# Every row carries owner_id (cascading from users, so GDPR erasure removes it) and the
# persona ("creator") it belongs to (cascading from personas).


def _owner_fk() -> ForeignKey:
    return ForeignKey("users.id", ondelete="CASCADE")


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


# -- chat (personae.chat) ------------------------------------------------------------------


class CoreTrait(Base):
    """An owner-wide trait every persona of the owner inherits (seed 002's core traits).

    A persona's own ``traits`` row of the same name overrides it for that persona.
    """

    __tablename__ = "core_traits"
    __table_args__ = (UniqueConstraint("owner_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int] = mapped_column(_owner_fk())
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")
    intensity: Mapped[float] = mapped_column(Float, default=0.5)
    confidence: Mapped[float | None] = mapped_column(Float, default=None)
    source: Mapped[str] = mapped_column(String(16), default="user")
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class TraitProposal(Base):
    """What extraction saw about a trait the user set by hand: a proposal, never a write."""

    __tablename__ = "trait_proposals"
    __table_args__ = (UniqueConstraint("persona_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int] = mapped_column(_owner_fk(), index=True)
    persona_id: Mapped[int] = mapped_column(_persona_fk())
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")
    intensity: Mapped[float] = mapped_column(Float, default=0.5)
    confidence: Mapped[float] = mapped_column(Float, default=0.0)
    seen: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


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


# -- content library and calendar (personae.content) ---------------------------------------


class ContentExperiment(Base):
    """An A/B test of persona versions (or labels) on one platform.

    ``variants`` is a list of ``{"name", "version"}``: the persona version each arm
    writes with. Pieces carry ``experiment_id`` and ``variant``; the report is computed
    from their rewards, so the experiment keeps no counters of its own.
    """

    __tablename__ = "content_experiments"
    __table_args__ = (UniqueConstraint("owner_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int] = mapped_column(_owner_fk(), index=True)
    persona_id: Mapped[int] = mapped_column(_persona_fk(), index=True)
    name: Mapped[str] = mapped_column(String(100))
    platform: Mapped[str] = mapped_column(String(50))
    variants: Mapped[list[dict[str, Any]]] = mapped_column(_json(), default=list)
    status: Mapped[str] = mapped_column(String(20), default="running")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class ContentPiece(Base):
    """A written text and its life: draft → approved → scheduled → published (→ archived).

    It remembers who wrote it (persona and persona version), for where (platform), from
    what (brief, and the strategy decision it followed, if any), how good it was when
    written (quality report, style match), and once published the platform's id for it
    (``external_id``), which is how engagement imports find it. ``publish_error`` keeps
    the last failed publish's reason; the piece itself is never dropped.
    """

    __tablename__ = "content_pieces"
    __table_args__ = (
        UniqueConstraint("owner_id", "platform", "external_id"),
        Index("idx_content_pieces_owner_status", "owner_id", "status", "scheduled_at"),
        Index("idx_content_pieces_owner_created", "owner_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int] = mapped_column(_owner_fk())
    persona_id: Mapped[int] = mapped_column(_persona_fk(), index=True)
    persona_version: Mapped[int] = mapped_column(Integer)
    platform: Mapped[str] = mapped_column(String(50))
    brief: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(20), default="api")
    strategy_id: Mapped[int | None] = mapped_column(
        ForeignKey("strategies.id", ondelete="SET NULL"), default=None, index=True
    )
    episode_id: Mapped[int | None] = mapped_column(
        ForeignKey("learning_episodes.id", ondelete="SET NULL"), default=None, index=True
    )
    experiment_id: Mapped[int | None] = mapped_column(
        ForeignKey("content_experiments.id", ondelete="SET NULL"), default=None, index=True
    )
    variant: Mapped[str | None] = mapped_column(String(100), default=None)
    quality: Mapped[dict[str, Any] | None] = mapped_column(_json(), default=None)
    quality_score: Mapped[float | None] = mapped_column(Float, default=None)
    style_match: Mapped[float | None] = mapped_column(Float, default=None)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    scheduled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    publisher: Mapped[str | None] = mapped_column(String(50), default=None)
    external_id: Mapped[str | None] = mapped_column(String(200), default=None)
    external_url: Mapped[str | None] = mapped_column(String(2000), default=None)
    publish_error: Mapped[str | None] = mapped_column(Text, default=None)
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    reward: Mapped[float | None] = mapped_column(Float, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ContentEdit(Base):
    """One change a person made to a piece's text: before and after are both kept."""

    __tablename__ = "content_edits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int] = mapped_column(_owner_fk(), index=True)
    piece_id: Mapped[int] = mapped_column(
        ForeignKey("content_pieces.id", ondelete="CASCADE"), index=True
    )
    before: Mapped[str] = mapped_column(Text)
    after: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text, default="")
    fed_back: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Publisher(Base):
    """Where an owner's pieces go: a named publisher plugin and its settings.

    ``secret`` signs webhook bodies (HMAC-SHA256); it has to be kept readable to sign,
    so it is never sent back by the API or written to a log.
    """

    __tablename__ = "publishers"
    __table_args__ = (UniqueConstraint("owner_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int] = mapped_column(_owner_fk(), index=True)
    name: Mapped[str] = mapped_column(String(50))
    kind: Mapped[str] = mapped_column(String(50))
    config: Mapped[dict[str, Any]] = mapped_column(_json(), default=dict)
    secret: Mapped[str | None] = mapped_column(String(200), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class PublishAttempt(Base):
    """One try at publishing a piece: which publisher, the outcome, the error if any."""

    __tablename__ = "publish_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int] = mapped_column(_owner_fk(), index=True)
    piece_id: Mapped[int] = mapped_column(
        ForeignKey("content_pieces.id", ondelete="CASCADE"), index=True
    )
    publisher: Mapped[str] = mapped_column(String(50))
    attempt: Mapped[int] = mapped_column(Integer, default=1)
    ok: Mapped[bool] = mapped_column(Boolean, default=False)
    status_code: Mapped[int | None] = mapped_column(Integer, default=None)
    error: Mapped[str | None] = mapped_column(Text, default=None)
    duration_ms: Mapped[float] = mapped_column(Float, default=0.0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CalendarFeed(Base):
    """An owner's iCalendar feed: only the hash of its URL token is kept (one per owner)."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int] = mapped_column(_owner_fk(), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
