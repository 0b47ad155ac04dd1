"""The account service: users, sign-ins, API keys, export and erasure.

The HTTP API's ``/api/auth`` and ``/api/account`` routes, its authentication
dependencies and the CLI's ``personae users`` (and its local user) all call this one
class, so each use case is written once and owns its unit of work. Token signing and
password hashing stay in :mod:`personae.auth` (the bottom layer); this class is where
they meet the store.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from personae._types import Role
from personae.auth import (
    TokenPair,
    api_key_prefix,
    check_password_policy,
    decode_token,
    generate_api_key,
    hash_password,
    issue_tokens,
    new_token_id,
    verify_api_key,
    verify_password,
)
from personae.config import Settings
from personae.errors import InvalidCredentialsError, InvalidTokenError, UserNotFoundError
from personae.store import (
    MAX_INT,
    ApiKeyPublic,
    Database,
    User,
    UserCreate,
    UserPublic,
    crud,
    export_user_archive,
    session_scope,
)
from personae.vectors import erase_owner

__all__ = ["AccountService", "CreatedKey", "KeyHolder", "SignIn", "UserChanged"]

UserChanged = Callable[[int], None]
"""``(user_id)``: called after a commit that changed what a cache may hold about a user."""

_TOUCH_EVERY = timedelta(minutes=1)  # last_used_at is a hint, not a log: one write a minute
_UNUSABLE_HASH = "!"  # matches no password: such a user cannot sign in over HTTP


def _role(user: User) -> Role:
    return "admin" if user.role == "admin" else "user"


@dataclass(frozen=True, slots=True)
class SignIn:
    """A new sign-in: the account and its first token pair."""

    user: UserPublic
    tokens: TokenPair


@dataclass(frozen=True, slots=True)
class KeyHolder:
    """Who an API key acts for."""

    user_id: int
    role: Role
    key_id: int
    prefix: str


@dataclass(frozen=True, slots=True)
class CreatedKey:
    """A new API key: ``plaintext`` is shown once and never stored."""

    key: ApiKeyPublic
    plaintext: str


class AccountService:
    """Use cases on accounts, each in a unit of work of its own.

    Parameters
    ----------
    database
        The store.
    settings
        Token lifetimes and the signing key.
    on_sessions_changed
        Called with a user's id after a commit that ended one of its sign-ins (logout,
        refresh-token reuse, erasure), so a cache of live sign-ins can drop them.
    on_erased
        Called with a user's id after the commit that erased the account (drop every
        cached entry the owner had).
    """

    def __init__(
        self,
        database: Database,
        settings: Settings,
        *,
        on_sessions_changed: UserChanged | None = None,
        on_erased: UserChanged | None = None,
    ) -> None:
        self._database = database
        self._settings = settings
        self._on_sessions_changed = on_sessions_changed
        self._on_erased = on_erased

    # -- signing in -----------------------------------------------------------------------

    def _refresh_expiry(self) -> datetime:
        return datetime.now(UTC) + timedelta(days=self._settings.refresh_token_days)

    def _pair(self, user_id: int, role: Role, *, session_id: str, refresh_jti: str) -> TokenPair:
        return issue_tokens(
            user_id, role, session_id=session_id, refresh_jti=refresh_jti, settings=self._settings
        )

    def _sign_in(self, session: Session, user: User) -> TokenPair:
        """Start a sign-in (an ``auth_sessions`` row) and answer its first token pair."""
        session_id, refresh_jti = new_token_id(), new_token_id()
        crud.create_auth_session(
            session=session,
            user_id=user.id,
            session_id=session_id,
            refresh_jti=refresh_jti,
            expires_at=self._refresh_expiry(),
        )
        return self._pair(user.id, _role(user), session_id=session_id, refresh_jti=refresh_jti)

    def register(self, email: str, password: str) -> SignIn:
        """Create an account with the ``user`` role and sign it in.

        Raises
        ------
        DuplicateEmailError
            The address cannot be registered (409).
        """
        with session_scope(self._database) as session:
            user = crud.create_user(
                session=session,
                data=UserCreate(email=email, password_hash=hash_password(password)),
            )
            tokens = self._sign_in(session, user)
            return SignIn(user=UserPublic.model_validate(user), tokens=tokens)

    def login(self, email: str, password: str) -> TokenPair:
        """Trade e-mail and password for a token pair.

        Raises
        ------
        InvalidCredentialsError
            A wrong password or an unknown e-mail, alike and in the same time.
        """
        with session_scope(self._database) as session:
            user = crud.get_user_by_email(session=session, email=email)
            if not verify_password(password, user.password_hash if user is not None else None):
                raise InvalidCredentialsError("wrong e-mail or password")
            assert user is not None
            return self._sign_in(session, user)

    def refresh(self, refresh_token: str) -> TokenPair:
        """Trade a refresh token for a new pair; the user (and role) is read afresh.

        A refresh token that was already used ends its whole sign-in (refresh token
        rotation): the revocation is committed although the answer is an error.

        Raises
        ------
        InvalidTokenError
            An expired, forged or reused token, or a deleted user.
        """
        claims = decode_token(refresh_token, "refresh", settings=self._settings)
        new_jti = new_token_id()
        with session_scope(self._database) as session:
            user = session.get(User, claims.user_id) if claims.user_id <= MAX_INT else None
            if user is None or claims.session_id is None:
                raise InvalidTokenError("the token's user no longer exists; sign in again")
            user_id, role = user.id, _role(user)
            rotated = crud.rotate_auth_session(
                session=session,
                session_id=claims.session_id,
                user_id=user_id,
                presented_jti=claims.jti,
                new_jti=new_jti,
                expires_at=self._refresh_expiry(),
            )
            if not rotated:
                crud.revoke_auth_session(
                    session=session, session_id=claims.session_id, user_id=user_id
                )
        if not rotated:
            self._sessions_changed(user_id)
            raise InvalidTokenError("the refresh token was already used; sign in again")
        return self._pair(user_id, role, session_id=claims.session_id, refresh_jti=new_jti)

    def logout(self, user_id: int, session_id: str) -> None:
        """End one sign-in: its tokens are refused from now on."""
        with session_scope(self._database) as session:
            crud.revoke_auth_session(session=session, session_id=session_id, user_id=user_id)
        self._sessions_changed(user_id)

    def session_live(self, user_id: int, session_id: str) -> bool:
        """Whether tokens of this sign-in are still honoured (read from the store)."""
        with session_scope(self._database) as session:
            return crud.auth_session_live(session=session, session_id=session_id, user_id=user_id)

    def _sessions_changed(self, user_id: int) -> None:
        if self._on_sessions_changed is not None:
            self._on_sessions_changed(user_id)

    # -- users ----------------------------------------------------------------------------

    def user(self, user_id: int) -> UserPublic:
        """One account.

        Raises
        ------
        UserNotFoundError
            No such user.
        """
        with session_scope(self._database) as session:
            return UserPublic.model_validate(crud.get_user(session=session, user_id=user_id))

    def exists(self, user_id: int) -> bool:
        """Whether the account still exists (one primary-key read)."""
        with session_scope(self._database) as session:
            return session.get(User, user_id) is not None

    def is_admin(self, user_id: int) -> bool:
        """Whether the account has the admin role *now*, as the store says."""
        with session_scope(self._database) as session:
            user = session.get(User, user_id)
            return user is not None and user.role == "admin"

    def create_user(self, email: str, password: str, *, role: Role = "user") -> UserPublic:
        """Create an account that can sign in (from the server's shell: any role).

        Raises
        ------
        WeakPasswordError
            The password breaks the policy.
        DuplicateEmailError
            The address is taken.
        """
        check_password_policy(password)
        with session_scope(self._database) as session:
            user = crud.create_user(
                session=session,
                data=UserCreate(email=email, password_hash=hash_password(password), role=role),
            )
            return UserPublic.model_validate(user)

    def set_role(self, email: str, role: Role) -> UserPublic:
        """Make the account with this e-mail an admin, or a plain user again.

        Raises
        ------
        UserNotFoundError
            No account has this e-mail.
        """
        with session_scope(self._database) as session:
            user = crud.get_user_by_email(session=session, email=email)
            if user is None:
                raise UserNotFoundError(f"no user with e-mail {email}", email=email)
            return UserPublic.model_validate(
                crud.set_user_role(session=session, user_id=user.id, role=role)
            )

    def local_user(self, email: str) -> int:
        """The id of the account with this e-mail, created on first use with an unusable
        password (the CLI's local user: it owns what the CLI stores, and cannot sign in)."""
        with session_scope(self._database) as session:
            user = crud.get_user_by_email(session=session, email=email)
            if user is None:
                user = crud.create_user(
                    session=session, data=UserCreate(email=email, password_hash=_UNUSABLE_HASH)
                )
            return user.id

    # -- API keys -------------------------------------------------------------------------

    def create_api_key(self, owner_id: int, name: str) -> CreatedKey:
        """A new key for machines; its plaintext is in the answer, this once only."""
        generated = generate_api_key()
        with session_scope(self._database) as session:
            key = crud.create_api_key(
                session=session,
                owner_id=owner_id,
                name=name,
                key_hash=generated.key_hash,
                prefix=generated.prefix,
            )
            return CreatedKey(key=ApiKeyPublic.model_validate(key), plaintext=generated.plaintext)

    def api_keys(self, owner_id: int) -> list[ApiKeyPublic]:
        """The owner's keys, revoked ones included (prefixes and dates, never the keys)."""
        with session_scope(self._database) as session:
            keys = crud.list_api_keys(session=session, owner_id=owner_id)
            return [ApiKeyPublic.model_validate(key) for key in keys]

    def revoke_api_key(self, owner_id: int, key_id: int) -> ApiKeyPublic:
        """Revoke one of the owner's keys.

        Raises
        ------
        NotFoundError
            The owner has no such key.
        """
        with session_scope(self._database) as session:
            key = crud.revoke_api_key(session=session, owner_id=owner_id, key_id=key_id)
            return ApiKeyPublic.model_validate(key)

    def key_holder(self, key: str) -> KeyHolder:
        """Who an API key acts for; records its use (at most once a minute).

        Raises
        ------
        InvalidCredentialsError
            A malformed, unknown or revoked key.
        """
        prefix = api_key_prefix(key)  # InvalidCredentialsError when malformed
        with session_scope(self._database) as session:
            for candidate in crud.find_api_keys(session=session, prefix=prefix):
                if verify_api_key(key, candidate.key_hash):
                    user = session.get(User, candidate.owner_id)
                    if user is None:  # pragma: no cover - keys cascade with their owner
                        break
                    last = candidate.last_used_at
                    if last is None or datetime.now(UTC) - last > _TOUCH_EVERY:
                        crud.touch_api_key(session=session, key_id=candidate.id)
                    return KeyHolder(
                        user_id=user.id, role=_role(user), key_id=candidate.id, prefix=prefix
                    )
        raise InvalidCredentialsError("the API key is unknown or has been revoked")

    # -- the account as a whole -----------------------------------------------------------

    def export(self, user_id: int) -> dict[str, Any]:
        """Everything the user owns as one JSON-ready document (right of access)."""
        with session_scope(self._database) as session:
            return export_user_archive(session=session, user_id=user_id)

    def erase(self, user_id: int) -> None:
        """Erase the account and everything it owns (right to erasure).

        After the commit its sign-ins end (``on_sessions_changed``), its cached entries
        go (``on_erased``), and its vectors, which live in tables of their own outside
        the cascade, are deleted.
        """
        with session_scope(self._database) as session:
            crud.delete_user(session=session, user_id=user_id, actor_id=user_id)
        if self._on_erased is not None:
            self._on_erased(user_id)
        self._sessions_changed(user_id)
        erase_owner(self._database, user_id)
