"""``/api/account``: the caller's own data under the GDPR (export everything, erase everything)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from personae.api._envelope import Envelope, error_responses, ok
from personae.api._schemas import AccountDeleted
from personae.api.deps import AccountServiceDep, LiveUserDep, PasswordUserDep

__all__ = ["router"]

router = APIRouter(
    prefix="/api/account",
    tags=["account"],
    responses=error_responses(401, 429, 503),
)


@router.get(
    "/export",
    summary="Export everything you own",
    response_model=Envelope[dict[str, Any]],
)
def export_account(caller: LiveUserDep, accounts: AccountServiceDep) -> Envelope[dict[str, Any]]:
    """Your account, API keys (never their hashes), personas with all their history and
    facets, and the audit trail of what you did, as one JSON document (right of access)."""
    return ok(accounts.export(caller.id))


@router.delete(
    "",
    summary="Erase your account",
    response_model=Envelope[AccountDeleted],
    responses=error_responses(403),
)
def delete_account(
    caller: PasswordUserDep, accounts: AccountServiceDep
) -> Envelope[AccountDeleted]:
    """Erase the account and everything it owns (right to erasure); cannot be undone.

    Needs a password sign-in (an access token): an API key cannot erase its account.
    """
    accounts.erase(caller.id)  # its tokens, cached entries and vectors go with it
    return ok(AccountDeleted(id=caller.id))
