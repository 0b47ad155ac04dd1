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

from typing import Annotated

from fastapi import APIRouter, Depends, Path

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
    AccountServiceDep,
    LiveUserDep,
    PasswordUserDep,
    StateDep,
    limit_account_sign_in,
    limit_sign_in,
)
from personae.auth import TokenPair
from personae.store import MAX_INT, ApiKeyPublic, UserPublic

__all__ = ["router"]

router = APIRouter(prefix="/api/auth", tags=["auth"], responses=error_responses(422, 503))

_SIGN_IN = [Depends(limit_sign_in)]
_SIGN_IN_ERRORS = error_responses(401, 413, 429)


def _tokens(pair: TokenPair) -> TokenResponse:
    return TokenResponse(
        access_token=pair.access_token,
        refresh_token=pair.refresh_token,
        expires_in=pair.expires_in,
    )


@router.post(
    "/register",
    status_code=201,
    summary="Create an account",
    response_model=Envelope[RegisterResult],
    dependencies=_SIGN_IN,
    responses={**error_responses(409), **_SIGN_IN_ERRORS},
)
def register(body: RegisterRequest, accounts: AccountServiceDep) -> Envelope[RegisterResult]:
    """Create an account with the ``user`` role and sign it in.

    Passwords need 8 to 256 characters and must not be a commonly used password (NIST SP
    800-63B); a refused one is a 422 ``weak_password`` with ``details.reason``. An
    address that cannot be registered is a 409 whose message does not repeat it.
    """
    signed_in = accounts.register(body.email, body.password)
    return ok(RegisterResult(user=signed_in.user, tokens=_tokens(signed_in.tokens)))


@router.post(
    "/login",
    summary="Sign in",
    response_model=Envelope[TokenResponse],
    dependencies=_SIGN_IN,
    responses=_SIGN_IN_ERRORS,
)
def login(
    body: LoginRequest, accounts: AccountServiceDep, state: StateDep
) -> Envelope[TokenResponse]:
    """Trade e-mail and password for an access and a refresh token.

    A wrong password and an unknown e-mail get the same 401, in the same time. Attempts
    are counted per client address and per account, so neither many addresses against
    one account nor one address against many accounts gets more than its budget.
    """
    limit_account_sign_in(state, body.email)
    return ok(_tokens(accounts.login(body.email, body.password)))


@router.post(
    "/refresh",
    summary="Refresh tokens",
    response_model=Envelope[TokenResponse],
    dependencies=_SIGN_IN,
    responses=_SIGN_IN_ERRORS,
)
def refresh(body: RefreshRequest, accounts: AccountServiceDep) -> Envelope[TokenResponse]:
    """Trade a refresh token for a new pair; the user (and role) is read afresh.

    Refresh tokens rotate: each works once. Presenting one that was already used is
    taken as theft (OAuth 2.0 Security BCP, refresh token rotation): the whole sign-in
    is revoked, so neither the thief nor the owner can go on with it (the owner signs in
    again).
    """
    return ok(_tokens(accounts.refresh(body.refresh_token)))


@router.post(
    "/logout",
    summary="Sign out",
    response_model=Envelope[LogoutResult],
    responses=error_responses(401, 403, 429),
)
def logout(caller: PasswordUserDep, accounts: AccountServiceDep) -> Envelope[LogoutResult]:
    """End this sign-in: its access and refresh tokens are refused from now on, by every
    worker, open WebSockets included (within a few seconds)."""
    assert caller.session_id is not None  # an access token always has one
    accounts.logout(caller.id, caller.session_id)
    return ok(LogoutResult(revoked=True))


@router.get(
    "/me",
    summary="Who am I",
    response_model=Envelope[UserPublic],
    responses=error_responses(401, 429),
)
def me(caller: LiveUserDep, accounts: AccountServiceDep) -> Envelope[UserPublic]:
    """The signed-in account (with an API key: the key's owner)."""
    return ok(accounts.user(caller.id))


@router.post(
    "/keys",
    status_code=201,
    summary="Create an API key",
    response_model=Envelope[ApiKeyCreated],
    responses=error_responses(401, 403, 413, 429),
)
def create_key(
    body: ApiKeyCreate, caller: PasswordUserDep, accounts: AccountServiceDep
) -> Envelope[ApiKeyCreated]:
    """A new key for machines. The key itself is in ``api_key``, shown this once only."""
    created = accounts.create_api_key(caller.id, body.name)
    return ok(ApiKeyCreated(key=created.key, api_key=created.plaintext))


@router.get(
    "/keys",
    summary="List your API keys",
    response_model=Envelope[list[ApiKeyPublic]],
    responses=error_responses(401, 403, 429),
)
def list_keys(caller: PasswordUserDep, accounts: AccountServiceDep) -> Envelope[list[ApiKeyPublic]]:
    """Your keys, revoked ones included: prefixes and dates, never the keys."""
    return ok(accounts.api_keys(caller.id))


@router.delete(
    "/keys/{key_id}",
    summary="Revoke an API key",
    response_model=Envelope[ApiKeyPublic],
    responses=error_responses(401, 403, 404, 429),
)
def revoke_key(
    key_id: Annotated[int, Path(ge=1, le=MAX_INT, description="The key's id.")],
    caller: PasswordUserDep,
    accounts: AccountServiceDep,
) -> Envelope[ApiKeyPublic]:
    """Revoke one of your keys: it is refused from the next request on."""
    return ok(accounts.revoke_api_key(caller.id, key_id))
