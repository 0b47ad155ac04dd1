"""What the database indexes share: how a database is named, and the collections registry."""

from __future__ import annotations

import json
import threading
from typing import Protocol, TypeAlias

from sqlalchemy import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError

from personae.errors import StoreError
from personae.vectors._index import MetadataValue, SpecIndex, check_collection

__all__ = ["DatabaseLike", "EngineIndex", "HasEngine", "dump_extra", "load_extra", "resolve_url"]

REGISTRY = "vector_collections"
"""The table that records, per collection, the embedder and dimension that filled it."""


class HasEngine(Protocol):
    """Anything that carries a SQLAlchemy engine, such as :class:`personae.store.Database`."""

    @property
    def engine(self) -> Engine: ...


DatabaseLike: TypeAlias = "str | URL | Engine | HasEngine"
"""The store's database: a URL, an engine, or a :class:`personae.store.Database`."""


def resolve_url(database: DatabaseLike) -> tuple[URL, Engine | None]:
    """The URL of ``database``, and its engine when one was handed over."""
    if isinstance(database, Engine):
        return database.url, database
    if isinstance(database, str | URL):
        try:
            return make_url(database), None
        except ArgumentError as exc:
            raise StoreError(f"not a database URL: {database!s}") from exc
    engine = getattr(database, "engine", None)
    if isinstance(engine, Engine):
        return engine.url, engine
    raise StoreError(f"not a database, URL or engine: {database!r}")


def dump_extra(extra: dict[str, MetadataValue]) -> str:
    """Extras as compact JSON with sorted keys (so equal extras are equal text)."""
    return json.dumps(extra, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def load_extra(raw: object) -> dict[str, MetadataValue]:
    """Extras read back from a JSON text (SQLite) or an already decoded value (psycopg)."""
    if raw is None:
        return {}
    value = json.loads(raw) if isinstance(raw, str | bytes) else raw
    if not isinstance(value, dict):
        return {}
    return {str(key): item for key, item in value.items() if isinstance(item, str | int)}


class EngineIndex(SpecIndex):
    """What the two database indexes share: the embedder spec they were built for, the
    collection, an engine they may own, and the state of their one-time ``ensure``."""

    _engine: Engine

    def __init__(self, *, embedder_name: str, dimension: int, collection: str) -> None:
        super().__init__(embedder_name=embedder_name, dimension=dimension)
        self.collection = check_collection(collection)
        self._owns_engine = True
        self._ready = False
        self._ready_lock = threading.Lock()

    def close(self) -> None:
        """Dispose of the engine if this index opened it (a shared one stays open)."""
        if self._owns_engine:
            self._engine.dispose()
