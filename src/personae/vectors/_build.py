"""Choose the embedder from the settings, and the index from the database's dialect."""

from __future__ import annotations

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import OperationalError

from personae.config import Settings, get_settings
from personae.errors import EmbeddingError, PersonaeError, StoreError
from personae.vectors._embedder import Embedder
from personae.vectors._index import VectorIndex, check_filters
from personae.vectors._sql import REGISTRY, DatabaseLike, resolve_url

__all__ = ["build_embedder", "build_index", "erase_owner"]


def build_embedder(settings: Settings | None = None) -> Embedder:
    """The embedder ``PERSONAE_EMBEDDER`` names.

    ``local`` (default): all-MiniLM-L6-v2, bundled and offline, or the sentence-transformers
    folder in ``embedding_model``. ``openai``: the model ``embedding_model`` at
    ``embedding_base_url`` (OpenAI's own when unset) with ``embedding_api_key``.

    Building is cheap: the local model loads on the first ``embed``, and the remote
    endpoint is first contacted then too.

    Raises
    ------
    EmbeddingError
        ``openai`` without ``embedding_model``, or a package the choice needs is missing.

    Examples
    --------
    >>> from personae.config import Settings
    >>> build_embedder(Settings(embedder="local")).name  # doctest: +SKIP
    'sentence-transformers/all-MiniLM-L6-v2'
    """
    settings = settings if settings is not None else get_settings()
    if settings.embedder == "openai":
        from personae.vectors._openai import OpenAIEmbedder

        if settings.embedding_model is None:
            raise EmbeddingError(
                "PERSONAE_EMBEDDER=openai needs PERSONAE_EMBEDDING_MODEL, e.g. "
                "text-embedding-3-small"
            )
        key = settings.embedding_api_key
        return OpenAIEmbedder(
            settings.embedding_model,
            base_url=settings.embedding_base_url,
            api_key=key.get_secret_value() if key is not None else None,
        )
    from personae.vectors._local import LocalEmbedder

    return LocalEmbedder(settings.embedding_model)


def build_index(
    database: DatabaseLike,
    embedder: Embedder,
    *,
    collection: str = "memories",
    ensure: bool = True,
) -> VectorIndex:
    """The vector index for the store's database: sqlite-vec on SQLite, pgvector on PostgreSQL.

    Parameters
    ----------
    database
        The store's database: a URL, an engine or a :class:`personae.store.Database`.
    embedder
        Only its ``name`` and ``dimension`` are used: the index refuses vectors of any
        other embedder.
    collection
        ``memories``, ``strategies`` …: each collection has tables of its own.
    ensure
        Create the tables (and on PostgreSQL the ``vector`` extension) now, and check
        that the collection was filled by this embedder. Otherwise the first call does.

    Raises
    ------
    StoreError
        The database is neither SQLite nor PostgreSQL, its vector extension is missing,
        or it cannot be reached.
    EmbedderMismatchError
        The collection holds vectors of another embedder or dimension.

    Examples
    --------
    >>> from personae.store import Database
    >>> db = Database()  # doctest: +SKIP
    >>> index = build_index(db, build_embedder())  # doctest: +SKIP
    >>> index.search(query_vector, k=5, filters={"owner_id": user.id})  # doctest: +SKIP
    """
    url, _ = resolve_url(database)
    backend = url.get_backend_name()
    index: VectorIndex
    if backend == "sqlite":
        from personae.vectors._sqlite import SqliteVecIndex

        index = SqliteVecIndex(
            database,
            embedder_name=embedder.name,
            dimension=embedder.dimension,
            collection=collection,
        )
    elif backend == "postgresql":
        from personae.vectors._pgvector import PgVectorIndex

        index = PgVectorIndex(
            database,
            embedder_name=embedder.name,
            dimension=embedder.dimension,
            collection=collection,
        )
    else:
        raise StoreError(f"no vector index for {backend} databases; use SQLite or PostgreSQL")
    if ensure:
        try:
            index.ensure()
        except PersonaeError:
            index.close()
            raise
    return index


def erase_owner(database: DatabaseLike, owner_id: int) -> int:
    """Delete every vector of one owner from every collection of ``database``.

    The GDPR path: call it when a user is erased, after the store's delete commits. It
    needs no embedder (it reads each collection's embedder from the registry), so
    erasure works even after ``PERSONAE_EMBEDDER`` changed.

    Returns
    -------
    int
        How many vectors were removed, all collections together.

    Raises
    ------
    InputError
        ``owner_id`` is not a positive integer.
    StoreError
        The database is neither SQLite nor PostgreSQL, or cannot be reached.

    Examples
    --------
    >>> erase_owner(db, user.id)  # doctest: +SKIP
    42
    """
    check_filters({"owner_id": owner_id})
    url, engine = resolve_url(database)
    backend = url.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise StoreError(f"no vector index for {backend} databases; use SQLite or PostgreSQL")
    if engine is not None:
        reader, owned = engine, False
    elif backend == "sqlite":
        from personae.vectors._sqlite import sqlite_vec_engine

        # Never the standard sqlite3 next to the indexes' pysqlite3 (see _sqlite.py).
        reader, owned = sqlite_vec_engine(url), True
    else:
        reader, owned = create_engine(url), True
    try:
        with reader.connect() as conn:
            if not inspect(conn).has_table(REGISTRY):
                return 0
            collections = [
                (str(name), str(embedder), int(dimension))
                for name, embedder, dimension in conn.execute(
                    text(f"SELECT name, embedder, dimension FROM {REGISTRY} ORDER BY name")
                )
            ]
    except OperationalError as exc:
        raise StoreError(f"cannot read the vector collections: {exc.orig or exc}") from exc
    finally:
        if owned:
            reader.dispose()
    removed = 0
    for name, embedder, dimension in collections:
        index: VectorIndex
        if backend == "sqlite":
            from personae.vectors._sqlite import SqliteVecIndex

            index = SqliteVecIndex(
                database, embedder_name=embedder, dimension=dimension, collection=name
            )
        else:
            from personae.vectors._pgvector import PgVectorIndex

            index = PgVectorIndex(
                database, embedder_name=embedder, dimension=dimension, collection=name
            )
        try:
            removed += index.delete(filters={"owner_id": owner_id})
        finally:
            index.close()
    return removed
