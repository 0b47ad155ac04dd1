"""Character-level helpers shared by the families that look below the word."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = ["code_points"]


def code_points(text: str) -> NDArray[np.uint32]:
    """The Unicode code points of ``text`` as a ``uint32`` array (one per character).

    Encoding to UTF-32 is a single C-speed copy, so every character-level count
    (n-grams, punctuation, emoji screening) can then run as a numpy operation. Lone
    surrogates are kept as they are.

    Examples
    --------
    >>> code_points("a€").tolist()
    [97, 8364]
    """
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
