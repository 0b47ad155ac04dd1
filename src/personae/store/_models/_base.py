"""What every table shares: the declarative base, the one clock, the column helpers.

Part of :mod:`personae.store._models`. Types are portable (``JSON``, not ``JSONB``;
timestamps stored in UTC through :class:`UTCDateTime`) so SQLite and PostgreSQL share one
schema and one migration history. Constraint names are deterministic
(:data:`_NAMING`), so migrations can refer to them on every backend.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, DateTime, Dialect, ForeignKey, MetaData, TypeDecorator
from sqlalchemy.orm import DeclarativeBase

__all__ = ["Base", "UTCDateTime", "utcnow"]


# Deterministic constraint names, so migrations can refer to them on every backend.
_NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


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


def _owner_fk() -> ForeignKey:
    return ForeignKey("users.id", ondelete="CASCADE")


class Base(DeclarativeBase):
    """Declarative base; its ``metadata`` is what Alembic migrates to."""

    metadata = MetaData(naming_convention=_NAMING)
