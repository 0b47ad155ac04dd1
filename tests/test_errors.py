"""The exception tree: stable, distinct codes, and the families the API maps to statuses."""

from __future__ import annotations

import pytest

from personae import errors

CLASSES = [getattr(errors, name) for name in errors.__all__]

FAMILIES = {
    errors.NotFoundError: [
        errors.UserNotFoundError,
        errors.PersonaNotFoundError,
        errors.VersionNotFoundError,
        errors.LabelNotFoundError,
    ],
    errors.ConflictError: [
        errors.VersionConflictError,
        errors.DuplicateNameError,
        errors.DuplicateEmailError,
    ],
    errors.SyncError: [errors.InvalidDefinitionError],
}


def test_every_error_has_its_own_code() -> None:
    codes = [cls.code for cls in CLASSES]
    assert len(set(codes)) == len(codes)
    assert all(code and code == code.lower() for code in codes)


@pytest.mark.parametrize("cls", CLASSES)
def test_every_error_is_a_personae_error_named_in_the_docstring_tree(cls: type) -> None:
    assert issubclass(cls, errors.PersonaeError)
    assert cls.__name__ in (errors.__doc__ or "")


@pytest.mark.parametrize(("family", "members"), FAMILIES.items())
def test_families(family: type, members: list[type]) -> None:
    assert all(issubclass(member, family) for member in members)


def test_version_conflict_says_what_to_do() -> None:
    exc = errors.VersionConflictError(persona_id=3, expected=1, actual=2)
    assert "version 1" in exc.message
    assert "version 2" in exc.message
    assert exc.details == {"persona_id": 3, "expected": 1, "actual": 2}
    gone = errors.VersionConflictError(persona_id=3, expected=1, actual=None)
    assert "no longer exists" in gone.message
