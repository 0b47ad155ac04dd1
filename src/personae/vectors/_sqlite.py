"""The SQLite index: sqlite-vec's ``vec0`` virtual table, in the store's own database file.

Python's built-in ``sqlite3`` cannot load extensions here; ``pysqlite3`` (its own,
newer SQLite) can. Which engine the index uses:

* given an engine (or a :class:`personae.store.Database`) whose driver can load
  extensions, that engine: one pool, one SQLite library, sqlite-vec loaded into each
  pooled connection on first use;
* otherwise an engine of its own on the same file through ``pysqlite3`` (or the standard
  module where its build allows extensions).

The first is the safe one. Two SQLite libraries in one process that open the same file
do not see each other's POSIX locks, and closing a connection of one releases the
other's locks (sqlite.org/howtocorrupt.html, "Multiple copies of SQLite linked into
the same application"); measured here: disposing of a standard-``sqlite3`` engine
deleted the WAL files under the open ``pysqlite3`` connections. So the store must open
SQLite through ``pysqlite3`` too, and hand its engine over. Two tables per collection:

``vec_<collection>`` (``vec0``)
    ``bucket integer partition key``, ``embedding float[dim] distance_metric=cosine`` and
    the metadata columns ``owner_id``, ``persona_id``, ``session_id`` (``0`` = none). A
    k-nearest-neighbour query names the owner's bucket, so sqlite-vec scans only that
    partition, and filters by the metadata columns while it scans: exact top-k among
    the vectors the filters allow, never another owner's.
``vecmeta_<collection>``
    An ordinary table: ``id``, the three ids, and the extras as JSON, indexed by
    ``(owner_id, persona_id, session_id)``. It answers ``count`` and ``delete`` by filter
    and extras filters without scanning vectors (``vec0`` has no secondary indexes).

Why buckets (``owner_id % buckets``) and not one partition per owner: sqlite-vec
allocates vectors in chunks of 1,024 per partition, about 1.5 MB for 384 dimensions,
so a partition per user would cost 1.5 MB for a user with one memory. With 16 buckets
the waste is bounded and a search reads about ``1/16`` of the table plus the owner's own
vectors. The bucket count is fixed when the collection is created.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from types import ModuleType
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import URL, Connection, Engine, create_engine, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import StaticPool

from personae.errors import InputError, StoreError
from personae.vectors._index import (
    MAX_K,
    Filter,
    Filters,
    Hit,
    Metadata,
    Row,
    check_delete,
    check_filters,
    check_k,
    check_query,
    check_spec_matches,
    cosine_score,
)
from personae.vectors._sql import (
    REGISTRY,
    DatabaseLike,
    EngineIndex,
    dump_extra,
    load_extra,
    resolve_url,
)

__all__ = ["DEFAULT_BUCKETS", "SqliteVecIndex"]

DEFAULT_BUCKETS = 16
"""Partitions of a new SQLite collection (see the module docstring)."""

_NONE = 0  # persona_id / session_id of a vector that has none: vec0 metadata cannot be NULL
_BATCH = 500  # ids per IN (...) list, well under SQLite's variable limit


def _require_sqlite_vec() -> Any:
    try:
        import sqlite_vec
    except ImportError as exc:
        raise StoreError(
            f"vector search on SQLite needs sqlite-vec: pip install sqlite-vec ({exc})"
        ) from exc
    return sqlite_vec


def _load_sqlite_vec(dbapi_connection: Any) -> None:
    """Load sqlite-vec into one DB-API connection."""
    path = _require_sqlite_vec().loadable_path()
    try:
        dbapi_connection.enable_load_extension(True)
        try:
            dbapi_connection.load_extension(path)
        finally:
            dbapi_connection.enable_load_extension(False)
    except Exception as exc:  # the driver's own error class; sqlite3 or pysqlite3
        raise StoreError(f"cannot load sqlite-vec from {path}: {exc}") from exc


def _on_connect(dbapi_connection: Any, connection_record: Any) -> None:
    """Each connection of an index's own engine: sqlite-vec, WAL, and wait when busy."""
    _load_sqlite_vec(dbapi_connection)
    connection_record.info["sqlite_vec"] = True
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA journal_mode=WAL")
    finally:
        cursor.close()


def _prepare(conn: Connection) -> None:
    """Load sqlite-vec into a pooled connection of a shared engine (once per connection)."""
    record = conn.connection
    if not record.info.get("sqlite_vec"):
        _load_sqlite_vec(record.driver_connection)
        record.info["sqlite_vec"] = True


def can_load_extensions(engine: Engine) -> bool:
    """Whether ``engine``'s DB-API connections can load sqlite-vec (``pysqlite3`` can)."""
    connection_class = getattr(engine.dialect.dbapi, "Connection", None)
    return hasattr(connection_class, "enable_load_extension")


def _extension_dbapi() -> ModuleType:
    """A DB-API module whose connections can load extensions.

    ``pysqlite3`` (its ``pysqlite3-binary`` wheels bundle a recent SQLite), else the
    standard ``sqlite3`` when this Python's build allows extensions (many do; the one
    personae is developed on does not).
    """
    try:
        import pysqlite3.dbapi2 as dbapi
    except ImportError:
        import sqlite3

        if hasattr(sqlite3.Connection, "enable_load_extension"):
            return sqlite3
        raise StoreError(
            "vector search on SQLite needs an SQLite that can load extensions, and this "
            "Python's sqlite3 cannot: pip install pysqlite3-binary"
        ) from None
    module: ModuleType = dbapi
    return module


def sqlite_vec_engine(url: URL) -> Engine:
    """An engine on ``url`` that loads sqlite-vec into every connection.

    Raises
    ------
    StoreError
        No SQLite that can load extensions (``pysqlite3``), or ``sqlite-vec`` is missing.
    """
    dbapi = _extension_dbapi()
    _require_sqlite_vec()
    if url.database in (None, "", ":memory:"):
        # One shared connection, or every pooled connection would be a new empty database.
        engine = create_engine(
            url,
            module=dbapi,
            poolclass=StaticPool,
            connect_args={"check_same_thread": False},
        )
    else:
        engine = create_engine(url, module=dbapi)
    event.listen(engine, "connect", _on_connect)
    return engine


class SqliteVecIndex(EngineIndex):
    """Exact cosine search with sqlite-vec, stored in the store's SQLite file.

    Thread-safe: every call takes a pooled connection of its own; writes are one
    transaction each and wait up to 10 s for another writer.

    Parameters
    ----------
    database
        The store's database: a ``sqlite:///`` URL, an engine on it, or a
        :class:`personae.store.Database`. An engine whose driver can load extensions is
        shared; otherwise the index opens the file with an engine of its own
        (``pysqlite3``). An in-memory URL gives a private, throwaway index.
    embedder_name, dimension
        The embedder whose vectors this collection holds.
    collection
        Which collection (``memories``, ``strategies`` …): tables ``vec_<collection>``
        and ``vecmeta_<collection>``.
    buckets
        Partitions of a new collection; an existing one keeps its own.

    Raises
    ------
    StoreError
        ``database`` is not SQLite, or pysqlite3/sqlite-vec are missing.
    """

    def __init__(
        self,
        database: DatabaseLike,
        *,
        embedder_name: str,
        dimension: int,
        collection: str = "memories",
        buckets: int = DEFAULT_BUCKETS,
    ) -> None:
        super().__init__(embedder_name=embedder_name, dimension=dimension, collection=collection)
        if isinstance(buckets, bool) or not isinstance(buckets, int) or not 1 <= buckets <= 4096:
            raise InputError(f"buckets must be an integer from 1 to 4096, not {buckets!r}")
        self._buckets = buckets
        url, engine = resolve_url(database)
        if url.get_backend_name() != "sqlite":
            raise StoreError(f"SqliteVecIndex needs a SQLite database, not {url.drivername}")
        # One SQLite library per process and file: a store engine that can load
        # extensions is shared (see the module docstring), anything else gets our own.
        _require_sqlite_vec()
        self._owns_engine = engine is None or not can_load_extensions(engine)
        self._engine: Engine = (
            engine if engine is not None and not self._owns_engine else sqlite_vec_engine(url)
        )
        self._vec = f"vec_{self.collection}"
        self._meta = f"vecmeta_{self.collection}"

    @property
    def buckets(self) -> int:
        """How many partitions the collection has (read from the database once ensured)."""
        return self._buckets

    # -- schema ----------------------------------------------------------------------------

    def ensure(self) -> None:
        """Create the registry and this collection's tables if missing; check the embedder.

        Raises
        ------
        EmbedderMismatchError
            The collection was filled by another embedder or dimension.
        StoreError
            The database cannot be opened or written.
        """
        with self._ready_lock, self._begin() as conn:
            conn.exec_driver_sql(
                f"CREATE TABLE IF NOT EXISTS {REGISTRY} ("
                "name TEXT PRIMARY KEY, backend TEXT NOT NULL, embedder TEXT NOT NULL, "
                "dimension INTEGER NOT NULL, options TEXT NOT NULL DEFAULT '{}', "
                "created_at TEXT NOT NULL)"
            )
            conn.exec_driver_sql(
                f"INSERT OR IGNORE INTO {REGISTRY} "
                "(name, backend, embedder, dimension, options, created_at) "
                "VALUES (?, 'sqlite-vec', ?, ?, ?, ?)",
                (
                    self.collection,
                    self._name,
                    self._dimension,
                    dump_extra({"buckets": self._buckets}),
                    datetime.now(UTC).isoformat(),
                ),
            )
            stored = conn.exec_driver_sql(
                f"SELECT embedder, dimension, options FROM {REGISTRY} WHERE name = ?",
                (self.collection,),
            ).one()
            check_spec_matches(
                stored_name=stored[0],
                stored_dimension=int(stored[1]),
                embedder_name=self._name,
                dimension=self._dimension,
                where=f"the SQLite collection {self.collection!r}",
            )
            buckets = load_extra(stored[2]).get("buckets")
            if isinstance(buckets, int) and not isinstance(buckets, bool) and buckets >= 1:
                self._buckets = buckets
            conn.exec_driver_sql(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {self._vec} USING vec0("
                "bucket integer partition key, "
                f"embedding float[{self._dimension}] distance_metric=cosine, "
                "owner_id integer, persona_id integer, session_id integer)"
            )
            conn.exec_driver_sql(
                f"CREATE TABLE IF NOT EXISTS {self._meta} ("
                "id INTEGER PRIMARY KEY, owner_id INTEGER NOT NULL, persona_id INTEGER, "
                "session_id INTEGER, extra TEXT NOT NULL DEFAULT '{}')"
            )
            conn.exec_driver_sql(
                f"CREATE INDEX IF NOT EXISTS ix_{self._meta}_owner "
                f"ON {self._meta} (owner_id, persona_id, session_id)"
            )
            self._ready = True

    def drop(self) -> None:
        """Remove this collection's tables and registry entry (to re-embed from scratch)."""
        with self._ready_lock, self._begin() as conn:
            conn.exec_driver_sql(f"DROP TABLE IF EXISTS {self._vec}")
            conn.exec_driver_sql(f"DROP TABLE IF EXISTS {self._meta}")
            conn.exec_driver_sql(f"CREATE TABLE IF NOT EXISTS {REGISTRY} (name TEXT PRIMARY KEY)")
            conn.exec_driver_sql(f"DELETE FROM {REGISTRY} WHERE name = ?", (self.collection,))
            self._ready = False

    # -- writes ----------------------------------------------------------------------------

    def add(
        self,
        ids: Sequence[int],
        vectors: npt.ArrayLike,
        metadata: Sequence[Metadata],
    ) -> None:
        """Store or replace vectors; one transaction for the batch.

        Raises
        ------
        EmbedderMismatchError
            The vectors' dimension is not the index's.
        InputError
            Ids repeat, counts differ, metadata lacks ``owner_id`` or has unusable values,
            or a vector is zero or not finite.
        """
        checked, matrix, rows = self._checked_batch(ids, vectors, metadata)
        if not checked:
            return
        self._ensure_once()
        records = sorted(
            zip(checked, matrix, rows, strict=True),
            key=lambda record: (record[2].owner_id % self._buckets, record[0]),
        )
        with self._begin() as conn:
            conn.exec_driver_sql(
                f"DELETE FROM {self._vec} WHERE rowid = ?", [(i,) for i in checked]
            )
            conn.exec_driver_sql(
                f"INSERT INTO {self._vec} "
                "(rowid, bucket, embedding, owner_id, persona_id, session_id) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (
                        vector_id,
                        row.owner_id % self._buckets,
                        vector.tobytes(),
                        row.owner_id,
                        _NONE if row.persona_id is None else row.persona_id,
                        _NONE if row.session_id is None else row.session_id,
                    )
                    for vector_id, vector, row in records
                ],
            )
            conn.exec_driver_sql(
                f"INSERT OR REPLACE INTO {self._meta} "
                "(id, owner_id, persona_id, session_id, extra) VALUES (?, ?, ?, ?, ?)",
                [
                    (vector_id, row.owner_id, row.persona_id, row.session_id, dump_extra(row.extra))
                    for vector_id, _, row in records
                ],
            )

    def delete(
        self,
        ids: Sequence[int] | None = None,
        *,
        filters: Filters | None = None,
    ) -> int:
        """Remove vectors by id or by (non-empty) filters; returns how many were removed.

        ``delete(filters={"owner_id": user_id})`` removes a user's vectors (GDPR erasure).
        """
        targets = check_delete(ids, filters)
        self._ensure_once()
        with self._begin() as conn:
            if isinstance(targets, Filter):
                where, params = _where(targets)
                # DML first: it takes the write lock, so no row of the owner slips in
                # between finding the ids and deleting them.
                doomed = [
                    int(row[0])
                    for row in conn.exec_driver_sql(
                        f"DELETE FROM {self._meta} WHERE {where} RETURNING id", tuple(params)
                    )
                ]
            else:
                doomed = [
                    int(row[0])
                    for chunk in _chunks(targets)
                    for row in conn.exec_driver_sql(
                        f"DELETE FROM {self._meta} WHERE id IN "
                        f"({', '.join('?' * len(chunk))}) RETURNING id",
                        tuple(chunk),
                    )
                ]
            if doomed:
                conn.exec_driver_sql(
                    f"DELETE FROM {self._vec} WHERE rowid = ?", [(i,) for i in doomed]
                )
            return len(doomed)

    # -- reads -----------------------------------------------------------------------------

    def count(self, filters: Filters | None = None) -> int:
        wanted = check_filters(filters)
        self._ensure_once()
        where, params = _where(wanted)
        with self._connect() as conn:
            return int(
                conn.exec_driver_sql(
                    f"SELECT count(*) FROM {self._meta} WHERE {where}", tuple(params)
                ).scalar_one()
            )

    def search(
        self,
        vector: npt.ArrayLike,
        k: int = 10,
        filters: Filters | None = None,
    ) -> list[Hit]:
        """The exact top ``k`` by cosine similarity among vectors matching ``filters``.

        Extras filters are checked on the metadata table: the search asks sqlite-vec for
        more neighbours until ``k`` of them match (or all candidates were seen), and
        scores the matching rows directly when that would pass sqlite-vec's limit.
        """
        query = check_query(vector, dimension=self._dimension, embedder_name=self._name)
        k = check_k(k)
        wanted = check_filters(filters)
        self._ensure_once()
        with self._connect() as conn:
            if wanted.extra:
                found = self._search_extra(conn, query, k, wanted)
            else:
                found = self._rows_for(conn, self._knn(conn, query, k, wanted))
        found.sort(key=lambda item: (item[1], item[0]))
        return [
            Hit(id=vector_id, score=cosine_score(distance), metadata=row.as_metadata())
            for vector_id, distance, row in found[:k]
        ]

    # -- internals -------------------------------------------------------------------------

    def _knn(
        self, conn: Connection, query: npt.NDArray[np.float32], k: int, wanted: Filter
    ) -> list[tuple[int, float]]:
        clauses = ["embedding MATCH ?", "k = ?"]
        params: list[object] = [query.tobytes(), k]
        if wanted.owner_id is not None:
            clauses.append("bucket = ?")
            params.append(wanted.owner_id % self._buckets)
        for name, value in wanted.columns().items():
            clauses.append(f"{name} = ?")
            params.append(value)
        result = conn.exec_driver_sql(
            f"SELECT rowid, distance FROM {self._vec} WHERE {' AND '.join(clauses)}",
            tuple(params),
        )
        return [(int(vector_id), float(distance)) for vector_id, distance in result]

    def _rows_for(
        self, conn: Connection, pairs: Sequence[tuple[int, float]]
    ) -> list[tuple[int, float, Row]]:
        """Attach metadata; a vector deleted between the two reads is dropped."""
        rows: dict[int, Row] = {}
        for chunk in _chunks([vector_id for vector_id, _ in pairs]):
            result = conn.exec_driver_sql(
                f"SELECT id, owner_id, persona_id, session_id, extra FROM {self._meta} "
                f"WHERE id IN ({', '.join('?' * len(chunk))})",
                tuple(chunk),
            )
            for vector_id, owner, persona, session, extra in result:
                rows[int(vector_id)] = Row(
                    owner_id=int(owner),
                    persona_id=None if persona is None else int(persona),
                    session_id=None if session is None else int(session),
                    extra=load_extra(extra),
                )
        return [
            (vector_id, distance, rows[vector_id])
            for vector_id, distance in pairs
            if vector_id in rows
        ]

    def _search_extra(
        self, conn: Connection, query: npt.NDArray[np.float32], k: int, wanted: Filter
    ) -> list[tuple[int, float, Row]]:
        native = Filter(
            owner_id=wanted.owner_id, persona_id=wanted.persona_id, session_id=wanted.session_id
        )
        where, params = _where(native)
        candidates = int(
            conn.exec_driver_sql(
                f"SELECT count(*) FROM {self._meta} WHERE {where}", tuple(params)
            ).scalar_one()
        )
        where, params = _where(wanted)
        matching = int(
            conn.exec_driver_sql(
                f"SELECT count(*) FROM {self._meta} WHERE {where}", tuple(params)
            ).scalar_one()
        )
        if matching == 0:
            return []
        # Expect k matches among k * candidates / matching neighbours; ask for twice that.
        ask = min(candidates, MAX_K, max(2 * k, math.ceil(2 * k * candidates / matching)))
        while True:
            found = [
                item
                for item in self._rows_for(conn, self._knn(conn, query, ask, native))
                if wanted.matches_extra(item[2].extra)
            ]
            if len(found) >= k or ask >= candidates:
                return found
            if ask >= MAX_K:
                break
            ask = min(candidates, MAX_K, ask * 4)
        # Rare: few matches spread over a partition larger than sqlite-vec's k limit.
        ids = [
            int(row[0])
            for row in conn.exec_driver_sql(
                f"SELECT id FROM {self._meta} WHERE {where}", tuple(params)
            )
        ]
        scored: list[tuple[int, float]] = []
        for chunk in _chunks(ids):
            result = conn.exec_driver_sql(
                f"SELECT rowid, vec_distance_cosine(embedding, ?) FROM {self._vec} "
                f"WHERE rowid IN ({', '.join('?' * len(chunk))})",
                (query.tobytes(), *chunk),
            )
            scored.extend((int(vector_id), float(distance)) for vector_id, distance in result)
        scored.sort(key=lambda pair: (pair[1], pair[0]))
        return self._rows_for(conn, scored[:k])

    def _ensure_once(self) -> None:
        if not self._ready:
            self.ensure()

    @contextmanager
    def _begin(self) -> Iterator[Connection]:
        try:
            with self._engine.begin() as conn:
                _prepare(conn)
                yield conn
        except OperationalError as exc:
            raise StoreError(f"vector index {self.collection!r}: {exc.orig or exc}") from exc

    @contextmanager
    def _connect(self) -> Iterator[Connection]:
        try:
            with self._engine.connect() as conn:
                _prepare(conn)
                yield conn
        except OperationalError as exc:
            raise StoreError(f"vector index {self.collection!r}: {exc.orig or exc}") from exc


def _where(wanted: Filter) -> tuple[str, list[object]]:
    """A WHERE clause on the metadata table; extras compare type-strictly through JSON."""
    clauses: list[str] = []
    params: list[object] = []
    for name, number in wanted.columns().items():
        clauses.append(f"{name} = ?")
        params.append(number)
    for key, value in wanted.extra.items():
        path = f'$."{key}"'
        if isinstance(value, bool):
            clauses.append("json_type(extra, ?) = ?")
            params.extend([path, "true" if value else "false"])
        else:
            kind = "text" if isinstance(value, str) else "integer"
            clauses.append("(json_type(extra, ?) = ? AND json_extract(extra, ?) = ?)")
            params.extend([path, kind, path, value])
    return (" AND ".join(clauses) or "1 = 1"), params


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), _BATCH):
        yield ids[start : start + _BATCH]
