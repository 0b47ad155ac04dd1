"""Deterministic stand-ins for the loop benchmark: no model, no embedding model, no tests.

- :class:`HashEmbedder`: bag of words hashed into 256 dimensions, unit length; both the
  in-process policy and the server use it, so neither side times an embedding model.
- :class:`FixedWriter`: a model that writes the same post for every brief, so the loop
  times personae's own work (scoring, keeping, publishing), not text generation.
"""

from __future__ import annotations

import hashlib
import re
import socket
from collections.abc import Iterator, Sequence

import numpy as np
import numpy.typing as npt

from personae.llm import Completion, GenerationRequest, LLMBase, StreamStats

__all__ = ["POST", "FixedWriter", "HashEmbedder", "free_port"]

POST = (
    "We shipped the new billing page on Tuesday. It took two weeks, not four. "
    "The team cut three features to get there, and nobody missed them. "
    "Next week we measure what changed. #startups"
)
_WORD = re.compile(r"[a-z0-9']+")


class HashEmbedder:
    """Bag of words hashed into 256 dimensions, unit length."""

    name = "loop-bench-hash-embedder"
    dimension = 256

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            words = _WORD.findall(text.lower()) or [""]
            for word in words:
                digest = hashlib.blake2b(word.encode(), digest_size=4).digest()
                out[row, int.from_bytes(digest, "little") % self.dimension] += 1.0
        out /= np.linalg.norm(out, axis=1, keepdims=True)
        return out


class FixedWriter(LLMBase):
    """Answers every plain-text request with :data:`POST` (no structured answers)."""

    provider = "loop-bench"

    def __init__(self) -> None:
        super().__init__(model="fixed-writer")

    def _generate(self, request: GenerationRequest) -> Completion:
        if request.json_schema is not None:
            raise RuntimeError("the loop benchmark's writer writes posts only")
        words = len(POST.split())
        return Completion(
            text=POST,
            prompt_tokens=sum(len(m.content.split()) for m in request.messages),
            completion_tokens=words,
            latency_ms=1.0,
            model=self.model,
            provider=self.provider,
            finish_reason="stop",
        )

    def _generate_stream(self, request: GenerationRequest, stats: StreamStats) -> Iterator[str]:
        stats.completion_tokens = len(POST.split())
        stats.finish_reason = "stop"
        yield POST


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
