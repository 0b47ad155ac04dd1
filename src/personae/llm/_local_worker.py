"""The child side of the local model: llama.cpp runs here, in a process of its own.

llama.cpp is native code. A fault in it (a build for another CPU, a kernel bug such as
the AMX one on Q4_0 weights) ends the process it runs in with a signal, and Python cannot
catch that. So the model never runs in the caller's process: :class:`personae.llm.LocalLLM`
starts ``python -m personae.llm._local_worker`` (a fresh interpreter: nothing of the
caller's threads, locks or ``__main__`` is inherited, unlike ``multiprocessing``'s spawn,
which re-runs the caller's script) and talks to it over a Unix socket with a random key.
A crash here ends one call with a clear error; the caller starts a fresh worker next time.

Start-up: the caller writes one JSON line on stdin (socket path, key, model, context,
threads); the worker listens, prints ``listening`` on stdout, and accepts one connection.
Messages, caller → worker: ``("generate", kwargs, schema_json, max_tokens)``,
``("cancel",)`` while generating, ``("close",)``. Worker → caller: ``("ready", info)``
or ``("load_error", message)`` once; then per call ``("chunk", text)`` …, and one of
``("done", prompt_tokens, completion_tokens, finish_reason)`` or
``("error", kind, message)`` (kind ``refused``: the request does not fit; ``failed``).
"""

from __future__ import annotations

import functools
import json
import os
import re
import sys
from multiprocessing.connection import Connection, Listener
from typing import Any

__all__ = ["TEMPLATE_TOKENS_PER_MESSAGE", "main", "serve", "wider_than_portable"]

TEMPLATE_TOKENS_PER_MESSAGE = 8
"""Tokens a chat template adds around each message (role markers, separators), at most."""


def wider_than_portable(system_info: str) -> list[str]:
    """Instruction sets in llama.cpp's ``system_info`` beyond the portable AVX2 build.

    AMX in particular crashes on the bundled model's Q4_0/Q4_1 weights (llama.cpp issue
    20824), and a build with AVX-512 stops with SIGILL on CPUs without it.
    """
    enabled = re.findall(r"(\w+) = 1", system_info)
    return sorted(flag for flag in enabled if flag.startswith(("AMX", "AVX512", "AVX_VNNI")))


@functools.lru_cache(maxsize=64)
def _grammar(schema_json: str) -> Any:
    """A GBNF grammar for this JSON schema (converted once per schema in this process).

    A schema the converter cannot express falls back to the grammar of any JSON value:
    the answer is still JSON, and validation (then a re-ask) checks the rest.
    """
    from llama_cpp.llama_grammar import JSON_GBNF, LlamaGrammar

    try:
        return LlamaGrammar.from_json_schema(schema_json, verbose=False)
    except Exception:  # the converter raises a variety of plain exceptions
        return LlamaGrammar.from_string(JSON_GBNF, verbose=False)


def _prompt_tokens(llama: Any, messages: list[dict[str, str]]) -> int:
    """An upper bound of the prompt's length in tokens, counted before any decoding."""
    counted = 0
    for message in messages:
        content = message["content"].encode("utf-8", errors="replace")
        counted += len(llama.tokenize(content, add_bos=False, special=False))
        counted += TEMPLATE_TOKENS_PER_MESSAGE
    return counted + 2


def _generate(
    conn: Connection, llama: Any, kwargs: dict[str, Any], schema: str | None, max_tokens: int
) -> None:
    n_ctx = int(llama.n_ctx())
    prompt = _prompt_tokens(llama, kwargs["messages"])
    if prompt >= n_ctx:
        conn.send(
            (
                "error",
                "refused",
                f"the prompt takes about {prompt} tokens, more than the context window",
            )
        )
        return
    # Never ask llama.cpp for more than the context holds: trim the answer instead.
    kwargs["max_tokens"] = max(1, min(max_tokens, n_ctx - prompt))
    if schema is not None:
        kwargs["grammar"] = _grammar(schema)
    produced = 0
    finish = "stop"
    try:
        chunks = llama.create_chat_completion(**kwargs)
        try:
            for chunk in chunks:
                choice = chunk["choices"][0]
                text = choice["delta"].get("content")
                if text:
                    produced += 1
                    conn.send(("chunk", text))
                if choice.get("finish_reason"):
                    finish = choice["finish_reason"]
                if conn.poll() and conn.recv()[0] == "cancel":
                    finish = "cancelled"
                    break
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
    except ValueError as exc:  # e.g. a prompt longer than the context window
        conn.send(("error", "refused", str(exc)))
        return
    except RuntimeError as exc:  # llama.cpp failed to decode
        conn.send(("error", "failed", str(exc)))
        return
    conn.send(("done", max(0, int(llama.n_tokens) - produced), produced, finish))


def serve(conn: Connection, model_path: str, n_ctx: int, n_threads: int | None) -> None:
    """Load the model, then answer requests until the parent closes the pipe.

    Always ends with ``os._exit``: interpreter finalisation would report the /dev/null
    handles llama-cpp-python leaves open (as errors, under the test suite's filters), and
    there is nothing of this process's to flush.
    """
    try:
        _serve(conn, model_path, n_ctx, n_threads)
    finally:
        os._exit(0)


def _serve(conn: Connection, model_path: str, n_ctx: int, n_threads: int | None) -> None:
    try:
        import llama_cpp

        info = llama_cpp.llama_print_system_info().decode(errors="replace")
        wider = wider_than_portable(info)
        if wider:
            conn.send(
                (
                    "load_error",
                    f"llama-cpp-python was compiled for a specific CPU ({', '.join(wider)}); "
                    "such builds crash on some processors. Reinstall the portable build: "
                    "`make distclean && make` (scripts/build-local-model.sh)",
                )
            )
            return
        llama = llama_cpp.Llama(
            model_path=model_path, n_ctx=n_ctx, n_threads=n_threads, verbose=False
        )
    except ImportError:
        conn.send(("load_error", "llama-cpp-python is not installed"))
        return
    except (ValueError, RuntimeError, OSError) as exc:
        conn.send(("load_error", f"llama.cpp cannot load {model_path}: {exc} (a GGUF file?)"))
        return
    conn.send(("ready", info))
    try:
        while True:
            try:
                message = conn.recv()
            except EOFError:
                return
            if message[0] == "close":
                return
            if message[0] == "generate":
                _, kwargs, schema, max_tokens = message
                _generate(conn, llama, kwargs, schema, max_tokens)
            # a "cancel" that arrives after its call ended has nothing left to stop
    finally:
        llama.close()


def main() -> None:
    """Entry point of ``python -m personae.llm._local_worker`` (see the module docstring)."""
    config = json.loads(sys.stdin.readline())
    listener = Listener(config["address"], family="AF_UNIX", authkey=bytes.fromhex(config["key"]))
    print("listening", flush=True)
    conn = listener.accept()
    listener.close()
    serve(conn, config["model_path"], int(config["n_ctx"]), config["n_threads"])


if __name__ == "__main__":
    main()
