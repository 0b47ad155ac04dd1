"""Accounts: users, their sign-in sessions, API keys, and the audit trail of their writes.

Part of :mod:`personae.store._models`. Everything here hangs off ``users`` with
``ON DELETE CASCADE``, so erasing a user (GDPR) removes their sessions, keys and trail.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from personae.store._models._base import Base, UTCDateTime, _json, utcnow

__all__ = ["ApiKey", "AuditLog", "AuthSession", "User"]


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
