"""Shared fixtures: one migrated database per test, on SQLite and (when configured) PostgreSQL.

Every test that asks for ``database_url`` runs on a fresh SQLite file under ``tmp_path``.
When ``PERSONAE_TEST_POSTGRES_URL`` is set (the one place the tests read it), the same
tests run a second time on PostgreSQL: the session gets a database of its own, created
from that URL and dropped at the end, and every test a blank schema inside it.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session

from personae.store import Database, UserCreate, crud, session_scope

pytest_plugins = ["tests.api.fixtures"]
"""The HTTP API's fixtures (an app, a client, users), for every test package that serves it."""

# Drafts from the tests' scripted models are judged on topic by key words: the bundled
# embedder (the product's default when installed) is tested on its own in
# tests/persona/test_draft_checks_topic.py, and judged with the real model in benchmarks/.
os.environ.setdefault("PERSONAE_TOPIC_CHECK", "keywords")

POSTGRES_URL = os.environ.get("PERSONAE_TEST_POSTGRES_URL") or None
BACKENDS = ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]


@pytest.fixture(scope="session")
def _postgres_database() -> Iterator[URL]:
    """A database of this test session's own on the configured server, dropped afterwards."""
    assert POSTGRES_URL is not None
    admin_url = make_url(POSTGRES_URL)
    name = f"personae_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield admin_url.set(database=name)
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a blank database: a SQLite file, or an empty PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'personae.db'}"
        return
    base: URL = request.getfixturevalue("_postgres_database")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        # Every connection of the test sees only its own schema.
        url = base.update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    finally:
        admin.dispose()


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    """A migrated database; its engine is disposed after the test."""
    database = Database(database_url)
    try:
        database.upgrade()
        yield database
    finally:
        database.dispose()


@pytest.fixture
def session(db: Database) -> Iterator[Session]:
    """A session on the migrated database, rolled back and closed after the test."""
    with db.sessions() as session:
        yield session
        session.rollback()


@pytest.fixture
def owner_ids(db: Database) -> tuple[int, int]:
    """Two committed users, ``(alice, bob)``, for ownership tests."""
    with session_scope(db) as session:
        alice = crud.create_user(
            session=session, data=UserCreate(email="alice@example.org", password_hash="h1")
        )
        bob = crud.create_user(
            session=session, data=UserCreate(email="bob@example.org", password_hash="h2")
        )
        return alice.id, bob.id
