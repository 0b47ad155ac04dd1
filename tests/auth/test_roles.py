"""Roles: admin covers user; anything unknown covers nothing."""

from __future__ import annotations

import pytest

from personae.auth import ROLES, require_role
from personae.errors import PermissionDeniedError


def test_roles_are_ordered_from_least_privileged() -> None:
    assert ROLES == ("user", "admin")


@pytest.mark.parametrize(
    ("role", "required"), [("user", "user"), ("admin", "user"), ("admin", "admin")]
)
def test_enough_role_passes(role: str, required: str) -> None:
    require_role(role, required)  # type: ignore[arg-type]


@pytest.mark.parametrize("role", ["user", None, "root", ""])
def test_too_little_role_is_refused(role: str | None) -> None:
    with pytest.raises(PermissionDeniedError) as caught:
        require_role(role, "admin")
    assert caught.value.code == "permission_denied"
    assert caught.value.details == {"required": "admin", "role": role}
