"""Building the configured model from settings and a spec."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from pydantic import SecretStr

from personae.config import Settings
from personae.llm._base import LLMBase
from personae.llm._retry import RetryPolicy
from personae.llm._spec import LLMSpec, parse_spec

if TYPE_CHECKING:
    from personae.llm._recorded import CallLog, RecordedLLM

__all__ = ["build_llm", "build_recorded_llm"]


def _secret(value: SecretStr | None) -> str | None:
    return None if value is None else value.get_secret_value()


def _local(spec: LLMSpec, settings: Settings, retry: RetryPolicy) -> LLMBase:
    from personae.llm._local import LocalLLM

    return LocalLLM(
        spec.model or settings.llm_model_path,
        n_ctx=settings.llm_context_tokens,
        n_threads=settings.llm_threads,
        timeout=settings.llm_timeout_seconds,
        retry=retry,
    )


def _openai(spec: LLMSpec, settings: Settings, retry: RetryPolicy) -> LLMBase:
    from personae.llm._openai import OpenAILLM

    assert spec.model is not None
    return OpenAILLM(
        spec.model,
        api_key=_secret(settings.openai_api_key),
        base_url=settings.openai_base_url,
        timeout=settings.llm_timeout_seconds,
        retry=retry,
    )


def _anthropic(spec: LLMSpec, settings: Settings, retry: RetryPolicy) -> LLMBase:
    from personae.llm._anthropic import AnthropicLLM

    assert spec.model is not None
    return AnthropicLLM(
        spec.model,
        api_key=_secret(settings.anthropic_api_key),
        timeout=settings.llm_timeout_seconds,
        retry=retry,
    )


def _gemini(spec: LLMSpec, settings: Settings, retry: RetryPolicy) -> LLMBase:
    from personae.llm._gemini import GeminiLLM

    assert spec.model is not None
    return GeminiLLM(
        spec.model,
        api_key=_secret(settings.gemini_api_key),
        timeout=settings.llm_timeout_seconds,
        retry=retry,
    )


_FACTORIES: dict[str, Callable[[LLMSpec, Settings, RetryPolicy], LLMBase]] = {
    "anthropic": _anthropic,
    "gemini": _gemini,
    "local": _local,
    "openai": _openai,
}


def build_llm(settings: Settings, spec: str | None = None) -> LLMBase:
    """The model ``spec`` names, configured from ``settings``.

    Parameters
    ----------
    settings
        Keys, base URL, timeout, retries, the local model's file, context and threads.
    spec
        ``local``, ``local:/path/model.gguf``, ``openai:MODEL``, ``anthropic:MODEL`` or
        ``gemini:MODEL``; ``None`` uses ``settings.llm`` (``PERSONAE_LLM``), so a call
        can override the configured model. ``PERSONAE_LLM`` may list several, comma
        separated: a :class:`~personae.llm._fallback.FallbackLLM` asks them in order.

    Raises
    ------
    LLMSpecError
        A malformed spec or an unknown provider.
    LLMUnavailableError
        The provider's SDK is not installed, its key is missing, or the model file is
        missing.

    Examples
    --------
    >>> llm = build_llm(Settings(), "openai:gpt-4o-mini")  # doctest: +SKIP
    >>> llm.provider, llm.model  # doctest: +SKIP
    ('openai', 'gpt-4o-mini')
    """
    if spec is None and "," in settings.llm:
        # PERSONAE_LLM=openai:gpt-4o-mini,local: the next provider answers when one cannot
        # (a request's own spec is always one model, so it cannot name a chain).
        from personae.llm._fallback import FallbackLLM, split_specs

        return FallbackLLM.of(split_specs(settings.llm), lambda one: build_llm(settings, one))
    parsed = parse_spec(settings.llm if spec is None else spec)
    retry = RetryPolicy(max_retries=settings.llm_max_retries)
    return _FACTORIES[parsed.provider](parsed, settings, retry)


def build_recorded_llm(
    settings: Settings,
    *,
    log: CallLog,
    owner_id: int | None,
    spec: str | None = None,
    purpose: str = "",
) -> RecordedLLM:
    """:func:`build_llm`, cached and recorded through ``log`` for ``owner_id``.

    The cache follows ``settings.llm_cache_enabled`` (see :class:`~personae.llm.RecordedLLM`
    for which calls it serves); ``log`` is the caller's (the store's is
    :class:`personae.store.StoreCallLog`).
    """
    from personae.llm._recorded import RecordedLLM

    return RecordedLLM(
        build_llm(settings, spec),
        log=log,
        owner_id=owner_id,
        cache=settings.llm_cache_enabled,
        purpose=purpose,
    )
