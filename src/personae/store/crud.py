"""The one write path of the store: every insert, update and delete goes through here.

Each function takes a keyword-only ``session=`` and only *flushes*; the caller's unit of
work (:func:`personae.store.session_scope`) commits or rolls back, so one API request or
CLI command is one transaction. Each write also appends an ``audit_log`` row, and every
persona change appends an immutable ``persona_versions`` row holding the full persona,
its author and a message.

Reads are scoped by owner: asking for another owner's persona raises
:class:`~personae.errors.PersonaNotFoundError`, exactly as for an id that does not exist.

Examples
--------
>>> with session_scope(db) as session:  # doctest: +SKIP
...     user = crud.create_user(session=session, data=UserCreate(email="a@b.c", password_hash="…"))
...     p = crud.create_persona(session=session, owner_id=user.id, data=PersonaCreate(name="ada"))
...     crud.update_persona(
...         session=session, owner_id=user.id, persona_id=p.id,
...         update=PersonaUpdate(version=p.version, role="Essayist", message="sharper role"),
...     )
"""

from __future__ import annotations

import re
from typing import Any, TypeVar, cast

from sqlalchemy import CursorResult, Select, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute, Session

from personae.errors import (
    DuplicateEmailError,
    DuplicateNameError,
    InputError,
    LabelNotFoundError,
    NotFoundError,
    PersonaNotFoundError,
    UserNotFoundError,
    VersionConflictError,
    VersionNotFoundError,
)
from personae.store._models import (
    PERSONA_FIELDS,
    ApiKey,
    AuditLog,
    Persona,
    PersonaAnalysisResult,
    PersonaConfiguration,
    PersonaLabel,
    PersonaMetric,
    PersonaValidationResult,
    PersonaVersion,
    PlatformPersona,
    Trait,
    User,
    utcnow,
)
from personae.store._schemas import (
    FieldChange,
    PersonaCreate,
    PersonaDiff,
    PersonaUpdate,
    UserCreate,
)

__all__ = [
    "MAX_PAGE_SIZE",
    "add_analysis_result",
    "add_validation_result",
    "count_personas",
    "create_api_key",
    "create_persona",
    "create_user",
    "delete_persona",
    "delete_user",
    "diff",
    "field_changes",
    "find_api_keys",
    "get_label",
    "get_persona",
    "get_persona_by_name",
    "get_platform_persona",
    "get_user",
    "get_user_by_email",
    "get_version",
    "history",
    "list_analysis_results",
    "list_api_keys",
    "list_labels",
    "list_metrics",
    "list_personas",
    "list_platform_personas",
    "list_validation_results",
    "record_metric",
    "revoke_api_key",
    "rollback",
    "set_configuration",
    "set_label",
    "touch_api_key",
    "update_persona",
    "upsert_platform_persona",
    "upsert_trait",
]

MAX_PAGE_SIZE = 1000
"""The largest ``limit`` :func:`list_personas` accepts."""

_LABEL = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,49}$")


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


# -- users ----------------------------------------------------------------------------


def _normalise_email(email: str) -> str:
    return email.strip().lower()


def create_user(*, session: Session, data: UserCreate) -> User:
    """Add a user. The e-mail is stored lower-cased; the hash is stored as given.

    Raises
    ------
    DuplicateEmailError
        A user with that e-mail already exists.
    """
    email = _normalise_email(data.email)
    if get_user_by_email(session=session, email=email) is not None:
        raise DuplicateEmailError(f"a user with e-mail {email} already exists", email=email)
    user = User(email=email, password_hash=data.password_hash, role=data.role)
    session.add(user)
    try:
        session.flush()
    except IntegrityError as exc:  # lost a race with another transaction
        raise DuplicateEmailError(f"a user with e-mail {email} already exists") from exc
    _audit(session, actor_id=user.id, action="create", entity="user", entity_id=user.id)
    session.flush()
    return user


def get_user(*, session: Session, user_id: int) -> User:
    """The user with this id.

    Raises
    ------
    UserNotFoundError
        No such user.
    """
    user = session.get(User, user_id)
    if user is None:
        raise UserNotFoundError(f"no user with id {user_id}", user_id=user_id)
    return user


def get_user_by_email(*, session: Session, email: str) -> User | None:
    """The user with this e-mail (case-insensitive), or ``None`` (login looks up this way)."""
    return session.scalar(select(User).where(User.email == _normalise_email(email)))


def delete_user(*, session: Session, user_id: int, actor_id: int | None = None) -> None:
    """Erase a user and everything they own (GDPR right to erasure).

    The database cascades the delete to API keys, personas and every persona facet,
    versions, labels and the user's own audit trail. One audit row records the erasure
    itself by id only, under ``actor_id`` (an administrator) or no actor when users erase
    themselves.

    Raises
    ------
    UserNotFoundError
        No such user.
    """
    user = get_user(session=session, user_id=user_id)
    personas = count_personas(session=session, owner_id=user_id)
    session.delete(user)
    session.flush()
    actor = None if actor_id == user_id else actor_id
    _audit(
        session,
        actor_id=actor,
        action="erase",
        entity="user",
        entity_id=user_id,
        details={"personas": personas},
    )
    session.flush()


# -- API keys -------------------------------------------------------------------------


def create_api_key(
    *, session: Session, owner_id: int, name: str, key_hash: str, prefix: str
) -> ApiKey:
    """Store a new API key by its hash; the clear key is never stored.

    Raises
    ------
    UserNotFoundError
        No such owner.
    """
    get_user(session=session, user_id=owner_id)
    key = ApiKey(owner_id=owner_id, name=name, key_hash=key_hash, prefix=prefix)
    session.add(key)
    session.flush()
    _audit(
        session,
        actor_id=owner_id,
        action="create",
        entity="api_key",
        entity_id=key.id,
        details={"name": name, "prefix": prefix},
    )
    session.flush()
    return key


def list_api_keys(*, session: Session, owner_id: int) -> list[ApiKey]:
    """The owner's API keys, revoked ones included, oldest first."""
    query = select(ApiKey).where(ApiKey.owner_id == owner_id).order_by(ApiKey.id)
    return list(session.scalars(query))


def find_api_keys(*, session: Session, prefix: str) -> list[ApiKey]:
    """The live (not revoked) keys with this prefix: candidates to verify a key against."""
    query = select(ApiKey).where(ApiKey.prefix == prefix, ApiKey.revoked.is_(False))
    return list(session.scalars(query.order_by(ApiKey.id)))


def _get_api_key(session: Session, owner_id: int, key_id: int) -> ApiKey:
    key = session.scalar(select(ApiKey).where(ApiKey.id == key_id, ApiKey.owner_id == owner_id))
    if key is None:
        raise NotFoundError(f"no API key with id {key_id}", key_id=key_id)
    return key


def revoke_api_key(*, session: Session, owner_id: int, key_id: int) -> ApiKey:
    """Revoke one of the owner's keys (kept for the record, never accepted again)."""
    key = _get_api_key(session, owner_id, key_id)
    key.revoked = True
    session.flush()
    _audit(session, actor_id=owner_id, action="revoke", entity="api_key", entity_id=key_id)
    session.flush()
    return key


def touch_api_key(*, session: Session, key_id: int) -> None:
    """Record that a key was just used (not audited: it is a read, not a change)."""
    session.execute(update(ApiKey).where(ApiKey.id == key_id).values(last_used_at=utcnow()))


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


def list_personas(
    *,
    session: Session,
    owner_id: int,
    offset: int = 0,
    limit: int = 50,
    active_only: bool = False,
) -> list[Persona]:
    """One page of the owner's personas, by name.

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


# -- persona facets -------------------------------------------------------------------


def _unit(value: float | None, what: str) -> None:
    if value is not None and not 0.0 <= value <= 1.0:
        raise InputError(f"{what} must be between 0 and 1 (got {value})")


def upsert_platform_persona(
    *,
    session: Session,
    owner_id: int,
    persona_id: int,
    platform: str,
    platform_specific_data: dict[str, Any] | None = None,
    optimization_strategies: dict[str, Any] | None = None,
    quality_metrics: dict[str, Any] | None = None,
    actor_id: int | None = None,
) -> PlatformPersona:
    """Create or replace the persona's adaptation to ``platform`` (fields given replace)."""
    get_persona(session=session, owner_id=owner_id, persona_id=persona_id)
    row = session.scalar(
        select(PlatformPersona).where(
            PlatformPersona.persona_id == persona_id, PlatformPersona.platform == platform
        )
    )
    if row is None:
        row = PlatformPersona(persona_id=persona_id, platform=platform)
        session.add(row)
    if platform_specific_data is not None:
        row.platform_specific_data = platform_specific_data
    if optimization_strategies is not None:
        row.optimization_strategies = optimization_strategies
    if quality_metrics is not None:
        row.quality_metrics = quality_metrics
    row.updated_at = utcnow()
    session.flush()
    _audit(
        session,
        actor_id=owner_id if actor_id is None else actor_id,
        action="upsert",
        entity="platform_persona",
        entity_id=row.id,
        details={"persona_id": persona_id, "platform": platform},
    )
    session.flush()
    return row


def get_platform_persona(
    *, session: Session, owner_id: int, persona_id: int, platform: str
) -> PlatformPersona:
    """The owner's persona adapted to ``platform``.

    Raises
    ------
    PersonaNotFoundError
        No such persona for this owner.
    NotFoundError
        The persona has no adaptation to this platform.
    """
    get_persona(session=session, owner_id=owner_id, persona_id=persona_id)
    row = session.scalar(
        select(PlatformPersona).where(
            PlatformPersona.persona_id == persona_id, PlatformPersona.platform == platform
        )
    )
    if row is None:
        raise NotFoundError(
            f"persona {persona_id} has no {platform!r} adaptation",
            persona_id=persona_id,
            platform=platform,
        )
    return row


def list_platform_personas(
    *, session: Session, owner_id: int, persona_id: int
) -> list[PlatformPersona]:
    """The persona's platform adaptations, by platform name."""
    get_persona(session=session, owner_id=owner_id, persona_id=persona_id)
    query = (
        select(PlatformPersona)
        .where(PlatformPersona.persona_id == persona_id)
        .order_by(PlatformPersona.platform)
    )
    return list(session.scalars(query))


def list_validation_results(
    *, session: Session, owner_id: int, persona_id: int, limit: int = 100
) -> list[PersonaValidationResult]:
    """The persona's latest quality checks, newest first (at most ``limit``)."""
    get_persona(session=session, owner_id=owner_id, persona_id=persona_id)
    query = (
        select(PersonaValidationResult)
        .where(PersonaValidationResult.persona_id == persona_id)
        .order_by(PersonaValidationResult.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


_Row = TypeVar("_Row", PersonaAnalysisResult, PersonaMetric)


def _newest_in_order(
    session: Session, query: Select[_Row], key: InstrumentedAttribute[int], limit: int
) -> list[_Row]:
    """The newest ``limit`` rows of ``query`` by ``key``, returned oldest first."""
    return list(session.scalars(query.order_by(key.desc()).limit(limit)))[::-1]


def list_analysis_results(
    *,
    session: Session,
    owner_id: int,
    persona_id: int,
    analysis_type: str | None = None,
    limit: int = 1000,
) -> list[PersonaAnalysisResult]:
    """The persona's analysis results (of one type, if given), oldest first.

    With more than ``limit`` results, the newest ``limit`` are returned.
    """
    get_persona(session=session, owner_id=owner_id, persona_id=persona_id)
    query = select(PersonaAnalysisResult).where(PersonaAnalysisResult.persona_id == persona_id)
    if analysis_type is not None:
        query = query.where(PersonaAnalysisResult.analysis_type == analysis_type)
    return _newest_in_order(session, query, PersonaAnalysisResult.id, limit)


def list_metrics(
    *,
    session: Session,
    owner_id: int,
    persona_id: int,
    metric: str | None = None,
    limit: int = 10_000,
) -> list[PersonaMetric]:
    """The persona's measurements (of one metric, if given), oldest first.

    With more than ``limit`` rows, the newest ``limit`` are returned.
    """
    get_persona(session=session, owner_id=owner_id, persona_id=persona_id)
    query = select(PersonaMetric).where(PersonaMetric.persona_id == persona_id)
    if metric is not None:
        query = query.where(PersonaMetric.metric == metric)
    return _newest_in_order(session, query, PersonaMetric.id, limit)


def add_analysis_result(
    *,
    session: Session,
    owner_id: int,
    persona_id: int,
    analysis_type: str,
    results: dict[str, Any],
    processing_time_ms: int | None = None,
    actor_id: int | None = None,
) -> PersonaAnalysisResult:
    """Record the outcome of one analysis of the persona."""
    get_persona(session=session, owner_id=owner_id, persona_id=persona_id)
    row = PersonaAnalysisResult(
        persona_id=persona_id,
        analysis_type=analysis_type,
        results=results,
        processing_time_ms=processing_time_ms,
    )
    return _add_facet(session, row, owner_id, actor_id, "analysis_result", persona_id)


def add_validation_result(
    *,
    session: Session,
    owner_id: int,
    persona_id: int,
    validation_status: str,
    metrics: dict[str, Any],
    actor_id: int | None = None,
) -> PersonaValidationResult:
    """Record a quality check of the persona."""
    get_persona(session=session, owner_id=owner_id, persona_id=persona_id)
    row = PersonaValidationResult(
        persona_id=persona_id, validation_status=validation_status, metrics=metrics
    )
    return _add_facet(session, row, owner_id, actor_id, "validation_result", persona_id)


def record_metric(
    *,
    session: Session,
    owner_id: int,
    persona_id: int,
    metric: str,
    value: float,
    actor_id: int | None = None,
) -> PersonaMetric:
    """Append one measurement to the persona's ``metric`` time series."""
    get_persona(session=session, owner_id=owner_id, persona_id=persona_id)
    row = PersonaMetric(persona_id=persona_id, metric=metric, value=value)
    return _add_facet(session, row, owner_id, actor_id, "metric", persona_id)


_Facet = TypeVar("_Facet", PersonaAnalysisResult, PersonaValidationResult, PersonaMetric)


def _add_facet(
    session: Session, row: _Facet, owner_id: int, actor_id: int | None, entity: str, persona_id: int
) -> _Facet:
    session.add(row)
    session.flush()
    _audit(
        session,
        actor_id=owner_id if actor_id is None else actor_id,
        action="create",
        entity=entity,
        entity_id=row.id,
        details={"persona_id": persona_id},
    )
    session.flush()
    return row


def set_configuration(
    *,
    session: Session,
    owner_id: int,
    persona_id: int,
    key: str,
    value: Any,
    actor_id: int | None = None,
) -> PersonaConfiguration:
    """Set the persona's configuration ``key`` to a JSON value (replacing any old one)."""
    get_persona(session=session, owner_id=owner_id, persona_id=persona_id)
    row = session.scalar(
        select(PersonaConfiguration).where(
            PersonaConfiguration.persona_id == persona_id, PersonaConfiguration.key == key
        )
    )
    if row is None:
        row = PersonaConfiguration(persona_id=persona_id, key=key, value=value)
        session.add(row)
    else:
        row.value = value
    session.flush()
    _audit(
        session,
        actor_id=owner_id if actor_id is None else actor_id,
        action="set",
        entity="persona_configuration",
        entity_id=row.id,
        details={"persona_id": persona_id, "key": key},
    )
    session.flush()
    return row


def upsert_trait(
    *,
    session: Session,
    owner_id: int,
    persona_id: int,
    name: str,
    intensity: float,
    description: str = "",
    inherited: bool = False,
    confidence: float | None = None,
    actor_id: int | None = None,
) -> Trait:
    """Create or update the persona's trait ``name``.

    Raises
    ------
    InputError
        ``intensity`` or ``confidence`` outside 0..1.
    """
    _unit(intensity, "intensity")
    _unit(confidence, "confidence")
    get_persona(session=session, owner_id=owner_id, persona_id=persona_id)
    row = session.scalar(select(Trait).where(Trait.persona_id == persona_id, Trait.name == name))
    if row is None:
        row = Trait(persona_id=persona_id, name=name)
        session.add(row)
    row.description = description
    row.intensity = intensity
    row.inherited = inherited
    row.confidence = confidence
    row.updated_at = utcnow()
    session.flush()
    _audit(
        session,
        actor_id=owner_id if actor_id is None else actor_id,
        action="upsert",
        entity="trait",
        entity_id=row.id,
        details={"persona_id": persona_id, "name": name},
    )
    session.flush()
    return row
