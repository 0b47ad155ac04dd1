"""``/api/account``: the caller's own data under the GDPR (export everything, erase everything)."""

from __future__ import annotations

from functools import partial
from typing import Any

from fastapi import APIRouter

from personae.api._envelope import Envelope, error_responses, ok
from personae.api._schemas import AccountDeleted
from personae.api.deps import AfterCommitDep, LiveUserDep, PasswordUserDep, SessionDep, StateDep
from personae.store import crud, export_user_archive
from personae.vectors import erase_owner

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
def export_account(caller: LiveUserDep, session: SessionDep) -> Envelope[dict[str, Any]]:
    """Your account, API keys (never their hashes), personas with all their history and
    facets, and the audit trail of what you did, as one JSON document (right of access)."""
    return ok(export_user_archive(session=session, user_id=caller.id))


@router.delete(
    "",
    summary="Erase your account",
    response_model=Envelope[AccountDeleted],
    responses=error_responses(403),
)
def delete_account(
    caller: PasswordUserDep, session: SessionDep, after_commit: AfterCommitDep, state: StateDep
) -> Envelope[AccountDeleted]:
    """Erase the account and everything it owns (right to erasure); cannot be undone.

    Needs a password sign-in (an access token): an API key cannot erase its account.
    """
    crud.delete_user(session=session, user_id=caller.id, actor_id=caller.id)
    after_commit.owner_changed(caller.id)
    after_commit.sessions_changed(caller.id)  # its tokens end with it, on every worker
    # Vectors live in tables of their own (per index), outside the cascade.
    after_commit.call(partial(erase_owner, state.database, caller.id))
    return ok(AccountDeleted(id=caller.id))
