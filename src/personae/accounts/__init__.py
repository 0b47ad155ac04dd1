"""Accounts: users, sign-ins, API keys, and the export and erasure of an account.

A service like :mod:`personae.persona` and :mod:`personae.chat`: the HTTP API's
``/api/auth`` and ``/api/account`` routes and its authentication dependencies, and the
CLI's ``personae users`` and local user, call :class:`AccountService` (built by
:func:`build_account_service`), which owns each use case's unit of work. Passwords,
tokens and API keys are made and checked by :mod:`personae.auth`, which knows no store.

- **Sign-in.** ``register`` and ``login`` start a sign-in (an ``auth_sessions`` row) and
  answer its token pair; ``refresh`` rotates the refresh token, and a reused one ends
  the whole sign-in (committed although the answer is an error); ``logout`` ends one.
- **Cache invalidation after commit.** The service calls ``on_sessions_changed`` after
  a commit that ended a sign-in and ``on_erased`` after an erasure, so no route
  invalidates a cache by hand.
- **The store a shell opens** (:func:`open_database`, :func:`local_store`,
  :func:`upgrade_database`): SQLite is migrated on every start, PostgreSQL must be at
  this release's schema; the CLI's local user is created on first use. ``Database`` is
  re-exported as the handle the shells pass to the services' builders.
- **Erasure** deletes the user (the store cascades to everything it owns), then its
  vectors, which live in tables of their own.
"""

from __future__ import annotations

from personae.accounts._build import build_account_service
from personae.accounts._local import (
    Database,
    Upgrade,
    local_store,
    open_database,
    upgrade_database,
)
from personae.accounts._service import AccountService, CreatedKey, KeyHolder, SignIn, UserChanged

__all__ = [
    "AccountService",
    "CreatedKey",
    "Database",
    "KeyHolder",
    "SignIn",
    "Upgrade",
    "UserChanged",
    "build_account_service",
    "local_store",
    "open_database",
    "upgrade_database",
]
