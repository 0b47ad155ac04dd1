"""Engines and the unit of work: SQLite pragmas, folders, errors that say what to do."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from personae.errors import InputError, StoreError
from personae.store import Database, session_scope
from tests.conftest import POSTGRES_URL


def test_sqlite_connections_enforce_foreign_keys_and_use_wal(tmp_path: Path) -> None:
    with Database(f"sqlite:///{tmp_path / 'x.db'}") as db, db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"


def test_the_sqlite_folder_is_created(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "er" / "personae.db"
    with Database(f"sqlite:///{target}") as db:
        db.upgrade()
    assert target.is_file()


def test_a_database_behind_an_older_schema_is_refused(database_url: str) -> None:
    with Database(database_url) as db:
        with pytest.raises(StoreError, match="personae db upgrade"):
            db.ensure_current()
        db.upgrade()
        db.ensure_current()


def test_errors_from_the_database_become_store_errors(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db = Database(f"sqlite:///{tmp_path / 'blank.db'}")
    try:
        with pytest.raises(StoreError, match="unavailable") as caught, session_scope(db) as session:
            session.execute(text("SELECT * FROM personas"))
    finally:
        db.dispose()
    # The detail goes to the operator's log, never into the error a client sees.
    assert "no such table" not in str(caught.value)
    assert "no such table" in caplog.text


def test_unreachable_servers_and_bad_urls_are_store_errors() -> None:
    with pytest.raises(StoreError, match="not a database URL"):
        Database("definitely not a url")
    with Database("postgresql+psycopg://nobody@127.0.0.1:1/none") as db:
        with pytest.raises(StoreError, match="cannot use the database"):
            db.upgrade()
        assert "127.0.0.1:1" in str(db)


@pytest.mark.skipif(POSTGRES_URL is None, reason="PERSONAE_TEST_POSTGRES_URL is not set")
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
@pytest.mark.parametrize(
    ("statement", "value"),
    [
        ("SELECT CAST(:v AS integer)", "x"),
        ("SELECT CAST(:v AS integer)", "99999999999"),
        ("SELECT CAST(:v AS text)", "nul\x00"),
    ],
)
def test_values_the_database_cannot_hold_become_input_errors(
    database_url: str, statement: str, value: str
) -> None:
    """The net under the schemas: a value a column cannot hold is the caller's to fix."""
    with (
        Database(database_url) as db,
        pytest.raises(InputError, match="does not fit the database"),
        session_scope(db) as session,
    ):
        session.execute(text(statement), {"v": value})
