"""Helpers every entity module shares: the audit row, the 0..1 check, the page bound.

Part of :mod:`personae.store.crud` (see its docstring for the rules every write follows).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from personae.errors import InputError
from personae.store._models import AuditLog

MAX_PAGE_SIZE = 1000
"""The largest ``limit`` :func:`list_personas` accepts."""


# -- audit ----------------------------------------------------------------------------


def _audit(
    session: Session,
    *,
    actor_id: int | None,
    action: str,
    entity: str,
    entity_id: object,
    details: dict[str, Any] | None = None,
) -> None:
    session.add(
        AuditLog(
            actor_id=actor_id,
            action=action,
            entity=entity,
            entity_id=str(entity_id),
            details=details or {},
        )
    )


def _unit(value: float | None, what: str) -> None:
    if value is not None and not 0.0 <= value <= 1.0:
        raise InputError(f"{what} must be between 0 and 1 (got {value})")
