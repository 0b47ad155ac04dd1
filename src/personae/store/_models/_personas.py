"""Personas and their facets: versions, labels, platform adaptations, analysis,
validation, metrics and keyed configuration.

Part of :mod:`personae.store._models`. ``personas`` carries ``owner_id`` and every facet
carries ``persona_id``, all cascading on delete, so deleting a persona removes what hangs
off it in the database itself, not in Python.
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
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from personae.store._models._base import Base, UTCDateTime, _json, _persona_fk, utcnow

__all__ = [
    "PERSONA_FIELDS",
    "Persona",
    "PersonaAnalysisResult",
    "PersonaConfiguration",
    "PersonaLabel",
    "PersonaMetric",
    "PersonaValidationResult",
    "PersonaVersion",
    "PlatformPersona",
]


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
