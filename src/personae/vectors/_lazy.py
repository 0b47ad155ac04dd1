"""An embedder built on its first use, for servers that build one per app.

Building the configured embedder can cost seconds (a local model), and most requests
never embed anything: the chat's memory store and the strategy service each hold one of
these, so the price is paid by the first request that needs it.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from personae.config import Settings
from personae.vectors._embedder import Embedder

__all__ = ["LazyEmbedder"]


class LazyEmbedder:
    """The embedder :func:`~personae.vectors.build_embedder` gives for ``settings``,
    built when its name, dimension or first embedding is asked for."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._built: Embedder | None = None
        self._lock = threading.Lock()

    def _get(self) -> Embedder:
        with self._lock:
            if self._built is None:
                from personae.vectors._build import build_embedder

                self._built = build_embedder(self._settings)
            return self._built

    @property
    def name(self) -> str:
        """The built embedder's name."""
        return self._get().name

    @property
    def dimension(self) -> int:
        """The built embedder's dimension."""
        return self._get().dimension

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """The built embedder's vectors for ``texts``."""
        return self._get().embed(texts)
