"""Helpers the remote providers share: importing an SDK lazily, translating its errors.

The OpenAI and Anthropic SDKs are generated from one template (Stainless) and raise the
same family of exceptions, so one translation serves both. Translating at the adapter
keeps the rest of personae (and its callers) free of SDK exception types.
"""

from __future__ import annotations

import importlib
import threading
from abc import abstractmethod
from collections.abc import Callable, Hashable
from email.utils import parsedate_to_datetime
from types import ModuleType
from typing import Any, ClassVar

from personae.errors import (
    LLMError,
    LLMRequestError,
    LLMTimeoutError,
    LLMTransientError,
    LLMUnavailableError,
)
from personae.llm._base import GenerationRequest, LLMBase

__all__ = [
    "StainlessLLM",
    "import_sdk",
    "retry_after_seconds",
    "shared_client",
    "translate_http_error",
    "translate_stainless",
    "translate_transport",
]

_TRANSIENT_STATUSES = frozenset({408, 409, 425, 429, 500, 502, 503, 504, 520, 522, 524, 529})
_REQUEST_STATUSES = frozenset({400, 413, 422})
_ACCESS_STATUSES = frozenset({401, 402, 403, 404})
_TRANSPORTS = frozenset({"httpx", "httpx2", "httpcore", "httpcore2", "h11", "aiohttp", "requests"})


def import_sdk(module: str, *, provider: str, package: str) -> ModuleType:
    """Import a provider's SDK, or say exactly what to install.

    Raises
    ------
    LLMUnavailableError
        The SDK is not installed.
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise LLMUnavailableError(
            f"the {provider} provider needs the {package} package: "
            f"pip install '{package}' (or personae's `llm` extra)",
            provider=provider,
            package=package,
        ) from exc


_CLIENTS: dict[Hashable, Any] = {}
_CLIENTS_LOCK = threading.Lock()


def shared_client(key: Hashable, make: Callable[[], Any]) -> Any:
    """The process's one SDK client for ``key`` (provider, credentials, endpoint).

    SDK clients hold a connection pool and are safe to share between threads, so every
    provider object built with the same configuration (the API builds one per request)
    reuses one pool instead of opening, and leaking, a pool each. Clients live as long
    as the process; timeouts are passed per request, so they are not part of the key.
    """
    with _CLIENTS_LOCK:
        client = _CLIENTS.get(key)
        if client is None:
            client = _CLIENTS[key] = make()
        return client


def retry_after_seconds(headers: Any) -> float | None:
    """The server's ``retry-after-ms`` or ``retry-after`` hint (seconds or HTTP date)."""
    if headers is None:
        return None
    try:
        millis = headers.get("retry-after-ms")
        if millis is not None:
            return max(0.0, float(millis) / 1000.0)
        value = headers.get("retry-after")
    except (AttributeError, TypeError, ValueError):
        return None
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(str(value))
    except (TypeError, ValueError):
        return None
    from datetime import UTC, datetime

    return max(0.0, (moment - datetime.now(UTC)).total_seconds())


def translate_http_error(
    status: int,
    message: str,
    *,
    provider: str,
    model: str,
    retry_after: float | None = None,
) -> LLMError:
    """The personae error for an HTTP status a provider answered with."""
    details = {"provider": provider, "model": model, "status": status}
    text = f"{provider} model {model}: HTTP {status}: {message}"
    if status in _TRANSIENT_STATUSES or status >= 500:
        return LLMTransientError(text, retry_after=retry_after, **details)
    if status in _REQUEST_STATUSES:
        return LLMRequestError(text, **details)
    if status in _ACCESS_STATUSES:
        hint = {
            401: "the API key was refused; check it",
            402: "the account cannot pay for this request",
            403: "the API key may not use this model",
            404: "no such model or endpoint; check the model name and base URL",
        }[status]
        return LLMUnavailableError(f"{text} ({hint})", **details)
    return LLMError(text, **details)


def translate_stainless(sdk: ModuleType, exc: Exception, *, provider: str, model: str) -> LLMError:
    """Translate an exception of the OpenAI or Anthropic SDK (its ``APIError`` family).

    Timeouts become :class:`LLMTimeoutError`, connection failures
    :class:`LLMTransientError`, and HTTP errors follow :func:`translate_http_error`.
    """
    if isinstance(exc, sdk.APITimeoutError):
        return LLMTimeoutError(
            f"{provider} model {model} did not answer in time", provider=provider, model=model
        )
    if isinstance(exc, sdk.APIConnectionError):
        return LLMTransientError(
            f"cannot reach the {provider} API: {exc}", provider=provider, model=model
        )
    if isinstance(exc, sdk.APIStatusError):
        response = getattr(exc, "response", None)
        return translate_http_error(
            int(exc.status_code),
            _message(exc),
            provider=provider,
            model=model,
            retry_after=retry_after_seconds(getattr(response, "headers", None)),
        )
    return LLMError(f"{provider} model {model}: {exc}", provider=provider, model=model)


def _message(exc: Exception) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        error = body.get("error", body)
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            return str(error["message"])
    return str(getattr(exc, "message", exc))


def translate_transport(exc: BaseException, *, provider: str, model: str) -> LLMError | None:
    """The personae error for an HTTP library's own exception, or ``None`` for others.

    SDKs wrap transport errors of the request, but not always of a streamed body that
    fails half-way; those arrive as the HTTP library's exceptions (httpx, httpx2 …).
    """
    root = type(exc).__module__.split(".", 1)[0]
    if root not in _TRANSPORTS:
        return None
    if "Timeout" in type(exc).__name__:
        return LLMTimeoutError(
            f"{provider} model {model} did not answer in time", provider=provider, model=model
        )
    return LLMTransientError(
        f"the connection to the {provider} API failed: {exc}", provider=provider, model=model
    )


class StainlessLLM(LLMBase):
    """The call path of the OpenAI and Anthropic adapters: both SDKs come from one
    template, so sending, translating errors and falling back when a server refuses
    structured output are the same; only the request's shape and the SDK call differ."""

    schema_option: ClassVar[str]
    """The keyword that asks for JSON-schema output (dropped when a server refuses it)."""
    _sdk: ModuleType
    _json_schema_mode: bool

    @abstractmethod
    def _kwargs(self, request: GenerationRequest) -> dict[str, Any]:
        """The SDK call's keywords for one request."""

    @abstractmethod
    def _sdk_call(self, kwargs: dict[str, Any]) -> Any:
        """The SDK call itself."""

    def _translated(self, exc: Exception) -> LLMError:
        """The SDK's exception as personae's error tree."""
        return translate_stainless(self._sdk, exc, provider=self.provider, model=self.model)

    def _create(self, kwargs: dict[str, Any]) -> Any:
        try:
            return self._sdk_call(kwargs)
        except self._sdk.APIError as exc:
            raise self._translated(exc) from exc

    def _send(self, request: GenerationRequest, **extra: Any) -> Any:
        """One call; a refused schema option is dropped once (for good) and the call repeated."""
        kwargs = self._kwargs(request) | extra
        try:
            return self._create(kwargs)
        except LLMRequestError:
            if self.schema_option not in kwargs:
                raise
            self._json_schema_mode = False
            del kwargs[self.schema_option]
            return self._create(kwargs)
