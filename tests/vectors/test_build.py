"""Choosing the embedder from the settings and the index from the database's dialect."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from pydantic import ValidationError
from sqlalchemy import create_engine

from personae.config import Settings
from personae.errors import EmbedderMismatchError, StoreError
from personae.vectors import (
    DEFAULT_LOCAL_MODEL,
    LocalEmbedder,
    PgVectorIndex,
    SqliteVecIndex,
    build_embedder,
    build_index,
    erase_owner,
)
from tests.vectors.conftest import DIMENSION, PGVECTOR_URL, SKIP_PGVECTOR


class Spec:
    """Stands in for an embedder: build_index reads only the name and the dimension."""

    def __init__(self, name: str = "spec", dimension: int = DIMENSION) -> None:
        self.name = name
        self.dimension = dimension

    def embed(self, texts: Any) -> Any:
        raise AssertionError("build_index never embeds")


def test_the_default_embedder_is_the_bundled_local_model() -> None:
    embedder = build_embedder(Settings(embedder="local", embedding_model=None))
    assert isinstance(embedder, LocalEmbedder)
    assert (embedder.name, embedder.dimension) == (DEFAULT_LOCAL_MODEL, 384)


def test_an_unknown_embedder_setting_is_refused() -> None:
    with pytest.raises(ValidationError):
        Settings(embedder="word2vec")  # type: ignore[arg-type]


def test_embedding_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PERSONAE_EMBEDDER", "openai")
    monkeypatch.setenv("PERSONAE_EMBEDDING_MODEL", "nomic-embed-text")
    monkeypatch.setenv("PERSONAE_EMBEDDING_BASE_URL", "http://localhost:11434/v1")
    monkeypatch.setenv("PERSONAE_EMBEDDING_API_KEY", "")
    settings = Settings()
    assert settings.embedder == "openai"
    assert settings.embedding_model == "nomic-embed-text"
    assert settings.embedding_base_url == "http://localhost:11434/v1"
    assert settings.embedding_api_key is None


def test_sqlite_gets_sqlite_vec(sqlite_url: str) -> None:
    index = build_index(sqlite_url, Spec())
    try:
        assert isinstance(index, SqliteVecIndex)
        index.add([1], np.ones((1, DIMENSION)), [{"owner_id": 1}])
        assert index.count() == 1
    finally:
        index.close()


@pytest.mark.skipif(PGVECTOR_URL is None, reason=SKIP_PGVECTOR)
def test_postgresql_gets_pgvector(pgvector_url: str) -> None:
    index = build_index(pgvector_url, Spec())
    try:
        assert isinstance(index, PgVectorIndex)
        index.add([1], np.ones((1, DIMENSION)), [{"owner_id": 1}])
        assert index.count() == 1
    finally:
        index.close()


def test_other_databases_are_refused() -> None:
    with pytest.raises(StoreError, match="mysql"):
        build_index("mysql://u@localhost/db", Spec())


def test_another_embedder_on_a_filled_collection_is_refused(sqlite_url: str) -> None:
    build_index(sqlite_url, Spec("first")).close()
    with pytest.raises(EmbedderMismatchError):
        build_index(sqlite_url, Spec("second"))
    other = build_index(sqlite_url, Spec("second"), collection="strategies")
    other.close()


def test_ensure_false_defers_table_creation(sqlite_url: str) -> None:
    from sqlalchemy import inspect

    index = build_index(sqlite_url, Spec(), ensure=False)
    engine = create_engine(sqlite_url)
    try:
        assert "vector_collections" not in inspect(engine).get_table_names()
        assert index.count() == 0
        assert "vector_collections" in inspect(engine).get_table_names()
    finally:
        index.close()
        engine.dispose()


@pytest.mark.parametrize("collection", ["Memories", "1abc", "a-b", "", "x" * 41])
def test_collection_names_are_checked(sqlite_url: str, collection: str) -> None:
    from personae.errors import InputError

    with pytest.raises(InputError):
        build_index(sqlite_url, Spec(), collection=collection)


@pytest.mark.parametrize("backend", ["sqlite", "pgvector"])
def test_erase_owner_empties_every_collection_of_one_owner(
    backend: str, request: pytest.FixtureRequest
) -> None:
    if backend == "pgvector" and PGVECTOR_URL is None:
        pytest.skip(SKIP_PGVECTOR)
    url = request.getfixturevalue("pgvector_url" if backend == "pgvector" else "sqlite_url")
    assert erase_owner(url, 1) == 0  # nothing stored yet, not even the registry
    memories = build_index(url, Spec("model-a"))
    strategies = build_index(url, Spec("model-b", dimension=8), collection="strategies")
    try:
        memories.add(
            [1, 2, 3], np.eye(3, DIMENSION), [{"owner_id": 1}, {"owner_id": 1}, {"owner_id": 2}]
        )
        strategies.add([1, 2], np.eye(2, 8), [{"owner_id": 1}, {"owner_id": 2}])
        # No embedder is needed, so erasure works whatever the settings say now.
        assert erase_owner(url, 1) == 3
        assert (memories.count({"owner_id": 1}), strategies.count({"owner_id": 1})) == (0, 0)
        assert (memories.count(), strategies.count()) == (1, 1)
        assert erase_owner(url, 1) == 0
    finally:
        memories.close()
        strategies.close()


@pytest.mark.parametrize("owner", [0, -3, "7", None])
def test_erase_owner_needs_a_real_owner_id(sqlite_url: str, owner: Any) -> None:
    from personae.errors import InputError

    with pytest.raises(InputError):
        erase_owner(sqlite_url, owner)
