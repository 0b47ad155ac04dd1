"""Engines, sessions and the unit of work.

One :class:`Database` per process (the API builds one at start-up, the CLI one per
command). Callers never commit: :mod:`personae.store.crud` only flushes, and
:func:`session_scope` commits when the block ends cleanly and rolls back when it raises,
so a request or a command is one transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError, DataError, DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from personae.config import get_settings
from personae.errors import InputError, StoreError

__all__ = ["Database", "session_scope"]

logger = logging.getLogger("personae.store")

try:  # pysqlite3 (a recent SQLite that can load extensions) when installed
    import pysqlite3.dbapi2 as _sqlite_module
except ImportError:  # pragma: no cover - every supported install has it on Linux
    _sqlite_module = None


def _sqlite_on_connect(dbapi_connection: Any, connection_record: Any) -> None:
    """Turn on foreign keys (off by default in SQLite) and write-ahead logging.

    Foreign keys make ``ON DELETE CASCADE`` work, which GDPR deletion relies on; WAL lets
    readers carry on while one writer writes.
    """
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
    finally:
        cursor.close()


class Database:
    """An engine and its session factory for one database URL.

    Parameters
    ----------
    url
        A SQLAlchemy URL; ``None`` uses ``Settings.resolved_database_url()`` (the
        ``PERSONAE_DATABASE_URL`` variable, or a SQLite file in the data directory).

    Examples
    --------
    >>> with Database("sqlite:///personae.db") as db:  # doctest: +SKIP
    ...     db.upgrade()
    ...     with session_scope(db) as session:
    ...         user = crud.create_user(session=session, email="a@b.c", password_hash="…")
    """

    def __init__(self, url: str | URL | None = None) -> None:
        raw = url if url is not None else get_settings().resolved_database_url()
        try:
            self.url: URL = make_url(raw)
        except ArgumentError as exc:
            raise StoreError(f"not a database URL: {raw!s}") from exc
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        if self.is_sqlite and self.url.database not in (None, "", ":memory:"):
            Path(self.url.database).parent.mkdir(parents=True, exist_ok=True)
        # One SQLite library per process: the vector index loads sqlite-vec into pysqlite3,
        # and two SQLite copies on one file can each drop the other's locks (corruption).
        options: dict[str, Any] = {}
        if self.is_sqlite and _sqlite_module is not None:
            options["module"] = _sqlite_module
        self.engine: Engine = create_engine(self.url, **options)
        if self.is_sqlite:
            event.listen(self.engine, "connect", _sqlite_on_connect)
        # Objects stay readable after commit, so a caller can serialise what it wrote.
        self.sessions: sessionmaker[Session] = sessionmaker(self.engine, expire_on_commit=False)

    def upgrade(self, revision: str = "head") -> None:
        """Migrate this database to ``revision`` (see :func:`personae.store.upgrade`).

        Raises
        ------
        StoreError
            The database cannot be reached.
        """
        from personae.store._migrate import upgrade_engine

        with _unreachable_as_store_error(self):
            upgrade_engine(self.engine, revision)

    def current_revision(self) -> str | None:
        """The migration revision the database is at; ``None`` for a blank database.

        Raises
        ------
        StoreError
            The database cannot be reached.
        """
        from personae.store._migrate import current_revision

        with _unreachable_as_store_error(self):
            return current_revision(self.engine)

    def ensure_current(self) -> None:
        """Refuse to work on a database whose schema is not this release's.

        Raises
        ------
        StoreError
            The database is not migrated to the newest revision (run
            ``personae db upgrade``), or cannot be reached.
        """
        from personae.store._migrate import head_revision

        current, head = self.current_revision(), head_revision()
        if current != head:
            raise StoreError(
                f"the database {self!s} is at revision {current or 'none (blank)'}, "
                f"this release needs {head}: run `personae db upgrade`"
            )

    def ping(self) -> None:
        """One round trip (``SELECT 1``): what a health check asks of the database.

        Raises
        ------
        StoreError
            The database cannot be reached.
        """
        with session_scope(self) as session:
            session.execute(text("SELECT 1"))

    def dispose(self) -> None:
        """Close every pooled connection (tests and short-lived commands call this)."""
        self.engine.dispose()

    def __enter__(self) -> Database:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.dispose()

    def __str__(self) -> str:
        return self.url.render_as_string(hide_password=True)

    def __repr__(self) -> str:
        return f"Database({str(self)!r})"


@contextmanager
def _unreachable_as_store_error(database: Database) -> Iterator[None]:
    try:
        yield
    except OperationalError as exc:
        raise StoreError(f"cannot use the database {database!s}: {exc.orig or exc}") from exc


@contextmanager
def session_scope(database: Database) -> Iterator[Session]:
    """One unit of work: commit if the block succeeds, roll back if it raises.

    Raises
    ------
    StoreError
        The database cannot be reached (connection refused, bad file path …).
    InputError
        A value does not fit its column (a number out of range, text the database cannot
        hold). The schemas refuse such values first; this is the net under them, so
        input never surfaces as an unexplained database error.
    """
    session = database.sessions()
    try:
        yield session
        session.commit()
    except OperationalError as exc:
        _rollback(session)
        # The detail (host, port, database, file) is for the operator's log only.
        logger.warning("database error: %s", exc.orig or exc)
        raise StoreError("the database is unavailable right now; retry later") from exc
    except DataError as exc:
        _rollback(session)
        reason = str(exc.orig or exc).strip().splitlines()[0]
        raise InputError(f"a value does not fit the database: {reason}") from exc
    except BaseException:
        _rollback(session)
        raise
    finally:
        session.close()


def _rollback(session: Session) -> None:
    """Roll back after a failure without hiding it: when the connection itself is gone
    (a terminated backend), the rollback fails too, and the error the caller must see
    (a 409 conflict, a 503) is the first one, not a 500 about the rollback."""
    try:
        session.rollback()
    except DBAPIError as exc:
        logger.warning("rollback failed (the connection is discarded): %s", exc.orig or exc)
