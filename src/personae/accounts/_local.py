"""The store as a shell opens it: at this release's schema, with the local user in it.

``personae serve``, ``personae users`` and every command that acts as the CLI's local user
open the database here, so the rule is written once: SQLite is migrated on every start
(a first command just works), PostgreSQL must already be at this release's schema (run
``personae db upgrade`` once per release) and is refused otherwise.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from personae.accounts._service import AccountService
from personae.config import Settings
from personae.store import Database

__all__ = ["Database", "Upgrade", "local_store", "open_database", "upgrade_database"]


@dataclass(frozen=True, slots=True)
class Upgrade:
    """What ``personae db upgrade`` did: the revisions before and after, and where."""

    database: str
    before: str | None
    after: str | None


def open_database(settings: Settings) -> Database:
    """The configured database at this release's schema (the caller disposes of it).

    Raises
    ------
    StoreError
        PostgreSQL behind this release's schema (run ``personae db upgrade``), or a
        database that cannot be reached.
    """
    database = Database(settings.resolved_database_url())
    try:
        if database.is_sqlite:
            database.upgrade()
        else:
            database.ensure_current()
    except BaseException:
        database.dispose()
        raise
    return database


def upgrade_database(settings: Settings) -> Upgrade:
    """Migrate the configured database to this release's schema."""
    with Database(settings.resolved_database_url()) as database:
        before = database.current_revision()
        database.upgrade()
        return Upgrade(database=str(database), before=before, after=database.current_revision())


@contextmanager
def local_store(settings: Settings, email: str) -> Iterator[tuple[Database, int]]:
    """The database (see :func:`open_database`) and the id of the local user ``email``,
    created on first use with a password that matches nothing (it owns what a shell
    stores and cannot sign in over HTTP)."""
    with open_database(settings) as database:
        yield database, AccountService(database, settings).local_user(email)
