"""Fixtures for the vector tests: one index per backend, on fresh storage per test.

Every index test runs on the exact numpy index and on sqlite-vec (a SQLite file under
``tmp_path``), and on pgvector when ``PERSONAE_TEST_PGVECTOR_URL`` points at a
PostgreSQL server with the pgvector extension available (``scripts/test-services.sh``
starts one from the ``pgserver`` wheel). That variable is read here and nowhere else.
The session gets a database of its own on that server, with the ``vector`` extension
in its ``public`` schema, and every test a blank schema in front of it.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

from personae.vectors import NumpyIndex, PgVectorIndex, SqliteVecIndex, VectorIndex

PGVECTOR_URL = os.environ.get("PERSONAE_TEST_PGVECTOR_URL") or None
SKIP_PGVECTOR = "PERSONAE_TEST_PGVECTOR_URL is not set (run scripts/test-services.sh)"
BACKENDS = ["numpy", "sqlite", "pgvector"]
DIMENSION = 16

IndexFactory = Callable[..., VectorIndex]


@pytest.fixture(scope="session")
def _pgvector_database() -> Iterator[URL]:
    """A database of this test session's own on the pgvector server, dropped afterwards."""
    if PGVECTOR_URL is None:
        pytest.skip(SKIP_PGVECTOR)
    admin_url = make_url(PGVECTOR_URL)
    name = f"personae_vec_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = admin_url.set(database=name)
        setup = create_engine(url, isolation_level="AUTOCOMMIT")
        try:
            with setup.connect() as connection:
                connection.execute(text("CREATE EXTENSION IF NOT EXISTS vector SCHEMA public"))
        finally:
            setup.dispose()
        yield url
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@pytest.fixture
def pgvector_url(_pgvector_database: URL) -> Iterator[str]:
    """A blank schema (searched before ``public``, where ``vector`` lives) for one test."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(_pgvector_database, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = _pgvector_database.update_query_dict({"options": f"-csearch_path={schema},public"})
        yield url.render_as_string(hide_password=False)
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    finally:
        admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'personae.db'}"


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Which index the test runs on: ``numpy``, ``sqlite`` or ``pgvector``."""
    return str(request.param)


@pytest.fixture
def make_index(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[IndexFactory]:
    """Builds (and ensures) indexes of one backend; each is closed after the test.

    On SQLite and PostgreSQL, indexes built by one test share one database, as two
    processes opening the store would; the numpy index keeps nothing between builds.
    """
    location = (
        request.getfixturevalue("pgvector_url")
        if backend == "pgvector"
        else f"sqlite:///{tmp_path / 'personae.db'}"
    )
    built: list[VectorIndex] = []

    def make(
        *, embedder_name: str = "test-embedder", dimension: int = DIMENSION, **options: Any
    ) -> VectorIndex:
        index: VectorIndex
        if backend == "numpy":
            index = NumpyIndex(embedder_name=embedder_name, dimension=dimension)
        elif backend == "sqlite":
            index = SqliteVecIndex(
                location, embedder_name=embedder_name, dimension=dimension, **options
            )
        else:
            index = PgVectorIndex(
                location, embedder_name=embedder_name, dimension=dimension, **options
            )
        built.append(index)
        index.ensure()
        return index

    try:
        yield make
    finally:
        for index in built:
            index.close()


@pytest.fixture
def index(make_index: IndexFactory) -> VectorIndex:
    """A fresh, empty index of the parametrized backend."""
    return make_index()
