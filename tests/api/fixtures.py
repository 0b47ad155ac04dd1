"""Fixtures for the HTTP API: an app per test on the shared database fixtures, and users.

A plugin of the whole suite (``pytest_plugins`` in ``tests/conftest.py``): the API,
security, fault, usage, content, ``/v1`` and web tests all use them without re-exporting.

``client`` is a ``TestClient`` inside the app's lifespan, on the test's fresh database
(SQLite always, PostgreSQL too when ``PERSONAE_TEST_POSTGRES_URL`` is set). Users are
created straight through ``crud`` with a password hashed once per session, and get
access tokens minted with the test's settings, so most tests pay for no argon2 hash;
``tests/api/routes/test_auth.py`` drives registration and login through HTTP.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from personae.api import create_app
from personae.auth import hash_password
from personae.config import Settings
from personae.samples import SampleWriter, sample_writers
from personae.store import Database, UserCreate, crud, session_scope
from tests.api.helpers import PASSWORD, User, make_settings, signed_in_token
from tests.redis_support import private_redis, redis_namespace, redis_url, throwaway_redis

__all__ = ["private_redis", "redis_namespace", "redis_url", "throwaway_redis"]


@pytest.fixture
def settings(db: Database, database_url: str, tmp_path: Path) -> Settings:
    """Settings pointing at the test's migrated database."""
    return make_settings(database_url, tmp_path)


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    return create_app(settings)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    """A client inside the app's lifespan (database, cache and limiter open)."""
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def password_hash() -> str:
    return hash_password(PASSWORD)


@pytest.fixture
def make_user(db: Database, settings: Settings, password_hash: str) -> Callable[..., User]:
    """Create users with ``make_user("carol@example.org", role="admin")``."""
    count = 0

    def make(email: str | None = None, *, role: str = "user") -> User:
        nonlocal count
        count += 1
        address = email or f"user{count}@example.org"
        with session_scope(db) as session:
            row = crud.create_user(
                session=session,
                data=UserCreate(email=address, password_hash=password_hash, role=role),  # type: ignore[arg-type]
            )
            user_id = row.id
        token = signed_in_token(db, user_id, role, settings=settings)
        return User(id=user_id, email=address, role=role, token=token)

    return make


@pytest.fixture
def alice(make_user: Callable[..., User]) -> User:
    return make_user("alice@example.org")


@pytest.fixture
def bob(make_user: Callable[..., User]) -> User:
    return make_user("bob@example.org")


@pytest.fixture
def admin(make_user: Callable[..., User]) -> User:
    return make_user("root@example.org", role="admin")


@pytest.fixture(scope="session")
def writers() -> list[SampleWriter]:
    return sample_writers()
