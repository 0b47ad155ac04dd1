"""Roles, ordered: an ``admin`` may do whatever a ``user`` may."""

from __future__ import annotations

from typing import get_args

from personae._types import Role
from personae.errors import PermissionDeniedError

__all__ = ["ROLES", "require_role"]

ROLES: tuple[Role, ...] = get_args(Role)
"""Every role, from least to most privileged."""


def require_role(role: str | None, required: Role) -> None:
    """Refuse a caller whose role ranks below ``required``.

    Parameters
    ----------
    role
        The caller's role (from their access token or API key owner); ``None`` or an
        unknown role ranks below every role.
    required
        The least role the action needs.

    Raises
    ------
    PermissionDeniedError
        The caller's role is not enough.

    Examples
    --------
    >>> require_role("admin", "user")  # allowed: returns None
    """
    rank = ROLES.index(role) if role in ROLES else -1
    if rank < ROLES.index(required):
        raise PermissionDeniedError(f"this needs the {required} role", required=required, role=role)
