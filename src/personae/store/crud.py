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
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar, cast

from sqlalchemy import CursorResult, Row, Select, case, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute, Session

from personae._types import Role
from personae.errors import (
    ChatSessionNotFoundError,
    ClusterNotFoundError,
    ConflictError,
    DuplicateEmailError,
    DuplicateNameError,
    EpisodeNotFoundError,
    FeedbackConflictError,
    InputError,
    JobNotFoundError,
    LabelNotFoundError,
    NotFoundError,
    PersonaNotFoundError,
    StrategyNotFoundError,
    TraitNotFoundError,
    UserNotFoundError,
    VersionConflictError,
    VersionNotFoundError,
)
from personae.store._models import (
    PERSONA_FIELDS,
    ApiKey,
    AudienceCluster,
    AuditLog,
    AuthSession,
    ChatMessage,
    ChatSession,
    CoreTrait,
    EngagementEvent,
    Job,
    LearningEpisode,
    LlmResponse,
    LlmUsage,
    Memory,
    MemoryHygiene,
    Persona,
    PersonaAnalysisResult,
    PersonaConfiguration,
    PersonaLabel,
    PersonaMetric,
    PersonaValidationResult,
    PersonaVersion,
    PlatformPersona,
    PolicyState,
    Strategy,
    StrategyEdge,
    Trait,
    TraitProposal,
    User,
    utcnow,
)
from personae.store._schemas import (
    MAX_INT,
    FieldChange,
    PersonaCreate,
    PersonaDiff,
    PersonaUpdate,
    UserCreate,
)

__all__ = [
    "JOB_STATUSES",
    "MAX_PAGE_SIZE",
    "REWARD_WEIGHTS_KEY",
    "TRAIT_SOURCES",
    "EngagementWriteResult",
    "add_analysis_result",
    "add_chat_message",
    "add_learning_episode",
    "add_memory",
    "add_validation_result",
    "auth_session_live",
    "clear_llm_responses",
    "complete_learning_episode",
    "count_audience_clusters",
    "count_chat_replies",
    "count_engagement_events",
    "count_learning_episodes",
    "count_memories",
    "count_personas",
    "create_api_key",
    "create_auth_session",
    "create_chat_session",
    "create_job",
    "create_persona",
    "create_user",
    "delete_expired_memories",
    "delete_persona",
    "delete_trait",
    "delete_user",
    "diff",
    "engagement_rows",
    "field_changes",
    "find_api_keys",
    "get_audience_cluster",
    "get_chat_session",
    "get_core_trait",
    "get_job",
    "get_label",
    "get_learning_episode",
    "get_llm_response",
    "get_memories",
    "get_memory_hygiene",
    "get_or_create_strategy",
    "get_persona",
    "get_persona_by_name",
    "get_persona_trait",
    "get_platform_persona",
    "get_policy_state",
    "get_reward_weights",
    "get_strategy",
    "get_user",
    "get_user_by_email",
    "get_version",
    "history",
    "latest_open_episode",
    "list_analysis_results",
    "list_api_keys",
    "list_audience_clusters",
    "list_core_traits",
    "list_jobs",
    "list_labels",
    "list_learning_episodes",
    "list_memories",
    "list_metrics",
    "list_persona_traits",
    "list_personas",
    "list_platform_personas",
    "list_strategies",
    "list_strategy_edges",
    "list_trait_proposals",
    "list_validation_results",
    "llm_usage_summary",
    "merge_memory",
    "propose_trait",
    "put_llm_response",
    "recent_chat_messages",
    "record_llm_usage",
    "record_memory_hygiene",
    "record_metric",
    "record_strategy_transition",
    "replace_audience_clusters",
    "revoke_api_key",
    "revoke_auth_session",
    "rollback",
    "rotate_auth_session",
    "save_policy_state",
    "save_trait",
    "set_chat_personas",
    "set_configuration",
    "set_label",
    "set_user_role",
    "touch_api_key",
    "touch_memories",
    "update_job",
    "update_persona",
    "update_strategy",
    "upsert_engagement_events",
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


# Neither the address nor "already exists": the answer must not confirm an account.
_EMAIL_REFUSED = "this e-mail address cannot be registered; sign in, or use another address"


def create_user(*, session: Session, data: UserCreate) -> User:
    """Add a user. The e-mail is stored lower-cased; the hash is stored as given.

    Raises
    ------
    DuplicateEmailError
        A user with that e-mail already exists.
    """
    email = _normalise_email(data.email)
    if get_user_by_email(session=session, email=email) is not None:
        raise DuplicateEmailError(_EMAIL_REFUSED)
    user = User(email=email, password_hash=data.password_hash, role=data.role)
    session.add(user)
    try:
        session.flush()
    except IntegrityError as exc:  # lost a race with another transaction
        raise DuplicateEmailError(_EMAIL_REFUSED) from exc
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


def set_user_role(
    *, session: Session, user_id: int, role: Role, actor_id: int | None = None
) -> User:
    """Make a user an ``admin`` or a plain ``user`` (audited).

    Raises
    ------
    UserNotFoundError
        No such user.
    """
    user = get_user(session=session, user_id=user_id)
    before = user.role
    user.role = role
    _audit(
        session,
        actor_id=actor_id,
        action="set_role",
        entity="user",
        entity_id=user.id,
        details={"from": before, "to": role},
    )
    session.flush()
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


# -- auth sessions --------------------------------------------------------------------


def create_auth_session(
    *, session: Session, user_id: int, session_id: str, refresh_jti: str, expires_at: datetime
) -> AuthSession:
    """Start a sign-in: the family its tokens name (see :class:`AuthSession`).

    Raises
    ------
    UserNotFoundError
        No such user.
    """
    get_user(session=session, user_id=user_id)
    row = AuthSession(
        id=session_id, user_id=user_id, refresh_jti=refresh_jti, expires_at=expires_at
    )
    session.add(row)
    session.flush()
    return row


def auth_session_live(*, session: Session, session_id: str, user_id: int) -> bool:
    """Whether tokens of this session may still be used by this user."""
    row = session.get(AuthSession, session_id)
    return (
        row is not None
        and row.user_id == user_id
        and row.revoked_at is None
        and row.expires_at > utcnow()
    )


def rotate_auth_session(
    *,
    session: Session,
    session_id: str,
    user_id: int,
    presented_jti: str,
    new_jti: str,
    expires_at: datetime,
) -> bool:
    """Replace the session's refresh token if ``presented_jti`` is its current one.

    One conditional ``UPDATE``, so of two requests racing with the same refresh token
    exactly one wins. ``False`` means the token is not current (already used, or the
    session is revoked, expired or someone else's): the caller must treat it as reuse.
    """
    result = session.execute(
        update(AuthSession)
        .where(
            AuthSession.id == session_id,
            AuthSession.user_id == user_id,
            AuthSession.refresh_jti == presented_jti,
            AuthSession.revoked_at.is_(None),
            AuthSession.expires_at > utcnow(),
        )
        .values(refresh_jti=new_jti, expires_at=expires_at)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


def revoke_auth_session(*, session: Session, session_id: str, user_id: int) -> bool:
    """End a sign-in: none of its tokens is honoured again. ``True`` if it was live."""
    result = session.execute(
        update(AuthSession)
        .where(
            AuthSession.id == session_id,
            AuthSession.user_id == user_id,
            AuthSession.revoked_at.is_(None),
        )
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


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


# -- jobs -------------------------------------------------------------------------------

JOB_STATUSES = ("queued", "running", "succeeded", "failed")
"""A job's life: queued → running → succeeded | failed."""


def create_job(
    *, session: Session, owner_id: int, kind: str, params: dict[str, Any], message: str = ""
) -> Job:
    """Record a queued job; the caller hands its id to a runner after the commit."""
    job = Job(
        id=str(uuid.uuid4()),
        owner_id=owner_id,
        kind=kind,
        status="queued",
        progress=0.0,
        message=message or "queued",
        params=params,
    )
    session.add(job)
    session.flush()
    return job


def get_job(*, session: Session, owner_id: int | None, job_id: str) -> Job:
    """The job with this id; with ``owner_id``, only if that owner queued it.

    ``owner_id=None`` is for the worker that runs it, which has no caller.

    Raises
    ------
    JobNotFoundError
        No such job (for this owner).
    """
    job = session.get(Job, job_id)
    if job is None or (owner_id is not None and job.owner_id != owner_id):
        raise JobNotFoundError(f"no job {job_id!r}", job_id=job_id)
    return job


def list_jobs(*, session: Session, owner_id: int, limit: int = 50) -> list[Job]:
    """The owner's newest jobs first."""
    query = select(Job).where(Job.owner_id == owner_id).order_by(Job.created_at.desc()).limit(limit)
    return list(session.scalars(query))


def update_job(
    *,
    session: Session,
    job_id: str,
    status: str | None = None,
    progress: float | None = None,
    message: str | None = None,
    result: dict[str, Any] | None = None,
    error: dict[str, Any] | None = None,
) -> Job:
    """Move a job along: status, progress (0..1, never backwards), message, outcome.

    Raises
    ------
    JobNotFoundError
        No such job (deleted with its owner meanwhile).
    """
    job = get_job(session=session, owner_id=None, job_id=job_id)
    if status is not None:
        if status not in JOB_STATUSES:
            raise ValueError(f"unknown job status {status!r}")
        job.status = status
    if progress is not None:
        _unit(progress, "progress")
        job.progress = max(job.progress, progress)
    if message is not None:
        job.message = message
    if result is not None:
        job.result = result
    if error is not None:
        job.error = error
    job.updated_at = utcnow()
    session.flush()
    return job


# -- LLM response cache and usage ---------------------------------------------------------
#
# Operational records of personae.llm's RecordedLLM, not user edits: they write no audit
# rows (one per model call would drown the audit log). Both tables carry the owner, and a
# NULL owner stands for calls made on nobody's behalf (benchmarks, maintenance).


def _owner_is(column: InstrumentedAttribute[int | None], owner_id: int | None) -> Any:
    return column.is_(None) if owner_id is None else column == owner_id


def get_llm_response(*, session: Session, key: str, owner_id: int | None) -> dict[str, Any] | None:
    """The cached answer stored under ``key`` for this owner, or ``None``.

    The key is a hash that already includes the owner; the owner is checked as well, so
    one owner's prompts can never be answered from another's cache.
    """
    row = session.scalar(
        select(LlmResponse).where(LlmResponse.key == key, _owner_is(LlmResponse.owner_id, owner_id))
    )
    return None if row is None else dict(row.response)


def put_llm_response(
    *,
    session: Session,
    key: str,
    owner_id: int | None,
    provider: str,
    model: str,
    response: dict[str, Any],
) -> None:
    """Store (or replace) the cached answer under ``key``.

    One ``INSERT … ON CONFLICT DO UPDATE`` on SQLite and PostgreSQL, so two workers that
    miss the same key at once both succeed and the later answer stays.

    Raises
    ------
    InputError
        ``key`` is not the 64-character hex digest the cache uses.
    """
    if not re.fullmatch(r"[0-9a-f]{64}", key):
        raise InputError("an LLM cache key is a 64-character lower-case hex digest")
    values = {
        "key": key,
        "owner_id": owner_id,
        "provider": provider,
        "model": model,
        "response": response,
        "created_at": utcnow(),
    }
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        lite = sqlite_insert(LlmResponse).values(**values)
        session.execute(
            lite.on_conflict_do_update(
                index_elements=[LlmResponse.key],
                set_={name: lite.excluded[name] for name in values if name != "key"},
            )
        )
    elif dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        pg = pg_insert(LlmResponse).values(**values)
        session.execute(
            pg.on_conflict_do_update(
                index_elements=[LlmResponse.key],
                set_={name: pg.excluded[name] for name in values if name != "key"},
            )
        )
    else:  # other backends: read, then write (a concurrent writer may raise IntegrityError)
        row = session.get(LlmResponse, key)
        if row is None:
            session.add(LlmResponse(**values))
        else:
            for name, value in values.items():
                setattr(row, name, value)
    session.flush()


def clear_llm_responses(*, session: Session, owner_id: int | None) -> int:
    """Drop every cached answer of this owner; returns how many were dropped."""
    result = cast(
        CursorResult[Any],
        session.execute(delete(LlmResponse).where(_owner_is(LlmResponse.owner_id, owner_id))),
    )
    session.flush()
    return int(result.rowcount or 0)


def record_llm_usage(
    *,
    session: Session,
    owner_id: int | None,
    provider: str,
    model: str,
    prompt_tokens: int,
    completion_tokens: int,
    latency_ms: int,
    cached: bool = False,
    purpose: str = "",
) -> LlmUsage:
    """Append one ``llm_usage`` row: the tokens and latency of one model call.

    Raises
    ------
    InputError
        A negative count or latency.
    """
    for name, value in (
        ("prompt_tokens", prompt_tokens),
        ("completion_tokens", completion_tokens),
        ("latency_ms", latency_ms),
    ):
        if value < 0:
            raise InputError(f"{name} cannot be negative (got {value})")
    row = LlmUsage(
        owner_id=owner_id,
        provider=provider[:50],
        model=model[:300],
        purpose=purpose[:100],
        prompt_tokens=prompt_tokens,
        completion_tokens=completion_tokens,
        latency_ms=min(latency_ms, MAX_INT),
        cached=cached,
    )
    session.add(row)
    session.flush()
    return row


def llm_usage_summary(*, session: Session, owner_id: int | None) -> dict[str, Any]:
    """The owner's model usage: totals, and the same per provider and model.

    Returns
    -------
    dict
        ``calls``, ``cached_calls``, ``prompt_tokens``, ``completion_tokens`` and
        ``latency_ms`` (summed), plus ``by_model``: a list of the same keys with
        ``provider`` and ``model``, the most used first.
    """
    calls = func.count(LlmUsage.id)
    rows = session.execute(
        select(
            LlmUsage.provider,
            LlmUsage.model,
            calls,
            func.coalesce(func.sum(case((LlmUsage.cached, 1), else_=0)), 0),
            func.coalesce(func.sum(LlmUsage.prompt_tokens), 0),
            func.coalesce(func.sum(LlmUsage.completion_tokens), 0),
            func.coalesce(func.sum(LlmUsage.latency_ms), 0),
        )
        .where(_owner_is(LlmUsage.owner_id, owner_id))
        .group_by(LlmUsage.provider, LlmUsage.model)
        .order_by(calls.desc(), LlmUsage.provider, LlmUsage.model)
    ).all()
    keys = ("calls", "cached_calls", "prompt_tokens", "completion_tokens", "latency_ms")
    by_model = [
        {"provider": provider, "model": model, **dict(zip(keys, map(int, numbers), strict=True))}
        for provider, model, *numbers in rows
    ]
    totals = {key: sum(int(entry[key]) for entry in by_model) for key in keys}
    return {**totals, "by_model": by_model}


# == Strategy learning ===================================================================
# Engagement events, strategies (the memory graph's nodes) and their edges, learning
# episodes, audience clusters, policy state and reward weights, for personae.strategy.
# Every read is owner-scoped: another owner's ids raise the same NotFound errors as
# missing ones. One audit row is written per user-level event (an import, a decision, a
# reward, a re-clustering, a new strategy); what a reward updates along with it (the
# strategy's performance, graph edges, policy state) is covered by the reward's row.

REWARD_WEIGHTS_KEY = "strategy.reward_weights"
"""The persona configuration key holding the creator's reward weights (``w1..w4``)."""

_ENGAGEMENT_FIELDS = (
    "content_id",
    "content_type",
    "occurred_at",
    "published_at",
    "likes",
    "comments",
    "shares",
    "saves",
    "impressions",
    "reach",
    "clicks",
    "conversions",
    "audience_member_id",
    "strategy_id",
    "content_cost",
)
_CHUNK = 500
_STRATEGY_UPDATABLE = frozenset(
    {
        "embedding",
        "embedding_model",
        "performance",
        "success_score",
        "pulls",
        "rewards",
        "audience_cluster_ids",
    }
)


@dataclass(frozen=True, slots=True)
class EngagementWriteResult:
    """What :func:`upsert_engagement_events` did with each row of the batch."""

    inserted: int
    updated: int
    unchanged: int
    conflicts: list[tuple[int, str, str]]
    """``(row index in the batch, field, message)`` of the rows that were not written."""


def upsert_engagement_events(
    *,
    session: Session,
    owner_id: int,
    persona_id: int,
    rows: Sequence[Mapping[str, Any]],
    actor_id: int | None = None,
) -> EngagementWriteResult:
    """Insert or update engagement events of the owner's persona, idempotently.

    An event is identified by ``(owner, platform, external_id)``: sending it again with
    the same values changes nothing (``unchanged``), with other values updates it. A row
    that names an event already stored for *another* persona, or a strategy the persona
    does not have, is not written and is reported in ``conflicts``. Within one batch a
    later row for the same event wins.

    Raises
    ------
    PersonaNotFoundError
        No such persona for this owner.
    ConflictError
        Another request inserted the same new events at the same moment (send the batch
        again: it is idempotent).
    """
    get_persona(session=session, owner_id=owner_id, persona_id=persona_id)
    conflicts: list[tuple[int, str, str]] = []
    wanted_strategies = {row["strategy_id"] for row in rows if row.get("strategy_id") is not None}
    known_strategies: set[int] = set()
    if wanted_strategies:
        known_strategies = set(
            session.scalars(
                select(Strategy.id).where(
                    Strategy.id.in_(wanted_strategies),
                    Strategy.owner_id == owner_id,
                    Strategy.persona_id == persona_id,
                )
            )
        )
    latest: dict[tuple[str, str], tuple[int, Mapping[str, Any]]] = {}
    for index, row in enumerate(rows):
        strategy_id = row.get("strategy_id")
        if strategy_id is not None and strategy_id not in known_strategies:
            conflicts.append((index, "strategy_id", f"this creator has no strategy {strategy_id}"))
            continue
        latest[(row["platform"], row["external_id"])] = (index, row)
    inserted = updated = unchanged = 0
    now = utcnow()
    keys = list(latest)
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start : start + _CHUNK]
        stored = {
            (event.platform, event.external_id): event
            for event in session.scalars(
                select(EngagementEvent).where(
                    EngagementEvent.owner_id == owner_id,
                    EngagementEvent.external_id.in_({external for _, external in chunk}),
                )
            )
        }
        new_rows: list[dict[str, Any]] = []
        for key in chunk:
            index, row = latest[key]
            values = {name: row.get(name) for name in _ENGAGEMENT_FIELDS}
            for counter in ("likes", "comments", "shares", "saves"):
                values[counter] = values[counter] or 0
            for counter in ("impressions", "reach", "clicks", "conversions"):
                values[counter] = values[counter] or 0
            event = stored.get(key)
            if event is None:
                new_rows.append(
                    {
                        "owner_id": owner_id,
                        "persona_id": persona_id,
                        "platform": key[0],
                        "external_id": key[1],
                        "created_at": now,
                        "updated_at": now,
                        **values,
                    }
                )
                continue
            if event.persona_id != persona_id:
                conflicts.append(
                    (index, "external_id", "already imported for another creator (persona)")
                )
                continue
            if all(getattr(event, name) == value for name, value in values.items()):
                unchanged += 1
                continue
            for name, value in values.items():
                setattr(event, name, value)
            event.updated_at = now
            updated += 1
        if new_rows:
            try:
                with session.begin_nested():
                    session.execute(insert(EngagementEvent), new_rows)
            except IntegrityError as exc:
                raise ConflictError(
                    "another import wrote the same engagement events at the same moment; "
                    "send the batch again (imports are idempotent)"
                ) from exc
            inserted += len(new_rows)
        session.flush()
    conflicts.sort()
    _audit(
        session,
        actor_id=owner_id if actor_id is None else actor_id,
        action="import",
        entity="engagement_events",
        entity_id=persona_id,
        details={
            "persona_id": persona_id,
            "inserted": inserted,
            "updated": updated,
            "unchanged": unchanged,
            "conflicts": len(conflicts),
        },
    )
    session.flush()
    return EngagementWriteResult(inserted, updated, unchanged, conflicts)


def engagement_rows(
    *,
    session: Session,
    owner_id: int,
    persona_id: int,
    strategy_id: int | None = None,
    content_ids: Sequence[str] | None = None,
    members_only: bool = False,
    snapshots_only: bool = False,
) -> Sequence[Row[Any]]:
    """The persona's engagement events, oldest first, as light rows (attribute access,
    no ORM objects: clustering reads hundreds of thousands). ``members_only``: only one
    member's interactions; ``snapshots_only``: only counter snapshots.

    Raises
    ------
    PersonaNotFoundError
        No such persona for this owner.
    """
    get_persona(session=session, owner_id=owner_id, persona_id=persona_id)
    columns = [getattr(EngagementEvent, name) for name in ("platform", *_ENGAGEMENT_FIELDS)]
    query = select(*columns).where(
        EngagementEvent.owner_id == owner_id, EngagementEvent.persona_id == persona_id
    )
    if strategy_id is not None:
        query = query.where(EngagementEvent.strategy_id == strategy_id)
    if content_ids is not None:
        query = query.where(EngagementEvent.content_id.in_(set(content_ids)))
    if members_only:
        query = query.where(EngagementEvent.audience_member_id.is_not(None))
    if snapshots_only:
        query = query.where(EngagementEvent.audience_member_id.is_(None))
    return session.execute(query.order_by(EngagementEvent.occurred_at, EngagementEvent.id)).all()


def count_engagement_events(*, session: Session, owner_id: int, persona_id: int) -> int:
    """How many engagement events the persona has."""
    return (
        session.scalar(
            select(func.count(EngagementEvent.id)).where(
                EngagementEvent.owner_id == owner_id, EngagementEvent.persona_id == persona_id
            )
        )
        or 0
    )


def get_or_create_strategy(
    *,
    session: Session,
    owner_id: int,
    persona_id: int,
    arm_key: str,
    topic: str,
    format: str,
    tone: str,
    posting_hour: int,
    platform: str,
    description: str,
) -> Strategy:
    """The persona's strategy node for ``arm_key``, created on first use.

    Raises
    ------
    PersonaNotFoundError
        No such persona for this owner.
    """
    get_persona(session=session, owner_id=owner_id, persona_id=persona_id)
    query = select(Strategy).where(Strategy.persona_id == persona_id, Strategy.arm_key == arm_key)
    found = session.scalar(query)
    if found is not None:
        return found
    row = Strategy(
        owner_id=owner_id,
        persona_id=persona_id,
        arm_key=arm_key,
        topic=topic,
        format=format,
        tone=tone,
        posting_hour=posting_hour,
        platform=platform,
        description=description,
    )
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:  # another request created it a moment ago
        found = session.scalar(query)
        if found is None:  # pragma: no cover - the unique key is the only constraint left
            raise
        return found
    _audit(
        session,
        actor_id=owner_id,
        action="create",
        entity="strategy",
        entity_id=row.id,
        details={"persona_id": persona_id, "arm_key": arm_key},
    )
    session.flush()
    return row


def get_strategy(*, session: Session, owner_id: int, strategy_id: int) -> Strategy:
    """The owner's strategy with this id.

    Raises
    ------
    StrategyNotFoundError
        No such strategy, or another owner's.
    """
    row = session.get(Strategy, strategy_id)
    if row is None or row.owner_id != owner_id:
        raise StrategyNotFoundError(f"no strategy with id {strategy_id}", strategy_id=strategy_id)
    return row


def list_strategies(*, session: Session, owner_id: int, persona_id: int) -> list[Strategy]:
    """The persona's strategy nodes, oldest first."""
    return list(
        session.scalars(
            select(Strategy)
            .where(Strategy.owner_id == owner_id, Strategy.persona_id == persona_id)
            .order_by(Strategy.id)
        )
    )


def update_strategy(
    *, session: Session, owner_id: int, strategy_id: int, changes: Mapping[str, Any]
) -> Strategy:
    """Change a strategy's derived fields (embedding, performance, counters, clusters).

    Raises
    ------
    StrategyNotFoundError
        No such strategy, or another owner's.
    InputError
        A field that is not derived (the arm itself never changes).
    """
    unknown = set(changes) - _STRATEGY_UPDATABLE
    if unknown:
        raise InputError(f"strategy fields {sorted(unknown)} cannot be changed")
    row = get_strategy(session=session, owner_id=owner_id, strategy_id=strategy_id)
    for name, value in changes.items():
        setattr(row, name, value)
    row.updated_at = utcnow()
    session.flush()
    return row


def record_strategy_transition(
    *,
    session: Session,
    owner_id: int,
    persona_id: int,
    from_strategy_id: int,
    to_strategy_id: int,
    context_similarity: float,
    performance_improvement: float,
) -> StrategyEdge:
    """Count one more transition ``from → to`` in the persona's strategy graph.

    ``context_similarity`` and ``performance_improvement`` are running means over the
    transitions; every edge leaving ``from`` gets its ``transition_probability`` (its
    share of the transitions out of ``from``) recomputed.

    Raises
    ------
    StrategyNotFoundError
        Either strategy is unknown, another owner's, or another persona's.
    """
    for strategy_id in (from_strategy_id, to_strategy_id):
        node = get_strategy(session=session, owner_id=owner_id, strategy_id=strategy_id)
        if node.persona_id != persona_id:
            raise StrategyNotFoundError(
                f"no strategy with id {strategy_id} for this creator", strategy_id=strategy_id
            )
    edge = session.scalar(
        select(StrategyEdge).where(
            StrategyEdge.from_strategy_id == from_strategy_id,
            StrategyEdge.to_strategy_id == to_strategy_id,
        )
    )
    if edge is None:
        edge = StrategyEdge(
            owner_id=owner_id,
            persona_id=persona_id,
            from_strategy_id=from_strategy_id,
            to_strategy_id=to_strategy_id,
            transitions=0,
            context_similarity=0.0,
            performance_improvement=0.0,
        )
        session.add(edge)
    n = edge.transitions + 1
    edge.context_similarity += (context_similarity - edge.context_similarity) / n
    edge.performance_improvement += (performance_improvement - edge.performance_improvement) / n
    edge.transitions = n
    edge.updated_at = utcnow()
    session.flush()
    outgoing = list(
        session.scalars(
            select(StrategyEdge).where(StrategyEdge.from_strategy_id == from_strategy_id)
        )
    )
    total = sum(e.transitions for e in outgoing)
    for e in outgoing:
        e.transition_probability = e.transitions / total
    session.flush()
    return edge


def list_strategy_edges(
    *, session: Session, owner_id: int, persona_id: int, from_strategy_id: int | None = None
) -> list[StrategyEdge]:
    """The persona's strategy graph edges (leaving ``from_strategy_id``, if given)."""
    query = select(StrategyEdge).where(
        StrategyEdge.owner_id == owner_id, StrategyEdge.persona_id == persona_id
    )
    if from_strategy_id is not None:
        query = query.where(StrategyEdge.from_strategy_id == from_strategy_id)
    return list(session.scalars(query.order_by(StrategyEdge.id)))


def add_learning_episode(
    *,
    session: Session,
    owner_id: int,
    persona_id: int,
    strategy_id: int,
    policy: str,
    state: dict[str, Any],
    action: dict[str, Any],
    timestamp: datetime | None = None,
) -> LearningEpisode:
    """Record a decision (state, action) of the persona's policy; its reward comes later.

    Raises
    ------
    StrategyNotFoundError
        No such strategy for this owner and persona.
    """
    node = get_strategy(session=session, owner_id=owner_id, strategy_id=strategy_id)
    if node.persona_id != persona_id:
        raise StrategyNotFoundError(
            f"no strategy with id {strategy_id} for this creator", strategy_id=strategy_id
        )
    row = LearningEpisode(
        owner_id=owner_id,
        persona_id=persona_id,
        strategy_id=strategy_id,
        policy=policy,
        state=state,
        action=action,
        timestamp=timestamp or utcnow(),
    )
    session.add(row)
    session.flush()
    _audit(
        session,
        actor_id=owner_id,
        action="decide",
        entity="learning_episode",
        entity_id=row.id,
        details={"persona_id": persona_id, "strategy_id": strategy_id, "policy": policy},
    )
    session.flush()
    return row


def get_learning_episode(*, session: Session, owner_id: int, episode_id: int) -> LearningEpisode:
    """The owner's learning episode with this id.

    Raises
    ------
    EpisodeNotFoundError
        No such episode, or another owner's.
    """
    row = session.get(LearningEpisode, episode_id)
    if row is None or row.owner_id != owner_id:
        raise EpisodeNotFoundError(
            f"no learning episode with id {episode_id}", episode_id=episode_id
        )
    return row


def _episodes(owner_id: int, persona_id: int, rewarded: bool | None) -> Select[LearningEpisode]:
    query = select(LearningEpisode).where(
        LearningEpisode.owner_id == owner_id, LearningEpisode.persona_id == persona_id
    )
    if rewarded is True:
        query = query.where(LearningEpisode.reward.is_not(None))
    elif rewarded is False:
        query = query.where(LearningEpisode.reward.is_(None))
    return query


def list_learning_episodes(
    *,
    session: Session,
    owner_id: int,
    persona_id: int,
    offset: int = 0,
    limit: int | None = None,
    rewarded: bool | None = None,
    newest_first: bool = True,
) -> list[LearningEpisode]:
    """The persona's episodes (only rewarded or open ones, if asked), paginated."""
    order = (
        (LearningEpisode.timestamp.desc(), LearningEpisode.id.desc())
        if newest_first
        else (LearningEpisode.timestamp, LearningEpisode.id)
    )
    query = _episodes(owner_id, persona_id, rewarded).order_by(*order).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


def count_learning_episodes(
    *, session: Session, owner_id: int, persona_id: int, rewarded: bool | None = None
) -> int:
    """How many episodes the persona has (only rewarded or open ones, if asked)."""
    query = _episodes(owner_id, persona_id, rewarded).with_only_columns(
        func.count(LearningEpisode.id)
    )
    return session.scalar(query) or 0


def latest_open_episode(
    *, session: Session, owner_id: int, strategy_id: int
) -> LearningEpisode | None:
    """The newest decision for this strategy that has no reward yet."""
    return session.scalar(
        select(LearningEpisode)
        .where(
            LearningEpisode.owner_id == owner_id,
            LearningEpisode.strategy_id == strategy_id,
            LearningEpisode.reward.is_(None),
        )
        .order_by(LearningEpisode.timestamp.desc(), LearningEpisode.id.desc())
        .limit(1)
    )


def complete_learning_episode(
    *,
    session: Session,
    owner_id: int,
    episode_id: int,
    reward: float,
    components: dict[str, Any],
    next_state: dict[str, Any],
) -> LearningEpisode:
    """Give a decision its reward, once.

    Raises
    ------
    EpisodeNotFoundError
        No such episode, or another owner's.
    FeedbackConflictError
        The episode already has its reward (perhaps from a concurrent request).
    """
    row = get_learning_episode(session=session, owner_id=owner_id, episode_id=episode_id)
    result = cast(
        CursorResult[Any],
        session.execute(
            update(LearningEpisode)
            .where(LearningEpisode.id == episode_id, LearningEpisode.reward.is_(None))
            .values(
                reward=reward,
                reward_components=components,
                next_state=next_state,
                rewarded_at=utcnow(),
            )
            .execution_options(synchronize_session=False)
        ),
    )
    if result.rowcount != 1:
        raise FeedbackConflictError(
            f"learning episode {episode_id} already has its reward", episode_id=episode_id
        )
    session.refresh(row)
    _audit(
        session,
        actor_id=owner_id,
        action="reward",
        entity="learning_episode",
        entity_id=episode_id,
        details={"persona_id": row.persona_id, "strategy_id": row.strategy_id, "reward": reward},
    )
    session.flush()
    return row


def replace_audience_clusters(
    *,
    session: Session,
    owner_id: int,
    persona_id: int,
    clusters: Sequence[Mapping[str, Any]],
) -> list[AudienceCluster]:
    """Make the persona's clusters exactly ``clusters``: an entry with an ``id`` updates
    that cluster (it keeps its identity), one without creates a cluster, and clusters not
    named are deleted.

    Raises
    ------
    PersonaNotFoundError
        No such persona for this owner.
    ClusterNotFoundError
        An ``id`` that is not one of the persona's clusters.
    """
    get_persona(session=session, owner_id=owner_id, persona_id=persona_id)
    existing = {
        row.id: row
        for row in list_audience_clusters(session=session, owner_id=owner_id, persona_id=persona_id)
    }
    fields = ("slot", "size", "characteristics", "embedding", "members")
    kept: list[AudienceCluster] = []
    now = utcnow()
    for entry in clusters:
        cluster_id = entry.get("id")
        if cluster_id is None:
            row = AudienceCluster(owner_id=owner_id, persona_id=persona_id, created_at=now)
            session.add(row)
        else:
            found = existing.pop(cluster_id, None)
            if found is None:
                raise ClusterNotFoundError(
                    f"no audience cluster with id {cluster_id}", cluster_id=cluster_id
                )
            row = found
        for name in fields:
            setattr(row, name, entry[name])
        row.updated_at = now
        kept.append(row)
    for row in existing.values():
        session.delete(row)
    session.flush()
    _audit(
        session,
        actor_id=owner_id,
        action="recluster",
        entity="audience_clusters",
        entity_id=persona_id,
        details={"persona_id": persona_id, "clusters": [row.id for row in kept]},
    )
    session.flush()
    return kept


def list_audience_clusters(
    *,
    session: Session,
    owner_id: int,
    persona_id: int,
    offset: int = 0,
    limit: int | None = None,
) -> list[AudienceCluster]:
    """The persona's audience clusters, largest first."""
    query = (
        select(AudienceCluster)
        .where(AudienceCluster.owner_id == owner_id, AudienceCluster.persona_id == persona_id)
        .order_by(AudienceCluster.size.desc(), AudienceCluster.id)
        .offset(offset)
    )
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


def count_audience_clusters(*, session: Session, owner_id: int, persona_id: int) -> int:
    """How many audience clusters the persona has."""
    return (
        session.scalar(
            select(func.count(AudienceCluster.id)).where(
                AudienceCluster.owner_id == owner_id, AudienceCluster.persona_id == persona_id
            )
        )
        or 0
    )


def get_audience_cluster(
    *, session: Session, owner_id: int, persona_id: int, cluster_id: int
) -> AudienceCluster:
    """The persona's audience cluster with this id.

    Raises
    ------
    ClusterNotFoundError
        No such cluster for this owner and persona.
    """
    row = session.get(AudienceCluster, cluster_id)
    if row is None or row.owner_id != owner_id or row.persona_id != persona_id:
        raise ClusterNotFoundError(
            f"no audience cluster with id {cluster_id}", cluster_id=cluster_id
        )
    return row


def get_policy_state(
    *, session: Session, owner_id: int, persona_id: int, policy: str
) -> PolicyState | None:
    """The persona's stored state of ``policy``, if it learned anything yet."""
    return session.scalar(
        select(PolicyState).where(
            PolicyState.owner_id == owner_id,
            PolicyState.persona_id == persona_id,
            PolicyState.policy == policy,
        )
    )


def save_policy_state(
    *,
    session: Session,
    owner_id: int,
    persona_id: int,
    policy: str,
    state: dict[str, Any],
    expected_version: int | None,
) -> PolicyState:
    """Store the persona's ``policy`` state, if nobody else stored one since it was read.

    ``expected_version`` is the version that was read (``None``: there was none).

    Raises
    ------
    PersonaNotFoundError
        No such persona for this owner.
    FeedbackConflictError
        Another request saved the policy after this one read it.
    """
    get_persona(session=session, owner_id=owner_id, persona_id=persona_id)
    conflict = FeedbackConflictError(
        "the creator's policy was updated by another request meanwhile; send it again",
        persona_id=persona_id,
        policy=policy,
    )
    if expected_version is None:
        row = PolicyState(owner_id=owner_id, persona_id=persona_id, policy=policy, state=state)
        try:
            with session.begin_nested():
                session.add(row)
                session.flush()
        except IntegrityError as exc:
            raise conflict from exc
        return row
    stored = get_policy_state(
        session=session, owner_id=owner_id, persona_id=persona_id, policy=policy
    )
    if stored is None or stored.version != expected_version:
        raise conflict
    result = cast(
        CursorResult[Any],
        session.execute(
            update(PolicyState)
            .where(PolicyState.id == stored.id, PolicyState.version == expected_version)
            .values(state=state, version=expected_version + 1, updated_at=utcnow())
            .execution_options(synchronize_session=False)
        ),
    )
    if result.rowcount != 1:
        raise conflict
    session.refresh(stored)
    return stored


def get_reward_weights(
    *, session: Session, owner_id: int, persona_id: int
) -> dict[str, Any] | None:
    """The persona's reward weights (``w1..w4``) as stored, or ``None`` for the defaults.

    Raises
    ------
    PersonaNotFoundError
        No such persona for this owner.
    """
    get_persona(session=session, owner_id=owner_id, persona_id=persona_id)
    value = session.scalar(
        select(PersonaConfiguration.value).where(
            PersonaConfiguration.persona_id == persona_id,
            PersonaConfiguration.key == REWARD_WEIGHTS_KEY,
        )
    )
    return value if isinstance(value, dict) else None


# == Chat ================================================================================
# Traits (a persona's own and the owner's core traits), trait proposals, chat sessions and
# messages, memories and their hygiene counters, for personae.chat. Every read is
# owner-scoped: another owner's ids raise the same NotFound errors as missing ones. User
# edits of traits and new sessions write audit rows; messages, memories and what
# extraction learns are conversation data written once per turn and write none (one
# audit row per chat line would drown the log, as LLM usage would).

TRAIT_SOURCES = ("user", "extracted")
"""Who set a trait: the user by hand, or extraction from conversations."""


def _check_source(source: str) -> str:
    if source not in TRAIT_SOURCES:
        raise InputError(f"a trait's source is 'user' or 'extracted', not {source!r}")
    return source


def list_persona_traits(*, session: Session, owner_id: int, persona_id: int) -> list[Trait]:
    """The persona's own traits, by name.

    Raises
    ------
    PersonaNotFoundError
        No such persona for this owner.
    """
    get_persona(session=session, owner_id=owner_id, persona_id=persona_id)
    return list(
        session.scalars(select(Trait).where(Trait.persona_id == persona_id).order_by(Trait.name))
    )


def list_core_traits(*, session: Session, owner_id: int) -> list[CoreTrait]:
    """The owner's core traits (every persona of the owner inherits them), by name."""
    return list(
        session.scalars(
            select(CoreTrait).where(CoreTrait.owner_id == owner_id).order_by(CoreTrait.name)
        )
    )


def get_persona_trait(*, session: Session, owner_id: int, persona_id: int, trait_id: int) -> Trait:
    """One of the persona's own traits.

    Raises
    ------
    TraitNotFoundError
        No such trait on this persona, or the persona is another owner's.
    """
    row = session.scalar(
        select(Trait)
        .join(Persona, Persona.id == Trait.persona_id)
        .where(Trait.id == trait_id, Trait.persona_id == persona_id, Persona.owner_id == owner_id)
    )
    if row is None:
        raise TraitNotFoundError(f"persona {persona_id} has no trait {trait_id}")
    return row


def get_core_trait(*, session: Session, owner_id: int, trait_id: int) -> CoreTrait:
    """One of the owner's core traits.

    Raises
    ------
    TraitNotFoundError
        No such core trait for this owner.
    """
    row = session.scalar(
        select(CoreTrait).where(CoreTrait.id == trait_id, CoreTrait.owner_id == owner_id)
    )
    if row is None:
        raise TraitNotFoundError(f"no core trait {trait_id}")
    return row


_TraitRow = TypeVar("_TraitRow", Trait, CoreTrait)


def _insert_or_existing(session: Session, row: _TraitRow, existing: Select[Any]) -> _TraitRow:
    """Insert ``row``, or return the one a concurrent transaction inserted first.

    The insert runs in a savepoint, so losing the race on the unique key rolls back only
    the insert (never the request's transaction) and the winner's row is updated instead:
    racing creates of one name end as one row and no 500.
    """
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        found: _TraitRow | None = session.scalar(existing)
        if found is None:  # pragma: no cover - the winner's row was deleted meanwhile
            raise
        return found
    return row


def save_trait(
    *,
    session: Session,
    owner_id: int,
    persona_id: int | None,
    name: str,
    intensity: float,
    description: str | None = None,
    confidence: float | None = None,
    source: str = "user",
    seen_at: datetime | None = None,
    actor_id: int | None = None,
) -> Trait | CoreTrait:
    """Create or update the trait ``name`` of a persona (``persona_id=None``: a core trait
    of the owner). ``description=None`` keeps the stored one; ``seen_at`` is when
    extraction saw it (the start of its confidence decay).

    Raises
    ------
    InputError
        ``intensity`` or ``confidence`` outside 0..1, or an unknown ``source``.
    PersonaNotFoundError
        No such persona for this owner.
    """
    _unit(intensity, "intensity")
    _unit(confidence, "confidence")
    _check_source(source)
    row: Trait | CoreTrait | None
    if persona_id is None:
        core = select(CoreTrait).where(CoreTrait.owner_id == owner_id, CoreTrait.name == name)
        row = session.scalar(core)
        if row is None:
            row = _insert_or_existing(
                session, CoreTrait(owner_id=owner_id, name=name, description=""), core
            )
    else:
        get_persona(session=session, owner_id=owner_id, persona_id=persona_id)
        query = select(Trait).where(Trait.persona_id == persona_id, Trait.name == name)
        row = session.scalar(query)
        if row is None:
            row = _insert_or_existing(
                session,
                Trait(persona_id=persona_id, name=name, description="", inherited=False),
                query,
            )
    if description is not None:
        row.description = description
    row.intensity = intensity
    row.confidence = confidence
    row.source = source
    if seen_at is not None:
        row.last_seen_at = seen_at
    row.updated_at = utcnow()
    session.flush()
    if source == "user":
        _audit(
            session,
            actor_id=owner_id if actor_id is None else actor_id,
            action="upsert",
            entity="core_trait" if persona_id is None else "trait",
            entity_id=row.id,
            details={"persona_id": persona_id, "name": name},
        )
        session.flush()
    return row


def delete_trait(*, session: Session, owner_id: int, row: Trait | CoreTrait) -> None:
    """Delete a trait read through :func:`get_persona_trait` or :func:`get_core_trait`."""
    entity = "core_trait" if isinstance(row, CoreTrait) else "trait"
    entity_id = row.id
    session.delete(row)
    session.flush()
    _audit(session, actor_id=owner_id, action="delete", entity=entity, entity_id=entity_id)
    session.flush()


def propose_trait(
    *,
    session: Session,
    owner_id: int,
    persona_id: int,
    name: str,
    description: str,
    intensity: float,
    confidence: float,
) -> TraitProposal:
    """Record what extraction saw about a trait the user set by hand (seen again: the
    newest intensity, the higher confidence, one more sighting)."""
    _unit(intensity, "intensity")
    _unit(confidence, "confidence")
    row = session.scalar(
        select(TraitProposal).where(
            TraitProposal.persona_id == persona_id, TraitProposal.name == name
        )
    )
    if row is None:
        row = TraitProposal(
            owner_id=owner_id, persona_id=persona_id, name=name, seen=0, confidence=0.0
        )
        session.add(row)
    row.description = description
    row.intensity = intensity
    row.confidence = max(row.confidence or 0.0, confidence)
    row.seen = (row.seen or 0) + 1
    row.updated_at = utcnow()
    session.flush()
    return row


def list_trait_proposals(
    *, session: Session, owner_id: int, persona_id: int
) -> list[TraitProposal]:
    """Open proposals for the persona's hand-set traits, newest first."""
    get_persona(session=session, owner_id=owner_id, persona_id=persona_id)
    return list(
        session.scalars(
            select(TraitProposal)
            .where(TraitProposal.persona_id == persona_id)
            .order_by(TraitProposal.updated_at.desc(), TraitProposal.id.desc())
        )
    )


def create_chat_session(
    *, session: Session, owner_id: int, persona_ids: Sequence[int], title: str = ""
) -> ChatSession:
    """A new chat session with the owner's personas (in turn order).

    Raises
    ------
    InputError
        No personas, or one named twice.
    PersonaNotFoundError
        A persona that is not the owner's.
    """
    ids = [int(pid) for pid in persona_ids]
    if not ids:
        raise InputError("a chat session needs at least one persona")
    if len(set(ids)) != len(ids):
        raise InputError("a persona appears twice in the session")
    for pid in ids:
        get_persona(session=session, owner_id=owner_id, persona_id=pid)
    row = ChatSession(owner_id=owner_id, persona_ids=ids, title=title[:200], turns=0)
    session.add(row)
    session.flush()
    _audit(session, actor_id=owner_id, action="create", entity="chat_session", entity_id=row.id)
    session.flush()
    return row


def get_chat_session(*, session: Session, owner_id: int, chat_session_id: int) -> ChatSession:
    """One of the owner's chat sessions.

    Raises
    ------
    ChatSessionNotFoundError
        No such session for this owner.
    """
    row = session.scalar(
        select(ChatSession).where(
            ChatSession.id == chat_session_id, ChatSession.owner_id == owner_id
        )
    )
    if row is None:
        raise ChatSessionNotFoundError(f"no chat session {chat_session_id}")
    return row


def set_chat_personas(
    *, session: Session, owner_id: int, chat_session_id: int, persona_ids: Sequence[int]
) -> ChatSession:
    """Replace the personas of a session (their turn order), each checked as the owner's."""
    row = get_chat_session(session=session, owner_id=owner_id, chat_session_id=chat_session_id)
    ids = [int(pid) for pid in persona_ids]
    if not ids or len(set(ids)) != len(ids):
        raise InputError("a chat session needs distinct personas, at least one")
    for pid in ids:
        get_persona(session=session, owner_id=owner_id, persona_id=pid)
    row.persona_ids = ids
    session.flush()
    return row


def add_chat_message(
    *,
    session: Session,
    owner_id: int,
    chat_session_id: int,
    role: str,
    content: str,
    persona_id: int | None = None,
    traits: list[dict[str, Any]] | None = None,
    at: datetime | None = None,
) -> ChatMessage:
    """Append a line to a session; a persona's reply counts as one more turn.

    Raises
    ------
    InputError
        A role other than ``user`` or ``assistant``.
    ChatSessionNotFoundError
        No such session for this owner.
    """
    if role not in ("user", "assistant"):
        raise InputError(f"a chat message's role is 'user' or 'assistant', not {role!r}")
    chat = get_chat_session(session=session, owner_id=owner_id, chat_session_id=chat_session_id)
    when = at if at is not None else utcnow()
    row = ChatMessage(
        owner_id=owner_id,
        session_id=chat.id,
        persona_id=persona_id,
        role=role,
        content=content,
        traits=traits,
        created_at=when,
    )
    session.add(row)
    chat.last_activity = when
    if role == "assistant":
        chat.turns = (chat.turns or 0) + 1
    session.flush()
    return row


def recent_chat_messages(
    *, session: Session, owner_id: int, chat_session_id: int, limit: int
) -> list[ChatMessage]:
    """The newest ``limit`` messages of a session, oldest first."""
    get_chat_session(session=session, owner_id=owner_id, chat_session_id=chat_session_id)
    if limit <= 0:
        return []
    rows = list(
        session.scalars(
            select(ChatMessage)
            .where(ChatMessage.session_id == chat_session_id, ChatMessage.owner_id == owner_id)
            .order_by(ChatMessage.id.desc())
            .limit(limit)
        )
    )
    rows.reverse()
    return rows


def count_chat_replies(
    *, session: Session, owner_id: int, chat_session_id: int, persona_id: int
) -> int:
    """How many times ``persona_id`` has answered in the session (all of it, not a window)."""
    return int(
        session.scalar(
            select(func.count(ChatMessage.id)).where(
                ChatMessage.session_id == chat_session_id,
                ChatMessage.owner_id == owner_id,
                ChatMessage.persona_id == persona_id,
                ChatMessage.role == "assistant",
            )
        )
        or 0
    )


def add_memory(
    *,
    session: Session,
    owner_id: int,
    persona_id: int,
    text: str,
    importance: float,
    source: str,
    chat_session_id: int | None = None,
    at: datetime | None = None,
    expires_at: datetime | None = None,
) -> Memory:
    """Store one memory row (its vector goes to the ``memories`` index under its id)."""
    _unit(importance, "importance")
    when = at if at is not None else utcnow()
    row = Memory(
        owner_id=owner_id,
        persona_id=persona_id,
        session_id=chat_session_id,
        text=text,
        importance=importance,
        source=source[:32],
        merged=0,
        created_at=when,
        last_accessed=when,
        expires_at=expires_at,
    )
    session.add(row)
    session.flush()
    return row


def merge_memory(
    *,
    session: Session,
    memory: Memory,
    text: str,
    importance: float,
    at: datetime,
    expires_at: datetime | None,
) -> Memory:
    """Fold a near-duplicate into ``memory``: the newer wording, the higher importance."""
    _unit(importance, "importance")
    memory.text = text
    memory.importance = max(memory.importance, importance)
    memory.merged = (memory.merged or 0) + 1
    memory.last_accessed = at
    if expires_at is not None or memory.expires_at is not None:
        memory.expires_at = expires_at
    session.flush()
    return memory


def get_memories(
    *, session: Session, owner_id: int, persona_id: int, ids: Sequence[int]
) -> dict[int, Memory]:
    """The owner's memories of the persona among ``ids`` (others' ids are left out)."""
    if not ids:
        return {}
    rows = session.scalars(
        select(Memory).where(
            Memory.id.in_(list(ids)), Memory.owner_id == owner_id, Memory.persona_id == persona_id
        )
    )
    return {row.id: row for row in rows}


def touch_memories(*, session: Session, ids: Sequence[int], at: datetime) -> None:
    """Mark memories as used in a prompt now (recency counts from here)."""
    if ids:
        session.execute(
            update(Memory)
            .where(Memory.id.in_(list(ids)))
            .values(last_accessed=at)
            .execution_options(synchronize_session=False)
        )


def list_memories(
    *,
    session: Session,
    owner_id: int,
    persona_id: int,
    limit: int = 50,
    offset: int = 0,
) -> list[Memory]:
    """The persona's memories, newest first."""
    get_persona(session=session, owner_id=owner_id, persona_id=persona_id)
    return list(
        session.scalars(
            select(Memory)
            .where(Memory.owner_id == owner_id, Memory.persona_id == persona_id)
            .order_by(Memory.id.desc())
            .limit(limit)
            .offset(offset)
        )
    )


def count_memories(*, session: Session, owner_id: int, persona_id: int) -> int:
    """How many memories the persona holds."""
    return int(
        session.scalar(
            select(func.count())
            .select_from(Memory)
            .where(Memory.owner_id == owner_id, Memory.persona_id == persona_id)
        )
        or 0
    )


def delete_expired_memories(
    *, session: Session, owner_id: int, persona_id: int, now: datetime
) -> list[int]:
    """Delete the persona's memories past ``expires_at``; returns their ids (for the index)."""
    ids = list(
        session.scalars(
            select(Memory.id).where(
                Memory.owner_id == owner_id,
                Memory.persona_id == persona_id,
                Memory.expires_at.is_not(None),
                Memory.expires_at <= now,
            )
        )
    )
    if ids:
        session.execute(delete(Memory).where(Memory.id.in_(ids)))
        session.flush()
    return ids


def record_memory_hygiene(
    *,
    session: Session,
    owner_id: int,
    persona_id: int,
    candidates: int = 0,
    stored: int = 0,
    merged: int = 0,
    echoes: int = 0,
    expired: int = 0,
) -> MemoryHygiene:
    """Add to the persona's memory-writing counters."""
    row = session.scalar(select(MemoryHygiene).where(MemoryHygiene.persona_id == persona_id))
    if row is None:
        row = MemoryHygiene(
            owner_id=owner_id,
            persona_id=persona_id,
            candidates=0,
            stored=0,
            merged=0,
            echoes=0,
            expired=0,
        )
        session.add(row)
    row.candidates = (row.candidates or 0) + candidates
    row.stored = (row.stored or 0) + stored
    row.merged = (row.merged or 0) + merged
    row.echoes = (row.echoes or 0) + echoes
    row.expired = (row.expired or 0) + expired
    row.updated_at = utcnow()
    session.flush()
    return row


def get_memory_hygiene(*, session: Session, owner_id: int, persona_id: int) -> MemoryHygiene | None:
    """The persona's memory-writing counters (``None`` before its first memory)."""
    return session.scalar(
        select(MemoryHygiene).where(
            MemoryHygiene.persona_id == persona_id, MemoryHygiene.owner_id == owner_id
        )
    )
