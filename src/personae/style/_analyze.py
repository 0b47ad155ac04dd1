"""analyze(): one shared tokenization pass feeding every feature family."""

from __future__ import annotations

from personae.style._fingerprint import Fingerprint

__all__ = ["MAX_CHARS", "analyze"]

MAX_CHARS = 20_000_000


def analyze(text: str, *, max_chars: int = MAX_CHARS) -> Fingerprint:
    raise NotImplementedError  # implemented by the analyze work package
