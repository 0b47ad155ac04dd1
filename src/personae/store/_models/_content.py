"""Content library and calendar (:mod:`personae.content`): experiments, pieces, edits,
publishers, publish attempts and calendar feeds.

Part of :mod:`personae.store._models`. Every row carries ``owner_id`` (cascading from
users); a piece's links to the strategy, episode and experiment it came from are
``SET NULL``, so the piece itself is never dropped with them.
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

from personae.store._models._base import Base, UTCDateTime, _json, _owner_fk, _persona_fk, utcnow

__all__ = [
    "CalendarFeed",
    "ContentEdit",
    "ContentExperiment",
    "ContentPiece",
    "PublishAttempt",
    "Publisher",
]


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
