"""Traits: a persona's own, the owner-wide core traits every persona inherits, and the
proposals extraction makes about traits the user set by hand.

Part of :mod:`personae.store._models`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    Float,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from personae.store._models._base import Base, UTCDateTime, _owner_fk, _persona_fk, utcnow

__all__ = ["CoreTrait", "Trait", "TraitProposal"]


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
