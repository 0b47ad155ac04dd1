"""Embeddings and vector search: one ``Embedder`` and one ``VectorIndex`` protocol."""

from __future__ import annotations

from personae.vectors._embedder import Embedder

__all__ = ["Embedder"]
