"""Wiring the account service from the settings: one way for the API and the CLI."""

from __future__ import annotations

from personae.accounts._service import AccountService, UserChanged
from personae.config import Settings
from personae.store import Database

__all__ = ["build_account_service"]


def build_account_service(
    settings: Settings,
    *,
    database: Database,
    on_sessions_changed: UserChanged | None = None,
    on_erased: UserChanged | None = None,
) -> AccountService:
    """The account service the settings describe.

    Parameters
    ----------
    settings
        Token lifetimes and the signing key.
    database
        The store.
    on_sessions_changed, on_erased
        Called with a user's id after a commit that ended its sign-ins, or erased it
        (the API passes the invalidations of its caches).

    Examples
    --------
    >>> accounts = build_account_service(settings, database=db)  # doctest: +SKIP
    >>> accounts.create_user("ada@example.com", "a long passphrase", role="admin").role
    ... # doctest: +SKIP
    'admin'
    """
    return AccountService(
        database, settings, on_sessions_changed=on_sessions_changed, on_erased=on_erased
    )
