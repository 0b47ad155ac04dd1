"""``/api/auth``: accounts, password sign-in, token refresh and API keys.

The flow: ``POST /register`` (or ``/login``) returns an access token (minutes) and a
refresh token (days); every other route takes ``Authorization: Bearer <access token>``;
``POST /refresh`` trades a refresh token for a new pair, re-reading the user so a deleted
account cannot refresh. Machines use API keys (``pk_…``) in the same header; a key's
plaintext is returned once, at creation, and only its hash is stored.

Register, login and refresh are rate-limited per client address (password guessing);
every other route per user or key. Passwords are never logged, stored or returned: only
their argon2id hashes are kept.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Path
from sqlalchemy.orm import Session

from personae.api._cache import AfterCommit
from personae.api._envelope import Envelope, error_responses, ok
from personae.api._schemas import (
    ApiKeyCreate,
    ApiKeyCreated,
    LoginRequest,
    LogoutResult,
    RefreshRequest,
    RegisterRequest,
    RegisterResult,
    TokenResponse,
)
from personae.api.deps import (
    AfterCommitDep,
    LiveUserDep,
    PasswordUserDep,
    SessionDep,
    SettingsDep,
    StateDep,
    limit_account_sign_in,
    limit_sign_in,
)
from personae.auth import (
    TokenPair,
    decode_token,
    generate_api_key,
    hash_password,
    issue_tokens,
    new_token_id,
    verify_password,
)
from personae.config import Settings
from personae.errors import InvalidCredentialsError, InvalidTokenError
from personae.store import (
    MAX_INT,
    ApiKeyPublic,
    User,
    UserCreate,
    UserPublic,
    crud,
    session_scope,
)

__all__ = ["router"]

router = APIRouter(prefix="/api/auth", tags=["auth"], responses=error_responses(422, 503))

_SIGN_IN = [Depends(limit_sign_in)]
_SIGN_IN_ERRORS = error_responses(401, 413, 429)


def _refresh_expiry(settings: Settings) -> datetime:
    return datetime.now(UTC) + timedelta(days=settings.refresh_token_days)


def _pair(user: User, settings: Settings, *, session_id: str, refresh_jti: str) -> TokenResponse:
    pair: TokenPair = issue_tokens(
        user.id,
        "admin" if user.role == "admin" else "user",
        session_id=session_id,
        refresh_jti=refresh_jti,
        settings=settings,
    )
    return TokenResponse(
        access_token=pair.access_token,
        refresh_token=pair.refresh_token,
        expires_in=pair.expires_in,
    )


def _sign_in(user: User, settings: Settings, *, session: Session) -> TokenResponse:
    """Start a sign-in (an ``auth_sessions`` row, in the request's transaction) and
    answer its first token pair."""
    session_id, refresh_jti = new_token_id(), new_token_id()
    crud.create_auth_session(
        session=session,
        user_id=user.id,
        session_id=session_id,
        refresh_jti=refresh_jti,
        expires_at=_refresh_expiry(settings),
    )
    return _pair(user, settings, session_id=session_id, refresh_jti=refresh_jti)


@router.post(
    "/register",
    status_code=201,
    summary="Create an account",
    response_model=Envelope[RegisterResult],
    dependencies=_SIGN_IN,
    responses={**error_responses(409), **_SIGN_IN_ERRORS},
)
def register(
    body: RegisterRequest, session: SessionDep, settings: SettingsDep
) -> Envelope[RegisterResult]:
    """Create an account with the ``user`` role and sign it in.

    Passwords need 8 to 256 characters and must not be a commonly used password (NIST SP
    800-63B); a refused one is a 422 ``weak_password`` with ``details.reason``. An
    address that cannot be registered is a 409 whose message does not repeat it.
    """
    user = crud.create_user(
        session=session,
        data=UserCreate(email=body.email, password_hash=hash_password(body.password)),
    )
    return ok(
        RegisterResult(
            user=UserPublic.model_validate(user), tokens=_sign_in(user, settings, session=session)
        )
    )


@router.post(
    "/login",
    summary="Sign in",
    response_model=Envelope[TokenResponse],
    dependencies=_SIGN_IN,
    responses=_SIGN_IN_ERRORS,
)
def login(
    body: LoginRequest, session: SessionDep, settings: SettingsDep, state: StateDep
) -> Envelope[TokenResponse]:
    """Trade e-mail and password for an access and a refresh token.

    A wrong password and an unknown e-mail get the same 401, in the same time. Attempts
    are counted per client address and per account, so neither many addresses against
    one account nor one address against many accounts gets more than its budget.
    """
    limit_account_sign_in(state, body.email)
    user = crud.get_user_by_email(session=session, email=body.email)
    if not verify_password(body.password, user.password_hash if user is not None else None):
        raise InvalidCredentialsError("wrong e-mail or password")
    assert user is not None
    return ok(_sign_in(user, settings, session=session))


@router.post(
    "/refresh",
    summary="Refresh tokens",
    response_model=Envelope[TokenResponse],
    dependencies=_SIGN_IN,
    responses=_SIGN_IN_ERRORS,
)
def refresh(
    body: RefreshRequest, settings: SettingsDep, state: StateDep
) -> Envelope[TokenResponse]:
    """Trade a refresh token for a new pair; the user (and role) is read afresh.

    Refresh tokens rotate: each works once. Presenting one that was already used is
    taken as theft (OAuth 2.0 Security BCP, refresh token rotation): the whole sign-in
    is revoked, so neither the thief nor the owner can go on with it (the owner signs in
    again).
    """
    claims = decode_token(body.refresh_token, "refresh", settings=settings)
    new_jti = new_token_id()
    # One unit of work of its own, committed even when the answer is a 401: a detected
    # reuse must stay revoked.
    with session_scope(state.database) as session:
        user = session.get(User, claims.user_id) if claims.user_id <= MAX_INT else None
        if user is None or claims.session_id is None:
            raise InvalidTokenError("the token's user no longer exists; sign in again")
        rotated = crud.rotate_auth_session(
            session=session,
            session_id=claims.session_id,
            user_id=user.id,
            presented_jti=claims.jti,
            new_jti=new_jti,
            expires_at=_refresh_expiry(settings),
        )
        if not rotated:
            crud.revoke_auth_session(session=session, session_id=claims.session_id, user_id=user.id)
    if not rotated:
        after = AfterCommit()
        after.sessions_changed(user.id)
        after.run(state.cache)
        raise InvalidTokenError("the refresh token was already used; sign in again")
    return ok(_pair(user, settings, session_id=claims.session_id, refresh_jti=new_jti))


@router.post(
    "/logout",
    summary="Sign out",
    response_model=Envelope[LogoutResult],
    responses=error_responses(401, 403, 429),
)
def logout(
    caller: PasswordUserDep, session: SessionDep, after_commit: AfterCommitDep
) -> Envelope[LogoutResult]:
    """End this sign-in: its access and refresh tokens are refused from now on, by every
    worker, open WebSockets included (within a few seconds)."""
    assert caller.session_id is not None  # an access token always has one
    crud.revoke_auth_session(session=session, session_id=caller.session_id, user_id=caller.id)
    after_commit.sessions_changed(caller.id)
    return ok(LogoutResult(revoked=True))


@router.get(
    "/me",
    summary="Who am I",
    response_model=Envelope[UserPublic],
    responses=error_responses(401, 429),
)
def me(caller: LiveUserDep, session: SessionDep) -> Envelope[UserPublic]:
    """The signed-in account (with an API key: the key's owner)."""
    return ok(UserPublic.model_validate(crud.get_user(session=session, user_id=caller.id)))


@router.post(
    "/keys",
    status_code=201,
    summary="Create an API key",
    response_model=Envelope[ApiKeyCreated],
    responses=error_responses(401, 403, 413, 429),
)
def create_key(
    body: ApiKeyCreate, caller: PasswordUserDep, session: SessionDep
) -> Envelope[ApiKeyCreated]:
    """A new key for machines. The key itself is in ``api_key``, shown this once only."""
    generated = generate_api_key()
    key = crud.create_api_key(
        session=session,
        owner_id=caller.id,
        name=body.name,
        key_hash=generated.key_hash,
        prefix=generated.prefix,
    )
    return ok(ApiKeyCreated(key=ApiKeyPublic.model_validate(key), api_key=generated.plaintext))


@router.get(
    "/keys",
    summary="List your API keys",
    response_model=Envelope[list[ApiKeyPublic]],
    responses=error_responses(401, 403, 429),
)
def list_keys(caller: PasswordUserDep, session: SessionDep) -> Envelope[list[ApiKeyPublic]]:
    """Your keys, revoked ones included: prefixes and dates, never the keys."""
    keys = crud.list_api_keys(session=session, owner_id=caller.id)
    return ok([ApiKeyPublic.model_validate(key) for key in keys])


@router.delete(
    "/keys/{key_id}",
    summary="Revoke an API key",
    response_model=Envelope[ApiKeyPublic],
    responses=error_responses(401, 403, 404, 429),
)
def revoke_key(
    key_id: Annotated[int, Path(ge=1, le=MAX_INT, description="The key's id.")],
    caller: PasswordUserDep,
    session: SessionDep,
) -> Envelope[ApiKeyPublic]:
    """Revoke one of your keys: it is refused from the next request on."""
    key = crud.revoke_api_key(session=session, owner_id=caller.id, key_id=key_id)
    return ok(ApiKeyPublic.model_validate(key))
