"""The ``openai`` provider: OpenAI, or any server that speaks its chat-completions API.

Ollama, vLLM, a llama.cpp server, LM Studio, and Gemini's and Kimi's OpenAI-compatible
endpoints all work through ``base_url``. The official ``openai`` SDK is imported when a
provider is built, never when personae is imported.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Iterator
from typing import Any

from personae._types import Sleep
from personae.errors import LLMError, LLMUnavailableError
from personae.llm._base import DEFAULT_TIMEOUT, GenerationRequest, StreamStats
from personae.llm._protocol import Completion
from personae.llm._retry import RetryPolicy
from personae.llm._sdk import StainlessLLM, import_sdk, shared_client, translate_transport

__all__ = ["OpenAILLM"]

_NO_KEY = "not-needed"  # self-hosted servers ignore the key, but the SDK wants one


def _schema_name(schema: dict[str, Any]) -> str:
    title = str(schema.get("title") or "answer")
    return re.sub(r"[^A-Za-z0-9_-]", "_", title)[:64] or "answer"


class OpenAILLM(StainlessLLM):
    """A chat model behind the OpenAI API or a compatible server.

    Parameters
    ----------
    model
        The model's name, e.g. ``gpt-4o-mini``, or ``llama3:8b`` on Ollama.
    api_key
        Required for OpenAI itself; optional with a ``base_url`` (self-hosted servers).
    base_url
        An OpenAI-compatible endpoint, e.g. ``http://localhost:11434/v1``.

    Structured output asks for ``response_format`` ``json_schema``. A server that refuses
    it (HTTP 400) is asked once more without it, and from then on this instance relies on
    the instruction in the prompt plus validation. Against OpenAI itself the length limit
    is sent as ``max_completion_tokens`` (its reasoning models refuse ``max_tokens``),
    to other servers as ``max_tokens``, which they all understand.

    Raises
    ------
    LLMUnavailableError
        The ``openai`` package is missing, or neither a key nor a base URL is given.
    """

    provider = "openai"
    schema_option = "response_format"

    def __init__(
        self,
        model: str,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        sleep: Sleep = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        super().__init__(model=model, timeout=timeout, retry=retry, sleep=sleep, rng=rng)
        self._sdk = import_sdk("openai", provider=self.provider, package="openai")
        if not api_key and not base_url:
            raise LLMUnavailableError(
                "the openai provider needs PERSONAE_OPENAI_API_KEY, or "
                "PERSONAE_OPENAI_BASE_URL for a compatible server that needs no key",
                provider=self.provider,
                model=model,
            )
        self.base_url = base_url
        # personae retries itself (bounded, with jitter, accounted), so the SDK must not.
        self._client: Any = shared_client(
            ("openai", api_key, base_url),
            lambda: self._sdk.OpenAI(api_key=api_key or _NO_KEY, base_url=base_url, max_retries=0),
        )
        self._json_schema_mode = True

    def _kwargs(self, request: GenerationRequest) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            "model": self.model,
            "messages": [{"role": m.role, "content": m.content} for m in request.messages],
            "temperature": request.temperature,
            "timeout": request.timeout,
        }
        limit = "max_tokens" if self.base_url else "max_completion_tokens"
        kwargs[limit] = request.max_tokens
        if request.stop:
            kwargs["stop"] = list(request.stop)
        if request.seed is not None:
            kwargs["seed"] = request.seed
        if request.json_schema is not None and self._json_schema_mode:
            kwargs["response_format"] = {
                "type": "json_schema",
                "json_schema": {
                    "name": _schema_name(request.json_schema),
                    "schema": request.json_schema,
                },
            }
        return kwargs

    def _sdk_call(self, kwargs: dict[str, Any]) -> Any:
        return self._client.chat.completions.create(**kwargs)

    def _generate(self, request: GenerationRequest) -> Completion:
        started = time.perf_counter()
        response = self._send(request)
        choices = getattr(response, "choices", None) or []
        if not choices:
            raise LLMError(
                f"openai model {self.model} answered without a choice",
                provider=self.provider,
                model=self.model,
            )
        choice = choices[0]
        usage = getattr(response, "usage", None)
        return Completion(
            text=getattr(choice.message, "content", None) or "",
            prompt_tokens=int(getattr(usage, "prompt_tokens", 0) or 0),
            completion_tokens=int(getattr(usage, "completion_tokens", 0) or 0),
            latency_ms=(time.perf_counter() - started) * 1000.0,
            model=self.model,
            provider=self.provider,
            finish_reason=choice.finish_reason or "stop",
        )

    def _generate_stream(self, request: GenerationRequest, stats: StreamStats) -> Iterator[str]:
        extra: dict[str, Any] = {"stream": True}
        if not self.base_url:  # compatible servers may refuse stream_options
            extra["stream_options"] = {"include_usage": True}
        stream = self._send(request, **extra)
        try:
            for chunk in stream:
                usage = getattr(chunk, "usage", None)
                if usage is not None:
                    stats.prompt_tokens = int(getattr(usage, "prompt_tokens", 0) or 0)
                    stats.completion_tokens = int(getattr(usage, "completion_tokens", 0) or 0)
                for choice in getattr(chunk, "choices", None) or []:
                    if choice.finish_reason:
                        stats.finish_reason = choice.finish_reason
                    text = getattr(choice.delta, "content", None)
                    if text:
                        yield text
        except self._sdk.APIError as exc:
            raise self._translated(exc) from exc
        except Exception as exc:
            error = translate_transport(exc, provider=self.provider, model=self.model)
            if error is None:
                raise
            raise error from exc
        finally:
            stream.close()
