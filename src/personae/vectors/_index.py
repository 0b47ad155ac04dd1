"""The one vector-index protocol, its result type, and the checks every index shares.

Every implementation validates its input here, so the three backends refuse the same
things with the same typed errors, and agree on what a filter means:

* metadata is ``owner_id`` (required), ``persona_id`` and ``session_id`` (optional), and
  any other keys (*extras*) whose values are strings, integers or booleans;
* a filter is a conjunction of equalities on those keys. Extras compare type-strictly
  (``True`` never matches ``1``), as JSON containment does on PostgreSQL.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol, TypeAlias, runtime_checkable

import numpy as np
import numpy.typing as npt

from personae.errors import EmbedderMismatchError, InputError

__all__ = [
    "MAX_K",
    "Filters",
    "Hit",
    "Metadata",
    "MetadataValue",
    "VectorIndex",
]

MetadataValue: TypeAlias = str | int | bool
"""What a metadata or filter value may be."""

Metadata: TypeAlias = Mapping[str, MetadataValue]
"""One vector's metadata: ``owner_id`` (required), ``persona_id``, ``session_id``, extras."""

Filters: TypeAlias = Mapping[str, MetadataValue]
"""Equalities every returned vector satisfies, e.g. ``{"owner_id": 7, "persona_id": 3}``."""

MAX_K = 4096
"""The most neighbours one search returns (sqlite-vec's own limit, kept by every index)."""

COLUMNS = ("owner_id", "persona_id", "session_id")
"""Metadata keys every backend stores as integer columns (filtered inside the search)."""

_MAX_ID = 2**63 - 1
_EXTRA_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
_COLLECTION = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_MAX_EXTRA_CHARS = 10_000


@dataclass(frozen=True, slots=True)
class Hit:
    """One search result: the vector's id, its cosine similarity to the query, its metadata.

    ``score`` is in ``[-1, 1]``; higher is closer. ``metadata`` holds ``owner_id``, the
    ``persona_id`` and ``session_id`` that were given, and the extras.
    """

    id: int
    score: float
    metadata: dict[str, MetadataValue] = field(default_factory=dict)


@runtime_checkable
class VectorIndex(Protocol):
    """Vectors of one embedder with owner/persona/session metadata, searched by cosine.

    One index is one *collection* (``memories``, ``strategies`` …) bound to one embedder
    name and dimension; vectors of another embedder are refused with
    :class:`~personae.errors.EmbedderMismatchError`. Ids are the caller's (usually the
    primary key of the row the vector belongs to), and ``add`` replaces an existing id.

    Examples
    --------
    >>> index.add([1, 2], vectors, [{"owner_id": 7}, {"owner_id": 8, "persona_id": 3}])
    ... # doctest: +SKIP
    >>> [hit.id for hit in index.search(query, k=5, filters={"owner_id": 7})]  # doctest: +SKIP
    [1]
    """

    @property
    def embedder_name(self) -> str:
        """The name of the embedder whose vectors this index holds."""
        ...

    @property
    def dimension(self) -> int:
        """The length of every vector in this index."""
        ...

    def ensure(self) -> None:
        """Create what the index needs (tables, extension) if missing; idempotent."""
        ...

    def add(
        self,
        ids: Sequence[int],
        vectors: npt.ArrayLike,
        metadata: Sequence[Metadata],
    ) -> None:
        """Store (or replace) one vector and its metadata per id, in one transaction."""
        ...

    def search(
        self,
        vector: npt.ArrayLike,
        k: int = 10,
        filters: Filters | None = None,
    ) -> list[Hit]:
        """The ``k`` vectors closest to ``vector`` among those matching ``filters``.

        Best first; ties are broken by id. Never returns a vector the filters exclude.
        """
        ...

    def delete(
        self,
        ids: Sequence[int] | None = None,
        *,
        filters: Filters | None = None,
    ) -> int:
        """Remove the given ids, or every vector matching ``filters``; returns how many."""
        ...

    def count(self, filters: Filters | None = None) -> int:
        """How many vectors match ``filters`` (all of them without)."""
        ...

    def close(self) -> None:
        """Release connections the index opened itself."""
        ...


# -- shared checks -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Row:
    """Validated metadata of one vector."""

    owner_id: int
    persona_id: int | None
    session_id: int | None
    extra: dict[str, MetadataValue]

    def as_metadata(self) -> dict[str, MetadataValue]:
        out: dict[str, MetadataValue] = {"owner_id": self.owner_id}
        if self.persona_id is not None:
            out["persona_id"] = self.persona_id
        if self.session_id is not None:
            out["session_id"] = self.session_id
        out.update(self.extra)
        return out


@dataclass(frozen=True, slots=True)
class Filter:
    """Validated filters: the integer columns and the extras."""

    owner_id: int | None = None
    persona_id: int | None = None
    session_id: int | None = None
    extra: dict[str, MetadataValue] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return (
            self.owner_id is None
            and self.persona_id is None
            and self.session_id is None
            and not self.extra
        )

    def columns(self) -> dict[str, int]:
        """The integer-column equalities that are set."""
        values = (
            ("owner_id", self.owner_id),
            ("persona_id", self.persona_id),
            ("session_id", self.session_id),
        )
        return {name: value for name, value in values if value is not None}

    def matches_extra(self, extra: Mapping[str, MetadataValue]) -> bool:
        return all(same_value(extra.get(key), value) for key, value in self.extra.items())


def same_value(stored: object, wanted: MetadataValue) -> bool:
    """Type-strict equality: ``True`` is not ``1``, ``"1"`` is not ``1``."""
    return type(stored) is type(wanted) and stored == wanted


def check_collection(name: str) -> str:
    """A collection name that is safe inside table names (``vec_<name>``)."""
    if not isinstance(name, str) or not _COLLECTION.match(name):
        raise InputError(
            f"collection name {name!r} must be 1..40 of lowercase letters, digits and "
            "underscores, starting with a letter",
            collection=name,
        )
    return name


def check_spec(embedder_name: str, dimension: int) -> tuple[str, int]:
    if not isinstance(embedder_name, str) or not embedder_name.strip():
        raise InputError("an index needs the name of its embedder")
    if isinstance(dimension, bool) or not isinstance(dimension, int) or dimension < 1:
        raise InputError(f"dimension must be a positive integer, not {dimension!r}")
    if dimension > 16_000:
        raise InputError(f"dimension {dimension} is larger than any index here supports")
    return embedder_name.strip(), dimension


class SpecIndex:
    """The embedder an index accepts vectors of: every index keeps and reports it."""

    def __init__(self, *, embedder_name: str, dimension: int) -> None:
        self._name, self._dimension = check_spec(embedder_name, dimension)

    @property
    def embedder_name(self) -> str:
        return self._name

    @property
    def dimension(self) -> int:
        return self._dimension

    def _checked_batch(
        self, ids: Sequence[int], vectors: npt.ArrayLike, metadata: Sequence[Metadata]
    ) -> tuple[list[int], npt.NDArray[np.float32], list[Row]]:
        """What ``add`` receives, validated: ids, unit vectors of this index's dimension,
        and one metadata row per id."""
        checked = check_ids(ids)
        matrix = check_vectors(vectors, dimension=self._dimension, embedder_name=self._name)
        if matrix.shape[0] != len(checked):
            raise InputError(f"{len(checked)} ids but {matrix.shape[0]} vectors")
        return checked, matrix, check_metadata(metadata, len(checked))


def _check_int(value: object, *, what: str, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise InputError(f"{what} must be an integer, not {value!r}", field=what)
    number = int(value)
    if not minimum <= number <= _MAX_ID:
        raise InputError(f"{what} must be between {minimum} and 2**63-1, not {number}", field=what)
    return number


def check_ids(ids: Sequence[int]) -> list[int]:
    """Positive integer ids in the ``bigint`` range, without repeats."""
    if isinstance(ids, str | bytes) or not isinstance(ids, Sequence | np.ndarray):
        raise InputError("ids must be a sequence of integers")
    checked = [_check_int(value, what="id") for value in ids]
    if len(set(checked)) != len(checked):
        raise InputError("ids repeat within one call; each id may appear once")
    return checked


def _check_extra(key: object, value: object) -> MetadataValue:
    if not isinstance(key, str) or not _EXTRA_KEY.match(key):
        raise InputError(
            f"metadata key {key!r} must be 1..64 of letters, digits and underscores, "
            "not starting with a digit",
            key=str(key),
        )
    if isinstance(value, bool):
        return value
    if isinstance(value, int | np.integer):
        return _check_int(value, what=key, minimum=-_MAX_ID)
    if isinstance(value, str):
        if "\x00" in value or len(value) > _MAX_EXTRA_CHARS:
            raise InputError(
                f"metadata {key!r} must be text without NUL of at most "
                f"{_MAX_EXTRA_CHARS} characters",
                key=key,
            )
        return value
    raise InputError(
        f"metadata {key!r} must be a string, an integer or a boolean, not {type(value).__name__}",
        key=key,
    )


def check_metadata(metadata: Sequence[Metadata], count: int) -> list[Row]:
    """One validated :class:`Row` per vector; ``owner_id`` is required."""
    if isinstance(metadata, Mapping) or not isinstance(metadata, Sequence):
        raise InputError("metadata must be a sequence with one mapping per vector")
    if len(metadata) != count:
        raise InputError(f"{count} vectors but {len(metadata)} metadata entries")
    rows: list[Row] = []
    for entry in metadata:
        if not isinstance(entry, Mapping):
            raise InputError("each metadata entry must be a mapping")
        if entry.get("owner_id") is None:
            raise InputError("every vector needs an owner_id in its metadata")
        owner = _check_int(entry["owner_id"], what="owner_id")
        persona = entry.get("persona_id")
        session = entry.get("session_id")
        extra = {
            key: _check_extra(key, value)
            for key, value in entry.items()
            if key not in COLUMNS and value is not None
        }
        rows.append(
            Row(
                owner_id=owner,
                persona_id=None if persona is None else _check_int(persona, what="persona_id"),
                session_id=None if session is None else _check_int(session, what="session_id"),
                extra=extra,
            )
        )
    return rows


def check_filters(filters: Filters | None) -> Filter:
    """Validated filters; ``None`` values are refused rather than silently ignored."""
    if filters is None:
        return Filter()
    if not isinstance(filters, Mapping):
        raise InputError("filters must be a mapping of metadata key to value")
    columns: dict[str, int] = {}
    extra: dict[str, MetadataValue] = {}
    for key, value in filters.items():
        if value is None:
            raise InputError(f"filter {key!r} is None; leave the key out to match any value")
        if key in COLUMNS:
            columns[key] = _check_int(value, what=key)
        else:
            extra[key] = _check_extra(key, value)
    return Filter(
        owner_id=columns.get("owner_id"),
        persona_id=columns.get("persona_id"),
        session_id=columns.get("session_id"),
        extra=extra,
    )


def check_delete(ids: Sequence[int] | None, filters: Filters | None) -> list[int] | Filter:
    """What ``delete`` removes: the given ids, or everything matching non-empty filters."""
    if (ids is None) == (filters is None):
        raise InputError("delete takes either ids or filters, not both and not neither")
    if ids is not None:
        return check_ids(ids)
    wanted = check_filters(filters)
    if wanted.empty:
        raise InputError("delete with empty filters would remove everything; name an owner")
    return wanted


def check_k(k: int) -> int:
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or not 1 <= k <= MAX_K:
        raise InputError(f"k must be an integer from 1 to {MAX_K}, not {k!r}", k=str(k))
    return int(k)


def check_vectors(
    vectors: npt.ArrayLike, *, dimension: int, embedder_name: str
) -> npt.NDArray[np.float32]:
    """A C-contiguous float32 ``(n, dimension)`` array of unit rows.

    Rows are normalised here, so every backend scores the same cosine similarity and
    the numpy index can use a plain dot product.
    """
    try:
        array = np.asarray(vectors, dtype=np.float32)
    except (TypeError, ValueError) as exc:
        raise InputError(f"vectors must be numbers: {exc}") from exc
    if array.ndim == 1 and array.size == 0:
        array = array.reshape(0, dimension)
    if array.ndim != 2:
        raise InputError(f"vectors must be a 2-D array (n, {dimension}), not {array.ndim}-D")
    if array.shape[1] != dimension:
        raise EmbedderMismatchError(
            f"vectors have {array.shape[1]} dimensions; this index holds {dimension}-"
            f"dimensional vectors of {embedder_name}",
            expected=dimension,
            actual=int(array.shape[1]),
        )
    if not np.isfinite(array).all():
        raise InputError("vectors must be finite (no NaN or infinity)")
    norms = np.linalg.norm(array, axis=1)
    if array.shape[0] and not (norms > 0).all():
        raise InputError("a zero vector has no direction; cosine similarity is undefined")
    out: npt.NDArray[np.float32] = np.ascontiguousarray(array / norms[:, None], dtype=np.float32)
    return out


def check_query(
    vector: npt.ArrayLike, *, dimension: int, embedder_name: str
) -> npt.NDArray[np.float32]:
    """One query vector as a unit float32 array of length ``dimension``."""
    try:
        array = np.asarray(vector, dtype=np.float32)
    except (TypeError, ValueError) as exc:
        raise InputError(f"the query vector must be numbers: {exc}") from exc
    if array.ndim == 2 and array.shape[0] == 1:
        array = array[0]
    if array.ndim != 1:
        raise InputError("search takes one query vector (1-D)")
    unit: npt.NDArray[np.float32] = check_vectors(
        array[None, :], dimension=dimension, embedder_name=embedder_name
    )[0]
    return unit


def check_spec_matches(
    *, stored_name: str, stored_dimension: int, embedder_name: str, dimension: int, where: str
) -> None:
    """Refuse to open a stored collection with another embedder than the one that filled it."""
    if stored_name != embedder_name or stored_dimension != dimension:
        raise EmbedderMismatchError(
            f"{where} holds {stored_dimension}-dimensional vectors of {stored_name}, not "
            f"{dimension}-dimensional vectors of {embedder_name}; re-embed the texts into "
            "a new collection (or drop this one) before switching embedders",
            expected=f"{stored_name}/{stored_dimension}",
            actual=f"{embedder_name}/{dimension}",
        )


def cosine_score(distance: float) -> float:
    """Cosine similarity from a cosine distance, clamped against rounding."""
    score = 1.0 - float(distance)
    if math.isnan(score):
        return -1.0
    return max(-1.0, min(1.0, score))
