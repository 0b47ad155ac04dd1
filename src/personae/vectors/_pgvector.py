"""The PostgreSQL index: a pgvector table with an HNSW index, in the store's database.

One table per collection, ``vec_<collection>`` (``id``, ``owner_id``, ``persona_id``,
``session_id``, ``extra jsonb``, ``embedding vector(dim)``), a btree on the three ids and
an HNSW index with ``vector_cosine_ops``.

How a search runs. Filters always go into the SQL ``WHERE``, so a vector the filters
exclude is never returned, whatever plan PostgreSQL picks. What differs is the cost and
the recall, and the planner's statistics (``EXPLAIN``, no rows read) decide:

* **exact** — the btree finds the matching rows, their distances are computed and
  sorted. Recall 1. Chosen when the filters are expected to match at most
  ``exact_below`` rows, or when an HNSW walk would cost more (below).
* **HNSW** — pgvector before 0.8 filters *after* the walk, so to see about ``4k``
  matching candidates the walk must visit ``4k / share`` of them (``share`` = expected
  matches / rows), up to pgvector's 1,000. It is chosen when that costs less than
  scoring the matching rows (one walked candidate ≈ ``_HNSW_COST`` scored rows): large
  owners and unfiltered searches, not small owners among many. If the walk still yields
  fewer than ``k`` rows, the search is redone exactly. On pgvector 0.8 and later
  ``hnsw.iterative_scan`` is turned on as well.

The cost of the exact plan grows with the matching rows (scattered over the heap), the
walk's with ``1 / share``; ``benchmarks/vector_bench.py`` measures both.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import numpy.typing as npt
from sqlalchemy import Connection, Engine, create_engine
from sqlalchemy.exc import DBAPIError, OperationalError

from personae.errors import InputError, StoreError
from personae.vectors._index import (
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

__all__ = ["DEFAULT_EXACT_BELOW", "PgVectorIndex"]

DEFAULT_EXACT_BELOW = 2_000
"""Searches the planner expects to match at most this many vectors are always exact."""

_HNSW_MAX_DIMENSION = 2000  # pgvector's HNSW limit for the vector type
_MAX_EF = 1000  # pgvector's upper bound for hnsw.ef_search
# What one candidate of an HNSW walk costs, in rows scored by the exact plan. Measured on
# the benchmark's 100k vectors: ef_search=400 took 18 ms, scoring one owner's 10k rows
# (scattered over the table) 41 ms: 45 µs against 4.1 µs.
_HNSW_COST = 10
_LOCK_KEY = 0x7065_7273_6F6E_6165  # "personae": serialises concurrent ensure() calls


class PgVectorIndex(EngineIndex):
    """Cosine search with pgvector: HNSW for large candidate sets, exact for small ones.

    Thread-safe: every call takes a pooled connection of its own and is one transaction.

    Parameters
    ----------
    database
        The store's PostgreSQL database: a ``postgresql+psycopg://`` URL (the index
        opens and owns an engine), or an engine or :class:`personae.store.Database`
        (shared; ``close`` leaves it open).
    embedder_name, dimension
        The embedder whose vectors this collection holds.
    collection
        Which collection: table ``vec_<collection>``.
    exact_below
        Searches expected to match at most this many vectors are always exact.
    ef_search
        The smallest ``hnsw.ef_search`` of an HNSW walk (pgvector's default is 40).

    Raises
    ------
    StoreError
        ``database`` is not PostgreSQL.
    """

    def __init__(
        self,
        database: DatabaseLike,
        *,
        embedder_name: str,
        dimension: int,
        collection: str = "memories",
        exact_below: int = DEFAULT_EXACT_BELOW,
        ef_search: int = 100,
    ) -> None:
        super().__init__(embedder_name=embedder_name, dimension=dimension, collection=collection)
        if isinstance(exact_below, bool) or not isinstance(exact_below, int) or exact_below < 0:
            raise InputError(f"exact_below must be a non-negative integer, not {exact_below!r}")
        if isinstance(ef_search, bool) or not isinstance(ef_search, int):
            raise InputError(f"ef_search must be an integer, not {ef_search!r}")
        if not 1 <= ef_search <= _MAX_EF:
            raise InputError(f"ef_search must be from 1 to {_MAX_EF}, not {ef_search}")
        self.exact_below = exact_below
        self.ef_search = ef_search
        url, engine = resolve_url(database)
        if url.get_backend_name() != "postgresql":
            raise StoreError(f"PgVectorIndex needs a PostgreSQL database, not {url.drivername}")
        self._owns_engine = engine is None
        self._engine: Engine = engine if engine is not None else create_engine(url)
        self._table = f"vec_{self.collection}"
        self._hnsw = dimension <= _HNSW_MAX_DIMENSION
        self._iterative = False

    # -- schema ----------------------------------------------------------------------------

    def ensure(self) -> None:
        """Create the extension, the registry and this collection's table and indexes.

        Raises
        ------
        EmbedderMismatchError
            The collection was filled by another embedder or dimension.
        StoreError
            The server has no pgvector, the role may not create it, or the database
            cannot be reached.
        """
        with self._ready_lock, self._begin() as conn:
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(%(key)s)", {"key": _LOCK_KEY})
            version = self._extension(conn)
            self._iterative = _version(version) >= (0, 8)
            conn.exec_driver_sql(
                f"CREATE TABLE IF NOT EXISTS {REGISTRY} ("
                "name TEXT PRIMARY KEY, backend TEXT NOT NULL, embedder TEXT NOT NULL, "
                "dimension INTEGER NOT NULL, options TEXT NOT NULL DEFAULT '{}', "
                "created_at TIMESTAMPTZ NOT NULL DEFAULT now())"
            )
            conn.exec_driver_sql(
                f"INSERT INTO {REGISTRY} (name, backend, embedder, dimension) "
                "VALUES (%(name)s, 'pgvector', %(embedder)s, %(dimension)s) "
                "ON CONFLICT (name) DO NOTHING",
                {"name": self.collection, "embedder": self._name, "dimension": self._dimension},
            )
            stored = conn.exec_driver_sql(
                f"SELECT embedder, dimension FROM {REGISTRY} WHERE name = %(name)s",
                {"name": self.collection},
            ).one()
            check_spec_matches(
                stored_name=stored[0],
                stored_dimension=int(stored[1]),
                embedder_name=self._name,
                dimension=self._dimension,
                where=f"the PostgreSQL collection {self.collection!r}",
            )
            conn.exec_driver_sql(
                f"CREATE TABLE IF NOT EXISTS {self._table} ("
                "id BIGINT PRIMARY KEY, owner_id BIGINT NOT NULL, persona_id BIGINT, "
                "session_id BIGINT, extra JSONB NOT NULL DEFAULT '{}'::jsonb, "
                f"embedding vector({self._dimension}) NOT NULL)"
            )
            conn.exec_driver_sql(
                f"CREATE INDEX IF NOT EXISTS ix_{self._table}_owner "
                f"ON {self._table} (owner_id, persona_id, session_id)"
            )
            if self._hnsw:
                conn.exec_driver_sql(
                    f"CREATE INDEX IF NOT EXISTS ix_{self._table}_hnsw "
                    f"ON {self._table} USING hnsw (embedding vector_cosine_ops)"
                )
            self._ready = True

    def drop(self) -> None:
        """Remove this collection's table and registry entry (to re-embed from scratch)."""
        with self._ready_lock, self._begin() as conn:
            conn.exec_driver_sql(f"DROP TABLE IF EXISTS {self._table}")
            exists = conn.exec_driver_sql(
                "SELECT to_regclass(%(name)s) IS NOT NULL", {"name": REGISTRY}
            ).scalar_one()
            if exists:
                conn.exec_driver_sql(
                    f"DELETE FROM {REGISTRY} WHERE name = %(name)s", {"name": self.collection}
                )
            self._ready = False

    @contextmanager
    def bulk(self, *, build_memory: str = "512MB") -> Iterator[PgVectorIndex]:
        """Load many vectors fast: no HNSW upkeep while loading, one build at the end.

        pgvector builds an HNSW index from loaded rows several times faster than it
        inserts them one by one (its documentation recommends indexing after the initial
        load). Use it to fill or re-embed a collection; searches meanwhile stay correct
        and take the exact path.

        >>> with index.bulk():  # doctest: +SKIP
        ...     for ids, vectors, metadata in batches:
        ...         index.add(ids, vectors, metadata)
        """
        if not re.fullmatch(r"[0-9]{1,6}[kMG]B", build_memory):
            raise InputError(f"build_memory must look like 512MB, not {build_memory!r}")
        self._ensure_once()
        with self._begin() as conn:
            conn.exec_driver_sql(f"DROP INDEX IF EXISTS ix_{self._table}_hnsw")
        try:
            yield self
        finally:
            if self._hnsw:
                with self._begin() as conn:
                    conn.exec_driver_sql(f"SET LOCAL maintenance_work_mem = '{build_memory}'")
                    conn.exec_driver_sql(
                        f"CREATE INDEX IF NOT EXISTS ix_{self._table}_hnsw "
                        f"ON {self._table} USING hnsw (embedding vector_cosine_ops)"
                    )
                    conn.exec_driver_sql(f"ANALYZE {self._table}")

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
        with self._begin() as conn:
            _register(conn)
            conn.exec_driver_sql(
                f"INSERT INTO {self._table} "
                "(id, owner_id, persona_id, session_id, extra, embedding) VALUES "
                "(%(id)s, %(owner_id)s, %(persona_id)s, %(session_id)s, %(extra)s::jsonb, "
                "%(embedding)s) ON CONFLICT (id) DO UPDATE SET owner_id = EXCLUDED.owner_id, "
                "persona_id = EXCLUDED.persona_id, session_id = EXCLUDED.session_id, "
                "extra = EXCLUDED.extra, embedding = EXCLUDED.embedding",
                [
                    {
                        "id": vector_id,
                        "owner_id": row.owner_id,
                        "persona_id": row.persona_id,
                        "session_id": row.session_id,
                        "extra": dump_extra(row.extra),
                        "embedding": vector,
                    }
                    for vector_id, vector, row in zip(checked, matrix, rows, strict=True)
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
        if isinstance(targets, Filter):
            where, params = _where(targets)
        else:
            where, params = "id = ANY(%(ids)s)", {"ids": targets}
        with self._begin() as conn:
            result = conn.exec_driver_sql(f"DELETE FROM {self._table} WHERE {where}", params)
            return int(result.rowcount)

    # -- reads -----------------------------------------------------------------------------

    def count(self, filters: Filters | None = None) -> int:
        wanted = check_filters(filters)
        self._ensure_once()
        where, params = _where(wanted)
        with self._begin() as conn:
            return int(
                conn.exec_driver_sql(
                    f"SELECT count(*) FROM {self._table} WHERE {where}", params
                ).scalar_one()
            )

    def search(
        self,
        vector: npt.ArrayLike,
        k: int = 10,
        filters: Filters | None = None,
    ) -> list[Hit]:
        """The top ``k`` by cosine similarity among vectors matching ``filters``.

        Exact, or HNSW when the planner expects many matches (see the module docstring);
        an HNSW walk that yields fewer than ``k`` rows is redone exactly.
        """
        query = check_query(vector, dimension=self._dimension, embedder_name=self._name)
        k = check_k(k)
        wanted = check_filters(filters)
        self._ensure_once()
        where, params = _where(wanted)
        params = {**params, "q": query, "k": k}
        with self._begin() as conn:
            _register(conn)
            ef = self._hnsw_effort(conn, where, params, k) if self._hnsw else None
            if ef is not None:
                rows = self._approximate(conn, where, params, ef)
                if len(rows) < k:  # the walk lost candidates to the filters, or all is all
                    conn.exec_driver_sql("SET LOCAL enable_sort = on")
                    rows = self._exact(conn, where, params)
            else:
                rows = self._exact(conn, where, params)
        found = sorted(
            ((int(r[0]), float(r[5]), _row(r)) for r in rows), key=lambda x: (x[1], x[0])
        )
        return [
            Hit(id=vector_id, score=cosine_score(distance), metadata=row.as_metadata())
            for vector_id, distance, row in found[:k]
        ]

    # -- internals -------------------------------------------------------------------------

    def _exact(self, conn: Connection, where: str, params: Mapping[str, Any]) -> list[Any]:
        """Every matching row's distance, sorted; a materialised CTE keeps HNSW out."""
        return list(
            conn.exec_driver_sql(
                f"WITH scored AS MATERIALIZED (SELECT id, embedding <=> %(q)s AS distance "
                f"FROM {self._table} WHERE {where}), "
                "best AS (SELECT id, distance FROM scored ORDER BY distance, id LIMIT %(k)s) "
                "SELECT v.id, v.owner_id, v.persona_id, v.session_id, v.extra, best.distance "
                f"FROM best JOIN {self._table} AS v ON v.id = best.id",
                params,
            )
        )

    def _hnsw_effort(
        self, conn: Connection, where: str, params: Mapping[str, Any], k: int
    ) -> int | None:
        """The ``hnsw.ef_search`` worth walking the index with, or ``None`` for exact.

        From the planner's statistics (no rows are read): ``matching`` rows expected out
        of ``total``. A walk must visit about ``4k * total / matching`` candidates for
        ``4k`` of them to pass the filters; it pays when that effort, at
        ``_HNSW_COST`` exact distances per candidate, is below scoring the matching rows.
        """
        plan = conn.exec_driver_sql(
            f"EXPLAIN (FORMAT JSON) SELECT 1 FROM {self._table} WHERE {where}", params
        ).scalar_one()
        matching = max(1.0, float(plan[0]["Plan"]["Plan Rows"]))
        total = conn.exec_driver_sql(
            "SELECT GREATEST(reltuples, 1) FROM pg_class WHERE oid = %(table)s::regclass",
            {"table": self._table},
        ).scalar_one()
        needed = math.ceil(4 * k * max(float(total), matching) / matching)
        if matching <= self.exact_below or needed > _MAX_EF or needed * _HNSW_COST >= matching:
            return None
        return max(self.ef_search, needed)

    def _approximate(
        self, conn: Connection, where: str, params: Mapping[str, Any], ef: int
    ) -> list[Any]:
        conn.exec_driver_sql(f"SET LOCAL hnsw.ef_search = {int(ef)}")
        # Sorting is what the exact plan does; forbidding it leaves the HNSW walk.
        conn.exec_driver_sql("SET LOCAL enable_sort = off")
        if self._iterative:
            conn.exec_driver_sql("SET LOCAL hnsw.iterative_scan = strict_order")
        return list(
            conn.exec_driver_sql(
                "SELECT id, owner_id, persona_id, session_id, extra, embedding <=> %(q)s "
                f"FROM {self._table} WHERE {where} ORDER BY embedding <=> %(q)s LIMIT %(k)s",
                params,
            )
        )

    def _extension(self, conn: Connection) -> str:
        installed = conn.exec_driver_sql(
            "SELECT extversion FROM pg_extension WHERE extname = 'vector'"
        ).scalar_one_or_none()
        if installed is not None:
            return str(installed)
        available = conn.exec_driver_sql(
            "SELECT 1 FROM pg_available_extensions WHERE name = 'vector'"
        ).scalar_one_or_none()
        if available is None:
            raise StoreError(
                "this PostgreSQL server has no pgvector extension; install pgvector "
                "(https://github.com/pgvector/pgvector) or use SQLite"
            )
        try:
            with conn.begin_nested():
                conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS vector")
        except DBAPIError as exc:
            raise StoreError(
                "cannot create the pgvector extension (a superuser must run "
                f"CREATE EXTENSION vector in this database): {exc.orig or exc}"
            ) from exc
        return str(
            conn.exec_driver_sql(
                "SELECT extversion FROM pg_extension WHERE extname = 'vector'"
            ).scalar_one()
        )

    def _ensure_once(self) -> None:
        if not self._ready:
            self.ensure()

    @contextmanager
    def _begin(self) -> Iterator[Connection]:
        try:
            with self._engine.begin() as conn:
                yield conn
        except OperationalError as exc:
            raise StoreError(f"vector index {self.collection!r}: {exc.orig or exc}") from exc


def _register(conn: Connection) -> None:
    """Teach this pooled psycopg connection the ``vector`` type (once per connection)."""
    record = conn.connection
    if record.info.get("pgvector"):
        return
    from pgvector.psycopg import register_vector

    register_vector(record.driver_connection)  # type: ignore[arg-type]
    record.info["pgvector"] = True


def _where(wanted: Filter) -> tuple[str, dict[str, Any]]:
    """A WHERE clause; extras through JSONB containment, which compares type-strictly."""
    clauses = [f"{name} = %({name})s" for name in wanted.columns()]
    params: dict[str, Any] = dict(wanted.columns())
    if wanted.extra:
        clauses.append("extra @> %(extra)s::jsonb")
        params["extra"] = json.dumps(wanted.extra)
    return (" AND ".join(clauses) or "TRUE"), params


def _row(record: Any) -> Row:
    return Row(
        owner_id=int(record[1]),
        persona_id=None if record[2] is None else int(record[2]),
        session_id=None if record[3] is None else int(record[3]),
        extra=load_extra(record[4]),
    )


def _version(text: str) -> tuple[int, ...]:
    parts: list[int] = []
    for part in text.split("."):
        digits = "".join(ch for ch in part if ch.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts)
