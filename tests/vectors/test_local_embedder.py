"""The bundled all-MiniLM-L6-v2, run for real (offline, on the CPU)."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from personae.errors import EmbeddingError, EmptyTextError, InputError
from personae.vectors import DEFAULT_LOCAL_MODEL, Embedder, LocalEmbedder
from personae.vectors._local import _models, bundled_model_path

pytest.importorskip("sentence_transformers", reason="the local embedder's packages are missing")

# (query, the memory that answers it, an unrelated memory)
TRIPLES = [
    ("Where does her sister live?", "My sister moved to Lisbon last year.", "I paid the gas bill."),
    (
        "What food does he dislike?",
        "He can't stand olives on his pizza.",
        "The train to Leeds was delayed.",
    ),
    (
        "Which sport does she play?",
        "She plays tennis every Saturday morning.",
        "My laptop needs a new battery.",
    ),
    ("What is the dog called?", "Our dog is named Biscuit.", "The meeting moved to Thursday."),
]


@pytest.fixture(scope="module")
def embedder() -> LocalEmbedder:
    return LocalEmbedder()


def test_vectors_are_384_dimensional_unit_float32(embedder: LocalEmbedder) -> None:
    assert isinstance(embedder, Embedder)
    assert embedder.name == DEFAULT_LOCAL_MODEL
    assert embedder.dimension == 384
    vectors = embedder.embed(["Hello there.", "A second, longer sentence about the sea."])
    assert vectors.shape == (2, 384)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert not np.allclose(vectors[0], vectors[1])


@pytest.mark.parametrize(("query", "close", "unrelated"), TRIPLES)
def test_the_answering_memory_scores_higher_than_an_unrelated_one(
    embedder: LocalEmbedder, query: str, close: str, unrelated: str
) -> None:
    q, c, u = embedder.embed([query, close, unrelated])
    assert float(q @ c) > float(q @ u) + 0.1


def test_a_text_embeds_the_same_alone_and_in_a_batch(embedder: LocalEmbedder) -> None:
    alone = embedder.embed(["The cat sleeps on the warm windowsill."])[0]
    batch = embedder.embed(
        [
            "A much longer sentence that pads the batch with many more tokens than the other.",
            "The cat sleeps on the warm windowsill.",
        ]
    )[1]
    assert np.allclose(alone, batch, atol=1e-5)


def test_no_texts_give_an_empty_matrix(embedder: LocalEmbedder) -> None:
    assert embedder.embed([]).shape == (0, 384)


@pytest.mark.parametrize(
    ("texts", "error"),
    [
        ("a single string", InputError),
        (["fine", ""], EmptyTextError),
        (["fine", "   \n"], EmptyTextError),
        (["fine", 3], InputError),
    ],
)
def test_bad_texts_are_typed_errors(embedder: LocalEmbedder, texts: object, error: type) -> None:
    with pytest.raises(error):
        embedder.embed(texts)  # type: ignore[arg-type]


def test_concurrent_first_calls_share_one_model() -> None:
    texts = ["one sentence", "another sentence entirely"]
    results: list[np.ndarray] = []
    lock = threading.Lock()

    def work() -> None:
        vectors = LocalEmbedder().embed(texts)
        with lock:
            results.append(vectors)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 4
    assert all(np.allclose(results[0], other, atol=1e-6) for other in results)
    assert [key for key in _models if key[0] == str(bundled_model_path())] == [
        (str(bundled_model_path()), "cpu")
    ]


def test_the_model_comes_from_the_installed_package() -> None:
    path = bundled_model_path()
    assert (path / "model.safetensors").is_file()
    assert "site-packages" in path.parts or "dist-packages" in path.parts


def test_a_folder_that_is_not_a_model_is_refused(tmp_path: Path) -> None:
    with pytest.raises(EmbeddingError, match="not a sentence-transformers model"):
        LocalEmbedder(tmp_path)


def test_a_bad_batch_size_is_refused() -> None:
    with pytest.raises(InputError):
        LocalEmbedder(batch_size=0)
