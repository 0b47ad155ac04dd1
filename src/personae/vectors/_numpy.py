"""The exact, in-memory index: brute-force cosine search in numpy.

It is the reference the database indexes are tested against (same top-k on the same
data) and the baseline of ``benchmarks/vector_bench.py``. It keeps nothing on disk, so
the application never uses it for memories; tests and one-off scripts do.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from personae.vectors._index import (
    Filter,
    Filters,
    Hit,
    Metadata,
    MetadataValue,
    Row,
    SpecIndex,
    check_delete,
    check_filters,
    check_k,
    check_query,
)

__all__ = ["NumpyIndex"]

_NONE = 0  # persona_id / session_id of a vector that has none (real ids are >= 1)


class NumpyIndex(SpecIndex):
    """Exact cosine search over vectors held in one growing numpy matrix.

    Thread-safe: one lock guards every read and write. Deleting moves the last vector
    into the freed slot, so the matrix stays dense and a search is one masked product.

    Parameters
    ----------
    embedder_name, dimension
        The embedder whose vectors this index accepts.

    Examples
    --------
    >>> import numpy as np
    >>> index = NumpyIndex(embedder_name="demo", dimension=2)
    >>> index.add([1, 2], np.array([[1.0, 0.0], [0.0, 1.0]]), [{"owner_id": 1}] * 2)
    >>> [hit.id for hit in index.search([0.9, 0.1], k=1, filters={"owner_id": 1})]
    [1]
    """

    def __init__(self, *, embedder_name: str, dimension: int) -> None:
        super().__init__(embedder_name=embedder_name, dimension=dimension)
        self._lock = threading.Lock()
        self._size = 0
        self._vectors = np.zeros((0, self._dimension), dtype=np.float32)
        self._ids = np.zeros(0, dtype=np.int64)
        self._owner = np.zeros(0, dtype=np.int64)
        self._persona = np.zeros(0, dtype=np.int64)
        self._session = np.zeros(0, dtype=np.int64)
        self._extra: list[dict[str, MetadataValue]] = []
        self._slot: dict[int, int] = {}

    def ensure(self) -> None:
        """Nothing to create: the index lives in memory."""

    def close(self) -> None:
        """Nothing to release."""

    def add(
        self,
        ids: Sequence[int],
        vectors: npt.ArrayLike,
        metadata: Sequence[Metadata],
    ) -> None:
        checked_ids, matrix, rows = self._checked_batch(ids, vectors, metadata)
        with self._lock:
            self._reserve(self._size + len(checked_ids))
            for vector_id, vector, row in zip(checked_ids, matrix, rows, strict=True):
                slot = self._slot.get(vector_id)
                if slot is None:
                    slot = self._size
                    self._size += 1
                    self._slot[vector_id] = slot
                    self._extra.append({})
                self._put(slot, vector_id, vector, row)

    def search(
        self,
        vector: npt.ArrayLike,
        k: int = 10,
        filters: Filters | None = None,
    ) -> list[Hit]:
        query = check_query(vector, dimension=self._dimension, embedder_name=self._name)
        k = check_k(k)
        wanted = check_filters(filters)
        with self._lock:
            if wanted.empty:  # no gather: score the matrix in place
                slots = np.arange(self._size)
                scores = self._vectors[: self._size] @ query
            else:
                slots = self._matching(wanted)
                scores = self._vectors[slots] @ query
            if slots.size == 0:
                return []
            if slots.size > k:
                best = np.argpartition(-scores, k - 1)[:k]
                slots, scores = slots[best], scores[best]
            order = np.lexsort((self._ids[slots], -scores))
            return [
                Hit(
                    id=int(self._ids[slot]),
                    score=float(min(1.0, max(-1.0, scores[position]))),
                    metadata=self._row(int(slot)).as_metadata(),
                )
                for position, slot in ((int(i), slots[i]) for i in order)
            ]

    def delete(
        self,
        ids: Sequence[int] | None = None,
        *,
        filters: Filters | None = None,
    ) -> int:
        targets = check_delete(ids, filters)
        with self._lock:
            if isinstance(targets, Filter):
                doomed = [int(self._ids[slot]) for slot in self._matching(targets)]
            else:
                doomed = [vector_id for vector_id in targets if vector_id in self._slot]
            for vector_id in doomed:
                self._remove(vector_id)
            return len(doomed)

    def count(self, filters: Filters | None = None) -> int:
        wanted = check_filters(filters)
        with self._lock:
            return int(self._matching(wanted).size)

    # -- internals (called with the lock held) ---------------------------------------------

    def _reserve(self, size: int) -> None:
        capacity = self._vectors.shape[0]
        if size <= capacity:
            return
        new = max(size, 2 * capacity, 64)

        def grow(array: npt.NDArray[np.generic]) -> npt.NDArray[np.generic]:
            bigger = np.zeros((new, *array.shape[1:]), dtype=array.dtype)
            bigger[: self._size] = array[: self._size]
            return bigger

        self._vectors = grow(self._vectors).astype(np.float32, copy=False)
        self._ids = grow(self._ids).astype(np.int64, copy=False)
        self._owner = grow(self._owner).astype(np.int64, copy=False)
        self._persona = grow(self._persona).astype(np.int64, copy=False)
        self._session = grow(self._session).astype(np.int64, copy=False)

    def _put(self, slot: int, vector_id: int, vector: npt.NDArray[np.float32], row: Row) -> None:
        self._vectors[slot] = vector
        self._ids[slot] = vector_id
        self._owner[slot] = row.owner_id
        self._persona[slot] = _NONE if row.persona_id is None else row.persona_id
        self._session[slot] = _NONE if row.session_id is None else row.session_id
        self._extra[slot] = dict(row.extra)

    def _row(self, slot: int) -> Row:
        persona, session = int(self._persona[slot]), int(self._session[slot])
        return Row(
            owner_id=int(self._owner[slot]),
            persona_id=None if persona == _NONE else persona,
            session_id=None if session == _NONE else session,
            extra=self._extra[slot],
        )

    def _matching(self, wanted: Filter) -> npt.NDArray[np.intp]:
        size = self._size
        mask = np.ones(size, dtype=bool)
        columns = {"owner_id": self._owner, "persona_id": self._persona}
        columns["session_id"] = self._session
        for name, value in wanted.columns().items():
            mask &= columns[name][:size] == value
        slots = np.flatnonzero(mask)
        if wanted.extra:
            keep = [int(slot) for slot in slots if wanted.matches_extra(self._extra[int(slot)])]
            slots = np.asarray(keep, dtype=np.intp)
        return slots

    def _remove(self, vector_id: int) -> None:
        slot = self._slot.pop(vector_id)
        last = self._size - 1
        if slot != last:
            moved = int(self._ids[last])
            self._put(slot, moved, self._vectors[last], self._row(last))
            self._slot[moved] = slot
        self._extra.pop()
        self._size = last
