"""Embeddings from any OpenAI-compatible ``/embeddings`` endpoint, through the official SDK.

OpenAI itself, Ollama, vLLM, llama.cpp's server, LM Studio … all answer the same
request. The SDK retries connection errors, 429 and 5xx answers with back-off
(``max_retries``); whatever still fails becomes an :class:`~personae.errors.EmbeddingError`
that names the cause. Answers are checked (one vector per text, all of one length,
finite) and normalised, since not every server returns unit vectors.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from personae.errors import EmbeddingError, InputError
from personae.vectors._embedder import check_texts

__all__ = ["OpenAIEmbedder"]

_MAX_BATCH = 2048  # inputs per request OpenAI accepts
_NO_KEY = "not-needed"  # the SDK insists on a key; self-hosted servers ignore it


class OpenAIEmbedder:
    """An embedding model behind an OpenAI-compatible HTTP API.

    Parameters
    ----------
    model
        The model name the server knows, e.g. ``text-embedding-3-small``.
    base_url
        The API's base URL, e.g. ``http://localhost:11434/v1``; ``None`` is OpenAI's.
    api_key
        Sent as a bearer token; optional for servers that need none.
    dimension
        The vectors' length if known; otherwise the first call finds it out (one short
        request), since the protocol promises it before any texts are embedded.
    batch_size
        Texts per request (at most 2,048).
    timeout, max_retries
        Per request; the SDK retries transient failures with back-off.

    Examples
    --------
    >>> embedder = OpenAIEmbedder("nomic-embed-text", base_url="http://localhost:11434/v1")
    >>> embedder.embed(["hello"]).shape  # doctest: +SKIP
    (1, 768)
    """

    def __init__(
        self,
        model: str,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        dimension: int | None = None,
        batch_size: int = 256,
        timeout: float = 30.0,
        max_retries: int = 2,
    ) -> None:
        if not isinstance(model, str) or not model.strip():
            raise EmbeddingError(
                "the openai embedder needs a model name (PERSONAE_EMBEDDING_MODEL)"
            )
        if isinstance(batch_size, bool) or not isinstance(batch_size, int):
            raise InputError(f"batch_size must be an integer, not {batch_size!r}")
        if not 1 <= batch_size <= _MAX_BATCH:
            raise InputError(f"batch_size must be from 1 to {_MAX_BATCH}, not {batch_size}")
        if dimension is not None and (isinstance(dimension, bool) or dimension < 1):
            raise InputError(f"dimension must be a positive integer, not {dimension!r}")
        try:
            import openai
        except ImportError as exc:
            raise EmbeddingError(
                f"the openai embedder needs the openai package: pip install openai ({exc})"
            ) from exc
        self._sdk: Any = openai
        self.model = model.strip()
        self.base_url = base_url
        self.batch_size = batch_size
        self._client: Any = openai.OpenAI(
            api_key=api_key or _NO_KEY,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
        )
        self._dimension = dimension
        self._probe_lock = threading.Lock()

    @property
    def name(self) -> str:
        return f"openai:{self.model}"

    @property
    def dimension(self) -> int:
        if self._dimension is None:
            with self._probe_lock:
                if self._dimension is None:
                    self._dimension = int(self._request(["dimension probe"]).shape[1])
        return self._dimension

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """Unit-length float32 vectors, one row per text, in the order given.

        Raises
        ------
        InputError
            ``texts`` is a single string or holds something that is not a string.
        EmptyTextError
            A text is empty or blank (the API refuses those).
        EmbeddingError
            The endpoint cannot be reached, refuses the key or the request, or answers
            with something other than one vector per text of the expected length.
        """
        checked = check_texts(texts)
        if not checked:
            return np.zeros((0, self.dimension), dtype=np.float32)
        parts = [
            self._request(checked[start : start + self.batch_size])
            for start in range(0, len(checked), self.batch_size)
        ]
        vectors = np.concatenate(parts) if len(parts) > 1 else parts[0]
        if self._dimension is None:
            self._dimension = int(vectors.shape[1])
        elif vectors.shape[1] != self._dimension:
            raise EmbeddingError(
                f"{self.name} returned {vectors.shape[1]}-dimensional vectors, expected "
                f"{self._dimension}",
                expected=self._dimension,
                actual=int(vectors.shape[1]),
            )
        return vectors

    def _request(self, batch: list[str]) -> npt.NDArray[np.float32]:
        sdk = self._sdk
        where = self.base_url or "api.openai.com"
        try:
            response = self._client.embeddings.create(
                model=self.model, input=batch, encoding_format="float"
            )
        except sdk.AuthenticationError as exc:
            raise EmbeddingError(
                f"the embeddings endpoint {where} refused the API key (PERSONAE_EMBEDDING_API_KEY)",
                status=exc.status_code,
            ) from exc
        except sdk.APIStatusError as exc:
            raise EmbeddingError(
                f"the embeddings endpoint {where} answered {exc.status_code}: {_message(exc)}",
                status=exc.status_code,
            ) from exc
        except sdk.APITimeoutError as exc:
            raise EmbeddingError(f"the embeddings endpoint {where} timed out") from exc
        except sdk.APIConnectionError as exc:
            raise EmbeddingError(f"cannot reach the embeddings endpoint {where}: {exc}") from exc
        except sdk.APIError as exc:
            raise EmbeddingError(f"the embeddings endpoint {where} failed: {exc}") from exc
        return _vectors(response, len(batch), name=self.name)

    def __repr__(self) -> str:
        return f"OpenAIEmbedder({self.model!r}, base_url={self.base_url!r})"


def _message(exc: Any) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and isinstance(inner.get("message"), str):
            return str(inner["message"])[:300]
    return str(getattr(exc, "message", exc))[:300]


def _vectors(response: Any, expected: int, *, name: str) -> npt.NDArray[np.float32]:
    """The answer's vectors in input order, checked and normalised."""
    data = getattr(response, "data", None)
    if not isinstance(data, list) or len(data) != expected:
        got = len(data) if isinstance(data, list) else "no"
        raise EmbeddingError(f"{name} answered {got} vectors for {expected} texts")
    try:
        ordered = sorted(data, key=lambda item: int(item.index))
        if [int(item.index) for item in ordered] != list(range(expected)):
            raise EmbeddingError(f"{name} answered vectors with wrong indexes")
        matrix = np.asarray([item.embedding for item in ordered], dtype=np.float32)
    except (TypeError, ValueError, AttributeError) as exc:
        raise EmbeddingError(f"{name} answered something that is not vectors: {exc}") from exc
    if matrix.ndim != 2 or matrix.shape[1] == 0:
        raise EmbeddingError(f"{name} answered vectors of unequal or zero length")
    if not np.isfinite(matrix).all():
        raise EmbeddingError(f"{name} answered vectors with NaN or infinite values")
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    if not (norms > 0).all():
        raise EmbeddingError(f"{name} answered a zero vector")
    out: npt.NDArray[np.float32] = np.ascontiguousarray(matrix / norms, dtype=np.float32)
    return out
