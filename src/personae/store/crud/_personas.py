"""Personas, their versions, diff, rollback and labels (every change is a new version).

Part of :mod:`personae.store.crud` (see its docstring for the rules every write follows).
"""

from __future__ import annotations

import re
from typing import Any, cast

from sqlalchemy import CursorResult, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, load_only

from personae.errors import (
    DuplicateNameError,
    InputError,
    LabelNotFoundError,
    PersonaNotFoundError,
    VersionConflictError,
    VersionNotFoundError,
)
from personae.store._models import PERSONA_FIELDS, Persona, PersonaLabel, PersonaVersion, utcnow
from personae.store._schemas import FieldChange, PersonaCreate, PersonaDiff, PersonaUpdate
from personae.store.crud._common import MAX_PAGE_SIZE, _audit
from personae.store.crud._users import get_user

_LABEL = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,49}$")


# -- personas -------------------------------------------------------------------------


def _name_taken(session: Session, owner_id: int, name: str, *, other_than: int | None) -> bool:
    query = select(Persona.id).where(Persona.owner_id == owner_id, Persona.name == name)
    if other_than is not None:
        query = query.where(Persona.id != other_than)
    return session.scalar(query) is not None


def _duplicate(name: str) -> DuplicateNameError:
    return DuplicateNameError(f"a persona named {name!r} already exists", name=name)


def _write_version(
    session: Session, persona: Persona, *, actor_id: int | None, message: str
) -> PersonaVersion:
    row = PersonaVersion(
        persona_id=persona.id,
        version=persona.version,
        snapshot=persona.snapshot(),
        author_id=actor_id,
        message=message,
    )
    session.add(row)
    return row


def create_persona(
    *,
    session: Session,
    owner_id: int,
    data: PersonaCreate,
    actor_id: int | None = None,
    message: str = "created",
) -> Persona:
    """Add a persona at version 1 and record that version.

    Parameters
    ----------
    owner_id
        Who owns it; ``actor_id`` (default: the owner) is recorded as the author.

    Raises
    ------
    UserNotFoundError
        No such owner.
    DuplicateNameError
        The owner already has a persona with this name.
    """
    get_user(session=session, user_id=owner_id)
    if _name_taken(session, owner_id, data.name, other_than=None):
        raise _duplicate(data.name)
    actor = owner_id if actor_id is None else actor_id
    persona = Persona(owner_id=owner_id, version=1, **data.model_dump())
    session.add(persona)
    try:
        session.flush()
    except IntegrityError as exc:  # lost a race with another transaction
        raise _duplicate(data.name) from exc
    _write_version(session, persona, actor_id=actor, message=message)
    _audit(
        session,
        actor_id=actor,
        action="create",
        entity="persona",
        entity_id=persona.id,
        details={"name": persona.name, "version": 1},
    )
    session.flush()
    return persona


def get_persona(*, session: Session, owner_id: int, persona_id: int) -> Persona:
    """The owner's persona with this id, as stored now.

    Raises
    ------
    PersonaNotFoundError
        No such persona, or it belongs to another owner (the two look the same).
    """
    query = (
        select(Persona)
        .where(Persona.id == persona_id, Persona.owner_id == owner_id)
        .execution_options(populate_existing=True)
    )
    persona = session.scalar(query)
    if persona is None:
        raise PersonaNotFoundError(f"no persona with id {persona_id}", persona_id=persona_id)
    return persona


def get_persona_by_name(*, session: Session, owner_id: int, name: str) -> Persona:
    """The owner's persona with this name.

    Raises
    ------
    PersonaNotFoundError
        The owner has no persona with this name.
    """
    query = (
        select(Persona)
        .where(Persona.owner_id == owner_id, Persona.name == name)
        .execution_options(populate_existing=True)
    )
    persona = session.scalar(query)
    if persona is None:
        raise PersonaNotFoundError(f"no persona named {name!r}", name=name)
    return persona


BRIEF_COLUMNS = (
    Persona.id,
    Persona.owner_id,
    Persona.name,
    Persona.display_name,
    Persona.role,
    Persona.archetype,
    Persona.persona_type,
    Persona.confidence_score,
    Persona.version,
    Persona.is_active,
    Persona.created_at,
    Persona.updated_at,
)
"""What a list of personas shows: no long text, no fingerprint (each fingerprint is tens of
KB of JSON, and a list of a hundred would decode megabytes to show names)."""


def list_personas(
    *,
    session: Session,
    owner_id: int,
    offset: int = 0,
    limit: int = 50,
    active_only: bool = False,
    brief: bool = False,
) -> list[Persona]:
    """One page of the owner's personas, by name. ``brief`` loads only
    :data:`BRIEF_COLUMNS`; reading any other field of such a row raises.

    Raises
    ------
    InputError
        ``offset`` is negative or ``limit`` is outside 1..:data:`MAX_PAGE_SIZE`.
    """
    if offset < 0 or not 1 <= limit <= MAX_PAGE_SIZE:
        raise InputError(
            f"offset must be ≥ 0 and limit 1..{MAX_PAGE_SIZE} (got {offset}, {limit})",
            offset=offset,
            limit=limit,
        )
    query = select(Persona).where(Persona.owner_id == owner_id)
    if brief:
        query = query.options(load_only(*BRIEF_COLUMNS, raiseload=True))
    if active_only:
        query = query.where(Persona.is_active.is_(True))
    query = query.order_by(Persona.name, Persona.id).offset(offset).limit(limit)
    return list(session.scalars(query))


def count_personas(*, session: Session, owner_id: int, active_only: bool = False) -> int:
    """How many personas the owner has (for pagination totals)."""
    query = select(func.count()).select_from(Persona).where(Persona.owner_id == owner_id)
    if active_only:
        query = query.where(Persona.is_active.is_(True))
    return int(session.scalar(query) or 0)


def _apply(
    session: Session,
    persona: Persona,
    changes: dict[str, Any],
    *,
    expected: int,
    actor_id: int | None,
    message: str,
    action: str,
    always_version: bool = False,
) -> Persona:
    """Write ``changes`` if the persona is still at ``expected``; record the new version.

    The guard is a conditional ``UPDATE … WHERE version = :expected``: of two
    transactions that read the same version, the database lets exactly one match the
    row, so the other updates nothing and gets :class:`VersionConflictError`.
    """
    if persona.version != expected:
        raise VersionConflictError(persona_id=persona.id, expected=expected, actual=persona.version)
    changed = {field: value for field, value in changes.items() if getattr(persona, field) != value}
    if not changed and not always_version:
        return persona
    if "name" in changed and _name_taken(
        session, persona.owner_id, changed["name"], other_than=persona.id
    ):
        raise _duplicate(changed["name"])
    statement = (
        update(Persona)
        .where(
            Persona.id == persona.id,
            Persona.owner_id == persona.owner_id,
            Persona.version == expected,
        )
        .values(**changed, version=expected + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    try:
        result = cast(CursorResult[Any], session.execute(statement))
    except IntegrityError as exc:  # a concurrent rename took the name first
        raise _duplicate(str(changed.get("name"))) from exc
    if result.rowcount != 1:
        actual = session.scalar(select(Persona.version).where(Persona.id == persona.id))
        raise VersionConflictError(persona_id=persona.id, expected=expected, actual=actual)
    session.refresh(persona)
    actor = persona.owner_id if actor_id is None else actor_id
    _write_version(session, persona, actor_id=actor, message=message)
    _audit(
        session,
        actor_id=actor,
        action=action,
        entity="persona",
        entity_id=persona.id,
        details={"fields": sorted(changed), "version": persona.version},
    )
    session.flush()
    return persona


def update_persona(
    *,
    session: Session,
    owner_id: int,
    persona_id: int,
    update: PersonaUpdate,
    actor_id: int | None = None,
) -> Persona:
    """Change the fields set in ``update``, if nobody changed the persona since.

    ``update.version`` is the version the caller read. An update that changes nothing
    writes nothing and keeps the version.

    Raises
    ------
    PersonaNotFoundError
        No such persona for this owner.
    VersionConflictError
        The persona is no longer at ``update.version``; nothing was written.
    DuplicateNameError
        A rename to a name the owner already uses.
    """
    persona = get_persona(session=session, owner_id=owner_id, persona_id=persona_id)
    return _apply(
        session,
        persona,
        update.changes(),
        expected=update.version,
        actor_id=actor_id,
        message=update.message or "updated",
        action="update",
    )


def delete_persona(
    *,
    session: Session,
    owner_id: int,
    persona_id: int,
    expected_version: int | None = None,
    actor_id: int | None = None,
) -> None:
    """Delete a persona with its history, labels and facets (the database cascades).

    Raises
    ------
    PersonaNotFoundError
        No such persona for this owner.
    VersionConflictError
        ``expected_version`` is given and the persona has moved on.
    """
    persona = get_persona(session=session, owner_id=owner_id, persona_id=persona_id)
    condition = [Persona.id == persona_id, Persona.owner_id == owner_id]
    if expected_version is not None:
        condition.append(Persona.version == expected_version)
    result = cast(CursorResult[Any], session.execute(delete(Persona).where(*condition)))
    if result.rowcount != 1:
        if expected_version is None:  # deleted by a concurrent transaction
            raise PersonaNotFoundError(f"no persona with id {persona_id}", persona_id=persona_id)
        actual = session.scalar(select(Persona.version).where(Persona.id == persona_id))
        raise VersionConflictError(persona_id=persona_id, expected=expected_version, actual=actual)
    session.expunge(persona)
    _audit(
        session,
        actor_id=owner_id if actor_id is None else actor_id,
        action="delete",
        entity="persona",
        entity_id=persona_id,
        details={"name": persona.name, "version": persona.version},
    )
    session.flush()


# -- history, diff, rollback, labels -------------------------------------------------


def history(*, session: Session, owner_id: int, persona_id: int) -> list[PersonaVersion]:
    """Every version of the persona, oldest first.

    Raises
    ------
    PersonaNotFoundError
        No such persona for this owner.
    """
    get_persona(session=session, owner_id=owner_id, persona_id=persona_id)
    query = (
        select(PersonaVersion)
        .where(PersonaVersion.persona_id == persona_id)
        .order_by(PersonaVersion.version)
    )
    return list(session.scalars(query))


def get_version(
    *, session: Session, owner_id: int, persona_id: int, version: int
) -> PersonaVersion:
    """One version of the persona.

    Raises
    ------
    PersonaNotFoundError
        No such persona for this owner.
    VersionNotFoundError
        The persona never had this version.
    """
    get_persona(session=session, owner_id=owner_id, persona_id=persona_id)
    row = session.scalar(
        select(PersonaVersion).where(
            PersonaVersion.persona_id == persona_id, PersonaVersion.version == version
        )
    )
    if row is None:
        raise VersionNotFoundError(
            f"persona {persona_id} has no version {version}", persona_id=persona_id, version=version
        )
    return row


def diff(
    *, session: Session, owner_id: int, persona_id: int, from_version: int, to_version: int
) -> PersonaDiff:
    """The fields that differ between two versions, in field order.

    Raises
    ------
    PersonaNotFoundError, VersionNotFoundError
        Unknown persona or version.
    """
    old = get_version(
        session=session, owner_id=owner_id, persona_id=persona_id, version=from_version
    ).snapshot
    new = get_version(
        session=session, owner_id=owner_id, persona_id=persona_id, version=to_version
    ).snapshot
    return PersonaDiff(
        persona_id=persona_id,
        from_version=from_version,
        to_version=to_version,
        changes=field_changes(old, new),
    )


def field_changes(old: dict[str, Any], new: dict[str, Any]) -> list[FieldChange]:
    """The persona fields whose values differ between two snapshots, in field order.

    Only fields present in ``new`` are compared, so a partial definition diffs only what
    it sets.
    """
    return [
        FieldChange(field=field, old=old.get(field), new=new[field])
        for field in PERSONA_FIELDS
        if field in new and old.get(field) != new[field]
    ]


def rollback(
    *,
    session: Session,
    owner_id: int,
    persona_id: int,
    to_version: int,
    expected_version: int,
    actor_id: int | None = None,
    message: str | None = None,
) -> Persona:
    """Make the persona equal to an earlier version, as a *new* version.

    History is never rewritten: rolling back from version 5 to 2 writes version 6 whose
    fields equal version 2's.

    Raises
    ------
    PersonaNotFoundError, VersionNotFoundError
        Unknown persona or version.
    VersionConflictError
        The persona is no longer at ``expected_version``.
    """
    target = get_version(
        session=session, owner_id=owner_id, persona_id=persona_id, version=to_version
    )
    persona = get_persona(session=session, owner_id=owner_id, persona_id=persona_id)
    changes = {
        field: target.snapshot[field] for field in PERSONA_FIELDS if field in target.snapshot
    }
    return _apply(
        session,
        persona,
        changes,
        expected=expected_version,
        actor_id=actor_id,
        message=message or f"rollback to version {to_version}",
        action="rollback",
        always_version=True,
    )


def set_label(
    *,
    session: Session,
    owner_id: int,
    persona_id: int,
    label: str,
    version: int,
    actor_id: int | None = None,
) -> PersonaLabel:
    """Point ``label`` (e.g. ``production``) at one version of the persona.

    Raises
    ------
    InputError
        The label is not 1..50 lower-case letters, digits, ``_``, ``.`` or ``-``.
    PersonaNotFoundError, VersionNotFoundError
        Unknown persona or version.
    """
    if not _LABEL.match(label):
        raise InputError(
            f"label {label!r} must be 1..50 lower-case letters, digits, '_', '.' or '-'"
        )
    get_version(session=session, owner_id=owner_id, persona_id=persona_id, version=version)
    row = session.scalar(
        select(PersonaLabel).where(
            PersonaLabel.persona_id == persona_id, PersonaLabel.label == label
        )
    )
    if row is None:
        row = PersonaLabel(persona_id=persona_id, label=label, version=version)
        session.add(row)
    else:
        row.version = version
        row.updated_at = utcnow()
    session.flush()
    _audit(
        session,
        actor_id=owner_id if actor_id is None else actor_id,
        action="label",
        entity="persona",
        entity_id=persona_id,
        details={"label": label, "version": version},
    )
    session.flush()
    return row


def get_label(*, session: Session, owner_id: int, persona_id: int, label: str) -> PersonaVersion:
    """The version the label points at.

    Raises
    ------
    PersonaNotFoundError
        No such persona for this owner.
    LabelNotFoundError
        The label is not set on this persona.
    """
    get_persona(session=session, owner_id=owner_id, persona_id=persona_id)
    version = session.scalar(
        select(PersonaLabel.version).where(
            PersonaLabel.persona_id == persona_id, PersonaLabel.label == label
        )
    )
    if version is None:
        raise LabelNotFoundError(
            f"persona {persona_id} has no label {label!r}", persona_id=persona_id, label=label
        )
    return get_version(session=session, owner_id=owner_id, persona_id=persona_id, version=version)


def list_labels(*, session: Session, owner_id: int, persona_id: int) -> dict[str, int]:
    """The persona's labels and the versions they point at."""
    get_persona(session=session, owner_id=owner_id, persona_id=persona_id)
    query = (
        select(PersonaLabel.label, PersonaLabel.version)
        .where(PersonaLabel.persona_id == persona_id)
        .order_by(PersonaLabel.label)
    )
    return dict(session.execute(query).all())
