"""Users, API keys and auth sessions.

Part of :mod:`personae.store.crud` (see its docstring for the rules every write follows).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from personae._types import Role
from personae.errors import DuplicateEmailError, NotFoundError, UserNotFoundError
from personae.store._models import ApiKey, AuthSession, User, utcnow
from personae.store._schemas import UserCreate
from personae.store.crud._common import _audit

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
    from personae.store.crud._personas import count_personas  # _personas imports this module

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
