"""What every VectorIndex does, checked on numpy, sqlite-vec and pgvector alike."""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from personae.errors import EmbedderMismatchError, InputError
from personae.vectors import MAX_K, Hit, NumpyIndex, VectorIndex
from tests.vectors.conftest import DIMENSION, IndexFactory


def unit(rng: np.random.Generator, count: int, dimension: int = DIMENSION) -> npt.NDArray[Any]:
    vectors = rng.standard_normal((count, dimension)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def ids_of(hits: list[Hit]) -> list[int]:
    return [hit.id for hit in hits]


def test_an_index_is_a_vector_index(index: VectorIndex) -> None:
    assert isinstance(index, VectorIndex)
    assert (index.embedder_name, index.dimension) == ("test-embedder", DIMENSION)


def test_search_finds_the_stored_vector_first_with_its_metadata(index: VectorIndex) -> None:
    vectors = unit(np.random.default_rng(1), 20)
    index.add(
        list(range(1, 21)),
        vectors,
        [{"owner_id": 5, "persona_id": 2, "session_id": 9, "kind": "fact"}] * 20,
    )
    hits = index.search(vectors[6], k=3)
    assert hits[0].id == 7
    assert hits[0].score == pytest.approx(1.0, abs=1e-5)
    assert hits[0].metadata == {"owner_id": 5, "persona_id": 2, "session_id": 9, "kind": "fact"}
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)


def test_an_owner_never_sees_another_owners_vectors(index: VectorIndex) -> None:
    """Bob's vectors are copies of the query itself, and still never reach Alice."""
    rng = np.random.default_rng(2)
    alice = unit(rng, 30)
    query = alice[0] + 0.5 * unit(rng, 1)[0]
    index.add(list(range(1, 31)), alice, [{"owner_id": 1}] * 30)
    index.add(list(range(101, 111)), np.repeat(query[None, :], 10, axis=0), [{"owner_id": 2}] * 10)
    for k in (1, 10, 40, MAX_K):
        hits = index.search(query, k=k, filters={"owner_id": 1})
        assert hits
        assert all(hit.id <= 30 and hit.metadata["owner_id"] == 1 for hit in hits)
    assert sorted(ids_of(index.search(query, k=10, filters={"owner_id": 2}))) == list(
        range(101, 111)
    )
    assert index.search(query, k=5, filters={"owner_id": 3}) == []


def test_persona_and_session_filters(index: VectorIndex) -> None:
    rng = np.random.default_rng(3)
    metadata: list[dict[str, Any]] = [
        {"owner_id": 1, "persona_id": 10, "session_id": 100},
        {"owner_id": 1, "persona_id": 10, "session_id": 101},
        {"owner_id": 1, "persona_id": 11},
        {"owner_id": 1},
        {"owner_id": 2, "persona_id": 10, "session_id": 100},
    ]
    index.add([1, 2, 3, 4, 5], unit(rng, 5), metadata)
    query = unit(rng, 1)[0]
    assert sorted(ids_of(index.search(query, k=10, filters={"owner_id": 1}))) == [1, 2, 3, 4]
    found = index.search(query, k=10, filters={"owner_id": 1, "persona_id": 10})
    assert sorted(ids_of(found)) == [1, 2]
    found = index.search(query, k=10, filters={"persona_id": 10, "session_id": 100})
    assert sorted(ids_of(found)) == [1, 5]
    assert index.search(query, k=10, filters={"owner_id": 2, "persona_id": 11}) == []
    assert index.search(query, k=10, filters={"owner_id": 1})[0].metadata.keys() <= {
        "owner_id",
        "persona_id",
        "session_id",
    }


def test_extra_filters_compare_type_strictly(index: VectorIndex) -> None:
    rng = np.random.default_rng(4)
    metadata: list[dict[str, Any]] = [
        {"owner_id": 1, "pinned": True, "kind": "fact"},
        {"owner_id": 1, "pinned": 1, "kind": "fact"},
        {"owner_id": 1, "pinned": "1", "kind": "summary"},
        {"owner_id": 1, "pinned": False},
        {"owner_id": 2, "pinned": True, "kind": "fact"},
    ]
    index.add([1, 2, 3, 4, 5], unit(rng, 5), metadata)
    query = unit(rng, 1)[0]

    def found(**filters: Any) -> list[int]:
        return sorted(ids_of(index.search(query, k=10, filters=filters)))

    assert found(owner_id=1, pinned=True) == [1]
    assert found(owner_id=1, pinned=1) == [2]
    assert found(owner_id=1, pinned="1") == [3]
    assert found(owner_id=1, pinned=False) == [4]
    assert found(kind="fact") == [1, 2, 5]
    assert found(owner_id=1, kind="fact", pinned=True) == [1]
    assert found(owner_id=1, kind="missing") == []
    assert index.count({"kind": "fact"}) == 3
    assert index.count({"owner_id": 1, "pinned": True}) == 1


@pytest.mark.parametrize(
    "filters",
    [
        None,
        {"owner_id": 1},
        {"owner_id": 2, "persona_id": 1},
        {"owner_id": 3, "topic": "b"},
        {"owner_id": 1, "pinned": True},
        {"topic": "a", "session_id": 2},
    ],
    ids=["all", "owner", "owner+persona", "owner+extra", "owner+bool", "extra+session"],
)
def test_same_top_k_as_the_exact_index(make_index: IndexFactory, filters: Any) -> None:
    rng = np.random.default_rng(5)
    count = 600
    vectors = unit(rng, count)
    metadata: list[dict[str, Any]] = [
        {
            "owner_id": int(rng.integers(1, 4)),
            "persona_id": int(rng.integers(1, 3)) if i % 2 else None,
            "session_id": int(rng.integers(1, 4)),
            "topic": "ab"[i % 3 == 0],
            "pinned": i % 5 == 0,
        }
        for i in range(count)
    ]
    ids = list(range(1, count + 1))
    index, exact = make_index(), NumpyIndex(embedder_name="test-embedder", dimension=DIMENSION)
    index.add(ids, vectors, metadata)
    exact.add(ids, vectors, metadata)
    assert index.count(filters) == exact.count(filters) > 10
    for query in unit(rng, 10):
        got, want = index.search(query, k=10, filters=filters), exact.search(query, 10, filters)
        assert ids_of(got) == ids_of(want)
        assert [h.score for h in got] == pytest.approx([h.score for h in want], abs=1e-5)
        assert [h.metadata for h in got] == [h.metadata for h in want]


def test_add_replaces_an_existing_id(index: VectorIndex) -> None:
    rng = np.random.default_rng(6)
    first, second = unit(rng, 2)
    index.add([1], [first], [{"owner_id": 1, "kind": "old"}])
    index.add([1], [second], [{"owner_id": 2, "persona_id": 4}])
    assert index.count() == 1
    assert index.search(first, k=5, filters={"owner_id": 1}) == []
    (hit,) = index.search(second, k=5, filters={"owner_id": 2})
    assert hit.id == 1
    assert hit.score == pytest.approx(1.0, abs=1e-5)
    assert hit.metadata == {"owner_id": 2, "persona_id": 4}
    assert index.count({"kind": "old"}) == 0


def test_scores_are_cosine_similarities_whatever_the_length(index: VectorIndex) -> None:
    index.add(
        [1, 2, 3],
        np.array([[3.0, 0.0] + [0.0] * 14, [1.0, 1.0] + [0.0] * 14, [-2.0, 0.0] + [0.0] * 14]),
        [{"owner_id": 1}] * 3,
    )
    hits = index.search([10.0, 0.0] + [0.0] * 14, k=3)
    assert ids_of(hits) == [1, 2, 3]
    assert [h.score for h in hits] == pytest.approx([1.0, 2**-0.5, -1.0], abs=1e-5)


def test_k_larger_than_the_matches_returns_every_match(index: VectorIndex) -> None:
    rng = np.random.default_rng(7)
    index.add([4, 5, 6], unit(rng, 3), [{"owner_id": 1}] * 3)
    assert sorted(ids_of(index.search(unit(rng, 1)[0], k=50, filters={"owner_id": 1}))) == [4, 5, 6]


def test_searching_an_empty_index_finds_nothing(index: VectorIndex) -> None:
    assert index.search(np.ones(DIMENSION), k=5) == []
    assert index.count() == 0


def test_delete_by_ids_and_by_filters(index: VectorIndex) -> None:
    rng = np.random.default_rng(8)
    metadata: list[dict[str, Any]] = [
        {"owner_id": 1, "persona_id": 1},
        {"owner_id": 1, "persona_id": 2},
        {"owner_id": 1, "persona_id": 2},
        {"owner_id": 2, "persona_id": 2},
        {"owner_id": 2, "kind": "x"},
    ]
    vectors = unit(rng, 5)
    index.add([1, 2, 3, 4, 5], vectors, metadata)
    assert index.delete([1, 99]) == 1
    assert index.count() == 4
    assert index.delete(filters={"owner_id": 1, "persona_id": 2}) == 2
    assert index.delete(filters={"owner_id": 1}) == 0
    assert index.delete(filters={"kind": "x"}) == 1
    assert index.count() == 1
    assert ids_of(index.search(vectors[3], k=10)) == [4]
    assert index.delete([]) == 0


def test_deleting_a_user_removes_exactly_their_vectors(index: VectorIndex) -> None:
    rng = np.random.default_rng(9)
    index.add(list(range(1, 41)), unit(rng, 40), [{"owner_id": 1 + i % 2} for i in range(40)])
    assert index.delete(filters={"owner_id": 1}) == 20
    assert index.count({"owner_id": 1}) == 0
    assert index.count({"owner_id": 2}) == 20
    assert index.search(unit(rng, 1)[0], k=40, filters={"owner_id": 1}) == []
    assert len(index.search(unit(rng, 1)[0], k=40)) == 20


def test_count_with_and_without_filters(index: VectorIndex) -> None:
    rng = np.random.default_rng(10)
    metadata = [{"owner_id": 1 + i % 3, "persona_id": 1 + i % 2} for i in range(30)]
    index.add(list(range(1, 31)), unit(rng, 30), metadata)
    assert index.count() == 30
    assert index.count({"owner_id": 1}) == 10
    assert index.count({"owner_id": 1, "persona_id": 1}) == 5
    assert index.count({"owner_id": 4}) == 0


@pytest.mark.parametrize("width", [DIMENSION - 1, DIMENSION + 1])
def test_vectors_of_another_dimension_are_refused(index: VectorIndex, width: int) -> None:
    with pytest.raises(EmbedderMismatchError) as caught:
        index.add([1], np.ones((1, width)), [{"owner_id": 1}])
    assert caught.value.details == {"expected": DIMENSION, "actual": width}
    with pytest.raises(EmbedderMismatchError):
        index.search(np.ones(width), k=1)
    assert index.count() == 0


def test_a_collection_refuses_another_embedder(make_index: IndexFactory, backend: str) -> None:
    if backend == "numpy":
        pytest.skip("the numpy index stores nothing between instances")
    first = make_index(embedder_name="model-a")
    first.add([1], np.ones((1, DIMENSION)), [{"owner_id": 1}])
    with pytest.raises(EmbedderMismatchError, match="model-a"):
        make_index(embedder_name="model-b")
    with pytest.raises(EmbedderMismatchError, match=f"{DIMENSION}-dimensional"):
        make_index(embedder_name="model-a", dimension=DIMENSION * 2)
    again = make_index(embedder_name="model-a")
    assert ids_of(again.search(np.ones(DIMENSION), k=1)) == [1]
    other = make_index(embedder_name="model-b", collection="strategies")
    assert other.count() == 0


BAD_CALLS: list[tuple[str, Any]] = [
    ("nan vector", lambda ix: ix.add([1], np.full((1, DIMENSION), np.nan), [{"owner_id": 1}])),
    ("zero vector", lambda ix: ix.add([1], np.zeros((1, DIMENSION)), [{"owner_id": 1}])),
    ("3-d vectors", lambda ix: ix.add([1], np.ones((1, 1, DIMENSION)), [{"owner_id": 1}])),
    ("no owner", lambda ix: ix.add([1], np.ones((1, DIMENSION)), [{"persona_id": 1}])),
    ("owner 0", lambda ix: ix.add([1], np.ones((1, DIMENSION)), [{"owner_id": 0}])),
    ("owner text", lambda ix: ix.add([1], np.ones((1, DIMENSION)), [{"owner_id": "1"}])),
    ("bool id", lambda ix: ix.add([True], np.ones((1, DIMENSION)), [{"owner_id": 1}])),
    ("id 0", lambda ix: ix.add([0], np.ones((1, DIMENSION)), [{"owner_id": 1}])),
    ("repeated ids", lambda ix: ix.add([1, 1], np.ones((2, DIMENSION)), [{"owner_id": 1}] * 2)),
    ("ids vs vectors", lambda ix: ix.add([1, 2], np.ones((1, DIMENSION)), [{"owner_id": 1}])),
    ("metadata count", lambda ix: ix.add([1], np.ones((1, DIMENSION)), [])),
    ("float extra", lambda ix: ix.add([1], np.ones((1, DIMENSION)), [{"owner_id": 1, "x": 1.5}])),
    ("bad key", lambda ix: ix.add([1], np.ones((1, DIMENSION)), [{"owner_id": 1, "a-b": "x"}])),
    ("k 0", lambda ix: ix.search(np.ones(DIMENSION), k=0)),
    ("k too big", lambda ix: ix.search(np.ones(DIMENSION), k=MAX_K + 1)),
    ("two queries", lambda ix: ix.search(np.ones((2, DIMENSION)), k=1)),
    ("None filter", lambda ix: ix.search(np.ones(DIMENSION), k=1, filters={"persona_id": None})),
    ("text filter", lambda ix: ix.count({"owner_id": "1"})),
    ("delete all", lambda ix: ix.delete(filters={})),
    ("delete both", lambda ix: ix.delete([1], filters={"owner_id": 1})),
    ("delete none", lambda ix: ix.delete()),
]


@pytest.mark.parametrize("call", [call for _, call in BAD_CALLS], ids=[n for n, _ in BAD_CALLS])
def test_bad_input_is_a_typed_error_and_changes_nothing(index: VectorIndex, call: Any) -> None:
    index.add([7], np.ones((1, DIMENSION)), [{"owner_id": 1}])
    with pytest.raises(InputError):
        call(index)
    assert index.count() == 1


def test_concurrent_writers_and_readers_keep_owners_apart(index: VectorIndex) -> None:
    rng = np.random.default_rng(11)
    vectors = unit(rng, 160)
    errors: list[BaseException] = []

    def work(owner: int) -> None:
        try:
            for batch in range(4):
                start = owner * 1000 + batch * 10
                rows = vectors[(owner - 1) * 40 + batch * 10 :][:10]
                index.add(list(range(start, start + 10)), rows, [{"owner_id": owner}] * 10)
                for hit in index.search(rows[0], k=20, filters={"owner_id": owner}):
                    assert hit.metadata["owner_id"] == owner
                    assert owner * 1000 <= hit.id < owner * 1000 + 1000
        except BaseException as exc:  # surfaced below, in the test's own thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(owner,)) for owner in (1, 2, 3, 4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert index.count() == 160
    assert all(index.count({"owner_id": owner}) == 40 for owner in (1, 2, 3, 4))
