"""The one embedding protocol every capability codes against."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

__all__ = ["Embedder"]


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into unit-length vectors.

    ``embed`` returns a ``(len(texts), dimension)`` float32 array whose rows have L2 norm 1,
    so a dot product is the cosine similarity. ``name`` identifies the model, so vectors
    made by different models are never compared.
    """

    @property
    def name(self) -> str: ...

    @property
    def dimension(self) -> int: ...

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]: ...
