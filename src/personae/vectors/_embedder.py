"""The one embedding protocol every capability codes against."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from personae.errors import EmptyTextError, InputError

__all__ = ["Embedder", "check_texts"]


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


def check_texts(texts: Sequence[str]) -> list[str]:
    """A list of non-blank strings; a bare string is refused (it would embed its letters)."""
    if isinstance(texts, str | bytes) or not isinstance(texts, Sequence):
        raise InputError("embed takes a list of texts, not a single string")
    checked: list[str] = []
    for position, text in enumerate(texts):
        if not isinstance(text, str):
            raise InputError(f"text {position} is {type(text).__name__}, not a string")
        if not text.strip():
            raise EmptyTextError(f"text {position} is empty; there is nothing to embed")
        checked.append(text)
    return checked
