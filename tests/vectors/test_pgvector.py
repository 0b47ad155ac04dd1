"""pgvector specifics: the HNSW path and its fallback, shared engines, a server without it.

The server tests run on the pgserver instance of ``scripts/test-services.sh``
(``PERSONAE_TEST_PGVECTOR_URL``) and are skipped without it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL

from personae.errors import StoreError
from personae.store import Database
from personae.vectors import NumpyIndex, PgVectorIndex
from tests.conftest import POSTGRES_URL
from tests.vectors.conftest import DIMENSION, PGVECTOR_URL, SKIP_PGVECTOR
from tests.vectors.test_index import ids_of, unit

needs_pgvector = pytest.mark.skipif(PGVECTOR_URL is None, reason=SKIP_PGVECTOR)


def clustered(rng: np.random.Generator, count: int, clusters: int) -> Any:
    centres = unit(rng, clusters)
    points = centres[rng.integers(0, clusters, count)] + 0.4 * unit(rng, count)
    return points / np.linalg.norm(points, axis=1, keepdims=True)


@needs_pgvector
def test_the_planner_statistics_choose_hnsw_for_big_owners_only(pgvector_url: str) -> None:
    rng = np.random.default_rng(1)
    count = 1500
    metadata = [{"owner_id": 1 if i < count - 5 else 2} for i in range(count)]
    index = PgVectorIndex(pgvector_url, embedder_name="e", dimension=DIMENSION, exact_below=0)
    try:
        with index.bulk():  # ends with ANALYZE, so the statistics are current
            index.add(list(range(1, count + 1)), clustered(rng, count, 30), metadata)
        with index._begin() as conn:
            big = index._hnsw_effort(conn, "owner_id = %(o)s", {"o": 1}, 10)
            small = index._hnsw_effort(conn, "owner_id = %(o)s", {"o": 2}, 10)
        assert big is not None
        assert big >= index.ef_search
        assert small is None
    finally:
        index.close()


@needs_pgvector
def test_the_hnsw_path_keeps_owners_apart_and_finds_the_neighbours(pgvector_url: str) -> None:
    """A big owner searched through HNSW gets (nearly) the exact top 10, never a vector
    of the small owner; the small owner, searched exactly, gets all of theirs."""
    rng = np.random.default_rng(1)
    count = 1500
    vectors = clustered(rng, count, 30)
    metadata = [{"owner_id": 1 if i < count - 5 else 2} for i in range(count)]
    ids = list(range(1, count + 1))
    index = PgVectorIndex(pgvector_url, embedder_name="e", dimension=DIMENSION, exact_below=0)
    exact = NumpyIndex(embedder_name="e", dimension=DIMENSION)
    try:
        with index.bulk():
            index.add(ids, vectors, metadata)
        exact.add(ids, vectors, metadata)
        recalls = []
        for query in clustered(rng, 20, 30):
            got = index.search(query, k=10, filters={"owner_id": 1})
            want = exact.search(query, k=10, filters={"owner_id": 1})
            assert all(hit.metadata["owner_id"] == 1 for hit in got)
            recalls.append(len(set(ids_of(got)) & set(ids_of(want))) / 10)
            small = index.search(query, k=10, filters={"owner_id": 2})
            assert sorted(ids_of(small)) == list(range(count - 4, count + 1))
        assert float(np.mean(recalls)) >= 0.9
    finally:
        index.close()


class LossyWalk(PgVectorIndex):
    """An index whose HNSW walk keeps one row, as a walk that lost its candidates to the
    filters does (which real graphs do only by chance, so a test cannot wait for it)."""

    walks = 0

    def _approximate(self, *args: Any, **kwargs: Any) -> list[Any]:
        self.walks += 1
        return super()._approximate(*args, **kwargs)[:1]


@needs_pgvector
def test_a_walk_that_yields_too_few_rows_is_redone_exactly(pgvector_url: str) -> None:
    rng = np.random.default_rng(2)
    count = 1500
    vectors = clustered(rng, count, 30)
    metadata = [{"owner_id": 1 if i % 10 else 2} for i in range(count)]
    ids = list(range(1, count + 1))
    index = LossyWalk(pgvector_url, embedder_name="e", dimension=DIMENSION, exact_below=0)
    exact = NumpyIndex(embedder_name="e", dimension=DIMENSION)
    try:
        with index.bulk():
            index.add(ids, vectors, metadata)
        exact.add(ids, vectors, metadata)
        for query in clustered(rng, 5, 30):
            got = index.search(query, k=10, filters={"owner_id": 1})
            assert ids_of(got) == ids_of(exact.search(query, k=10, filters={"owner_id": 1}))
        assert index.walks == 5
    finally:
        index.close()


@needs_pgvector
def test_a_shared_engine_stays_open_after_close(pgvector_url: str) -> None:
    with Database(pgvector_url) as db:
        index = PgVectorIndex(db, embedder_name="e", dimension=DIMENSION)
        index.add([1], np.ones((1, DIMENSION)), [{"owner_id": 1}])
        index.close()
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM vec_memories")).scalar() == 1


@needs_pgvector
def test_drop_removes_the_table_and_the_registry_entry(pgvector_url: str) -> None:
    old = PgVectorIndex(pgvector_url, embedder_name="old", dimension=DIMENSION)
    old.add([1], np.ones((1, DIMENSION)), [{"owner_id": 1}])
    old.drop()
    old.close()
    new = PgVectorIndex(pgvector_url, embedder_name="new", dimension=8)
    try:
        assert new.count() == 0
        new.add([1], np.ones((1, 8)), [{"owner_id": 1}])
        assert new.count() == 1
    finally:
        new.close()


@pytest.mark.skipif(POSTGRES_URL is None, reason="PERSONAE_TEST_POSTGRES_URL is not set")
def test_a_server_without_pgvector_is_a_clear_store_error(request: pytest.FixtureRequest) -> None:
    """The machine's PostgreSQL 15 has no pgvector: ensure() says so, it does not crash."""
    database: URL = request.getfixturevalue("_postgres_database")
    engine = create_engine(database)
    try:
        with engine.connect() as connection:
            available = connection.execute(
                text("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'")
            ).scalar()
        if available:
            pytest.skip("this PostgreSQL has pgvector")
        index = PgVectorIndex(engine, embedder_name="e", dimension=DIMENSION)
        with pytest.raises(StoreError, match="no pgvector extension"):
            index.ensure()
    finally:
        engine.dispose()


@pytest.mark.parametrize("database", ["sqlite:///x.db", "mysql://u@h/db"])
def test_anything_but_postgresql_is_refused(database: str) -> None:
    with pytest.raises(StoreError):
        PgVectorIndex(database, embedder_name="e", dimension=DIMENSION)


@pytest.mark.parametrize("options", [{"exact_below": -1}, {"ef_search": 0}, {"ef_search": 5000}])
def test_bad_tuning_is_refused(options: dict[str, int]) -> None:
    from personae.errors import InputError

    with pytest.raises(InputError):
        PgVectorIndex(
            "postgresql+psycopg://u@localhost/db", embedder_name="e", dimension=4, **options
        )
