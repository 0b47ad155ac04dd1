"""The ``gemini`` provider: Google's Gemini models through the ``google-genai`` SDK."""

from __future__ import annotations

import math
import random
import time
from collections.abc import Iterator
from typing import Any

from personae._types import Sleep
from personae.errors import LLMError, LLMRequestError, LLMUnavailableError
from personae.llm._base import DEFAULT_TIMEOUT, GenerationRequest, LLMBase, StreamStats
from personae.llm._protocol import Completion, Message
from personae.llm._retry import RetryPolicy
from personae.llm._sdk import (
    import_sdk,
    retry_after_seconds,
    shared_client,
    translate_http_error,
    translate_transport,
)

__all__ = ["GeminiLLM"]

_FINISH = {"STOP": "stop", "MAX_TOKENS": "length"}


def _contents(messages: tuple[Message, ...]) -> tuple[str | None, list[dict[str, Any]]]:
    """System turns become ``system_instruction``; assistant turns are the ``model`` role."""
    system = "\n\n".join(m.content for m in messages if m.role == "system") or None
    contents = [
        {"role": "model" if m.role == "assistant" else "user", "parts": [{"text": m.content}]}
        for m in messages
        if m.role != "system"
    ]
    if not contents:
        return None, [{"role": "user", "parts": [{"text": system or ""}]}]
    return system, contents


def _text(response: Any) -> tuple[str, str | None]:
    """The answer's text (thoughts left out) and its finish reason."""
    candidates = getattr(response, "candidates", None) or []
    if not candidates:
        return "", None
    candidate = candidates[0]
    content = getattr(candidate, "content", None)
    parts = getattr(content, "parts", None) or []
    text = "".join(
        part.text
        for part in parts
        if getattr(part, "text", None) and not getattr(part, "thought", False)
    )
    reason = getattr(candidate, "finish_reason", None)
    name = getattr(reason, "name", None) or (str(reason) if reason is not None else None)
    return text, name


class GeminiLLM(LLMBase):
    """A Gemini model.

    Parameters
    ----------
    model
        The model's name, e.g. ``gemini-2.5-flash``.
    api_key
        The Gemini API key.
    base_url
        Another endpoint speaking the Gemini API (a proxy, a gateway).

    Structured output asks for ``application/json`` with ``response_json_schema``; a
    model that refuses it (HTTP 400) is asked once more without it, and from then on this
    instance relies on the instruction in the prompt plus validation.

    Raises
    ------
    LLMUnavailableError
        The ``google-genai`` package is missing, or no API key is given.
    """

    provider = "gemini"

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
        genai = import_sdk("google.genai", provider=self.provider, package="google-genai")
        self._types = import_sdk(
            "google.genai.types", provider=self.provider, package="google-genai"
        )
        self._errors = import_sdk(
            "google.genai.errors", provider=self.provider, package="google-genai"
        )
        if not api_key:
            raise LLMUnavailableError(
                "the gemini provider needs PERSONAE_GEMINI_API_KEY",
                provider=self.provider,
                model=model,
            )
        # retry_options=None: the SDK sends each request once; personae retries.
        options = self._types.HttpOptions(base_url=base_url, retry_options=None)
        self._client: Any = shared_client(
            ("gemini", api_key, base_url),
            lambda: genai.Client(api_key=api_key, http_options=options),
        )
        self._json_schema_mode = True

    def _config(self, request: GenerationRequest) -> dict[str, Any]:
        system, _ = _contents(request.messages)
        config: dict[str, Any] = {
            "temperature": request.temperature,
            "max_output_tokens": request.max_tokens,
            "http_options": {"timeout": max(1, math.ceil(request.timeout * 1000))},
        }
        if system:
            config["system_instruction"] = system
        if request.stop:
            config["stop_sequences"] = list(request.stop)
        if request.seed is not None:
            config["seed"] = request.seed
        if request.json_schema is not None and self._json_schema_mode:
            config["response_mime_type"] = "application/json"
            config["response_json_schema"] = request.json_schema
        return config

    def _translate(self, exc: Exception) -> LLMError:
        if isinstance(exc, self._errors.APIError):
            response = getattr(exc, "response", None)
            return translate_http_error(
                int(getattr(exc, "code", 0) or 0),
                str(getattr(exc, "message", None) or exc),
                provider=self.provider,
                model=self.model,
                retry_after=retry_after_seconds(getattr(response, "headers", None)),
            )
        error = translate_transport(exc, provider=self.provider, model=self.model)
        if error is None:
            raise exc
        return error

    def _call_sdk(self, method: Any, request: GenerationRequest) -> Any:
        """One call; a refused JSON schema is dropped once and the call repeated."""
        _, contents = _contents(request.messages)
        config = self._config(request)
        for attempt in range(2):
            try:
                return method(model=self.model, contents=contents, config=config)
            except Exception as exc:
                error = self._translate(exc)
                if (
                    attempt == 0
                    and isinstance(error, LLMRequestError)
                    and "response_json_schema" in config
                ):
                    self._json_schema_mode = False
                    del config["response_json_schema"]
                    continue
                raise error from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def _generate(self, request: GenerationRequest) -> Completion:
        started = time.perf_counter()
        response = self._call_sdk(self._client.models.generate_content, request)
        text, reason = _text(response)
        usage = getattr(response, "usage_metadata", None)
        return Completion(
            text=text,
            prompt_tokens=int(getattr(usage, "prompt_token_count", 0) or 0),
            completion_tokens=int(getattr(usage, "candidates_token_count", 0) or 0),
            latency_ms=(time.perf_counter() - started) * 1000.0,
            model=self.model,
            provider=self.provider,
            finish_reason=_FINISH.get(reason or "STOP", (reason or "stop").lower()),
        )

    def _generate_stream(self, request: GenerationRequest, stats: StreamStats) -> Iterator[str]:
        chunks = self._call_sdk(self._client.models.generate_content_stream, request)
        try:
            for chunk in chunks:
                text, reason = _text(chunk)
                if reason:
                    stats.finish_reason = _FINISH.get(reason, reason.lower())
                usage = getattr(chunk, "usage_metadata", None)
                if usage is not None:
                    stats.prompt_tokens = int(getattr(usage, "prompt_token_count", 0) or 0)
                    stats.completion_tokens = int(getattr(usage, "candidates_token_count", 0) or 0)
                if text:
                    yield text
        except Exception as exc:
            raise self._translate(exc) from exc
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
