"""sqlite-vec specifics: the store's own file, buckets, the extras fallback, refusals."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import create_engine, inspect

from personae.errors import StoreError
from personae.store import Database, UserCreate, crud, session_scope
from personae.vectors import MAX_K, NumpyIndex, SqliteVecIndex, build_index, erase_owner
from tests.vectors.conftest import DIMENSION
from tests.vectors.test_index import ids_of, unit


class _Spec:
    """Just enough of an Embedder for build_index, which reads only these two."""

    name = "test-embedder"
    dimension = DIMENSION

    def embed(self, texts: Any) -> Any:
        raise AssertionError("build_index never embeds")


def test_vectors_live_in_the_stores_own_file_beside_its_tables(sqlite_url: str) -> None:
    with Database(sqlite_url) as db:
        db.upgrade()
        revision = db.current_revision()
        with session_scope(db) as session:
            user = crud.create_user(
                session=session, data=UserCreate(email="a@example.org", password_hash="h")
            )
        index = build_index(db, _Spec())
        try:
            index.add([1], np.ones((1, DIMENSION)), [{"owner_id": user.id}])
            assert ids_of(index.search(np.ones(DIMENSION), k=1)) == [1]
        finally:
            index.close()
        # The store's engine (stdlib sqlite3) still reads its tables and its revision.
        assert db.current_revision() == revision
        with session_scope(db) as session:
            assert crud.get_user(session=session, user_id=user.id).email == "a@example.org"
        tables = set(inspect(db.engine).get_table_names())
    assert {"users", "vector_collections", "vec_memories", "vecmeta_memories"} <= tables


def test_the_bucket_count_is_fixed_when_the_collection_is_created(sqlite_url: str) -> None:
    first = SqliteVecIndex(sqlite_url, embedder_name="e", dimension=DIMENSION, buckets=4)
    first.ensure()
    vectors = unit(np.random.default_rng(1), 12)
    first.add(list(range(1, 13)), vectors, [{"owner_id": owner} for owner in range(1, 13)])
    first.close()
    again = SqliteVecIndex(sqlite_url, embedder_name="e", dimension=DIMENSION, buckets=16)
    try:
        again.ensure()
        assert again.buckets == 4
        for owner in range(1, 13):
            (hit,) = again.search(vectors[0], k=5, filters={"owner_id": owner})
            assert hit.id == owner
    finally:
        again.close()


def test_rare_extras_in_a_partition_beyond_the_knn_limit(sqlite_url: str) -> None:
    """Three matches among more vectors than one sqlite-vec query may return, all far
    from the query: found by scoring the matching rows directly, like the exact index."""
    rng = np.random.default_rng(2)
    count = MAX_K + 500
    vectors = unit(rng, count)
    query = vectors[0]
    far = np.argsort(vectors @ query)[:3]  # the three least similar vectors
    metadata: list[dict[str, Any]] = [{"owner_id": 1} for _ in range(count)]
    for position in far:
        metadata[int(position)]["kind"] = "rare"
    ids = list(range(1, count + 1))
    index = SqliteVecIndex(sqlite_url, embedder_name="e", dimension=DIMENSION)
    exact = NumpyIndex(embedder_name="e", dimension=DIMENSION)
    try:
        index.add(ids, vectors, metadata)
        exact.add(ids, vectors, metadata)
        for filters in ({"owner_id": 1, "kind": "rare"}, {"kind": "rare"}):
            got = index.search(query, k=10, filters=filters)
            assert ids_of(got) == ids_of(exact.search(query, k=10, filters=filters))
            assert sorted(ids_of(got)) == sorted(int(p) + 1 for p in far)
    finally:
        index.close()


def test_an_in_memory_url_gives_a_private_working_index() -> None:
    index = SqliteVecIndex("sqlite://", embedder_name="e", dimension=DIMENSION)
    try:
        index.add([1, 2], unit(np.random.default_rng(3), 2), [{"owner_id": 1}] * 2)
        assert index.count({"owner_id": 1}) == 2
    finally:
        index.close()


def test_an_engine_or_a_database_names_the_file(sqlite_url: str) -> None:
    engine = create_engine(sqlite_url)
    try:
        from_engine = SqliteVecIndex(engine, embedder_name="e", dimension=DIMENSION)
        from_engine.add([3], np.ones((1, DIMENSION)), [{"owner_id": 1}])
        from_engine.close()
        from_url = SqliteVecIndex(sqlite_url, embedder_name="e", dimension=DIMENSION)
        assert from_url.count() == 1
        from_url.close()
    finally:
        engine.dispose()


def test_drop_lets_a_collection_be_refilled_by_another_embedder(sqlite_url: str) -> None:
    old = SqliteVecIndex(sqlite_url, embedder_name="old", dimension=DIMENSION)
    old.add([1], np.ones((1, DIMENSION)), [{"owner_id": 1}])
    old.drop()
    old.close()
    new = SqliteVecIndex(sqlite_url, embedder_name="new", dimension=8)
    try:
        new.ensure()
        assert new.count() == 0
        new.add([1], np.ones((1, 8)), [{"owner_id": 1}])
        assert new.count() == 1
    finally:
        new.close()


@pytest.mark.parametrize(
    "database", ["postgresql+psycopg://u@localhost/db", "not a url at all", 42]
)
def test_anything_but_sqlite_is_refused(database: Any) -> None:
    with pytest.raises(StoreError):
        SqliteVecIndex(database, embedder_name="e", dimension=DIMENSION)


def test_an_unwritable_location_is_a_store_error(tmp_path: Path) -> None:
    index = SqliteVecIndex(
        f"sqlite:///{tmp_path / 'missing' / 'dir' / 'x.db'}", embedder_name="e", dimension=4
    )
    try:
        with pytest.raises(StoreError):
            index.ensure()
    finally:
        index.close()


def test_without_an_extension_capable_sqlite_the_error_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """This Python's own sqlite3 cannot load extensions; hide pysqlite3 and it is a clear
    StoreError naming the package, not an AttributeError deep in a connect hook."""
    import sqlite3

    if hasattr(sqlite3.Connection, "enable_load_extension"):
        pytest.skip("this Python's sqlite3 can load extensions")
    monkeypatch.setitem(sys.modules, "pysqlite3.dbapi2", None)
    monkeypatch.setitem(sys.modules, "pysqlite3", None)
    with pytest.raises(StoreError, match="pysqlite3-binary"):
        SqliteVecIndex("sqlite://", embedder_name="e", dimension=DIMENSION)


def test_deleting_thousands_of_ids_at_once(sqlite_url: str) -> None:
    count = 2_500
    index = SqliteVecIndex(sqlite_url, embedder_name="e", dimension=DIMENSION)
    try:
        index.add(
            list(range(1, count + 1)),
            unit(np.random.default_rng(4), count),
            [{"owner_id": 1 + i % 3} for i in range(count)],
        )
        assert index.delete([*range(1, count + 1, 2), 10**12]) == 1_250
        assert index.count() == 1_250
        assert index.count({"owner_id": 1}) == sum(1 for i in range(1, count, 2) if i % 3 == 0)
    finally:
        index.close()


def test_a_store_engine_that_can_load_extensions_is_shared(sqlite_url: str) -> None:
    """The safe set-up: the store opens SQLite through pysqlite3 and hands its engine
    over, so one SQLite library (and one pool) serves the process."""
    pysqlite3 = pytest.importorskip("pysqlite3.dbapi2")
    engine = create_engine(sqlite_url, module=pysqlite3)
    try:
        first = SqliteVecIndex(engine, embedder_name="e", dimension=DIMENSION)
        first.add([1, 2], unit(np.random.default_rng(5), 2), [{"owner_id": 1}] * 2)
        first.close()  # the engine is the caller's: it stays open
        with engine.connect() as connection:
            rows = connection.exec_driver_sql("SELECT count(*) FROM vecmeta_memories")
            assert rows.scalar() == 2
        again = SqliteVecIndex(engine, embedder_name="e", dimension=DIMENSION)
        assert again.count({"owner_id": 1}) == 2
        assert erase_owner(engine, 1) == 2
        assert again.count() == 0
    finally:
        engine.dispose()


def test_erase_owner_leaves_the_open_indexes_working(sqlite_url: str) -> None:
    """erase_owner reads the registry through pysqlite3: a standard-sqlite3 connection
    closing in this process would delete the WAL files under the index's connections."""
    index = SqliteVecIndex(sqlite_url, embedder_name="e", dimension=DIMENSION)
    try:
        index.add([1, 2], unit(np.random.default_rng(6), 2), [{"owner_id": 1}, {"owner_id": 2}])
        wal = Path(sqlite_url.removeprefix("sqlite:///") + "-wal")
        assert wal.exists()
        assert erase_owner(sqlite_url, 1) == 1
        assert wal.exists()
        index.add([3], unit(np.random.default_rng(7), 1), [{"owner_id": 2}])
        assert index.count() == 2
    finally:
        index.close()
