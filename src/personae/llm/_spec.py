"""Model specs: ``local``, ``local:/path/model.gguf``, ``openai:gpt-4o-mini`` …"""

from __future__ import annotations

from dataclasses import dataclass

from personae.errors import LLMSpecError

__all__ = ["PROVIDERS", "LLMSpec", "parse_spec"]

PROVIDERS = ("anthropic", "gemini", "local", "openai")
"""The providers personae ships."""

_MAX_SPEC_CHARS = 500


@dataclass(frozen=True)
class LLMSpec:
    """A provider and, optionally, a model (for ``local``: a GGUF file's path)."""

    provider: str
    model: str | None = None

    def __str__(self) -> str:
        return self.provider if self.model is None else f"{self.provider}:{self.model}"


def parse_spec(spec: str) -> LLMSpec:
    """Read a spec such as ``openai:gpt-4o-mini``.

    The provider is the text before the first ``:`` (case-insensitive); everything after
    it is the model, kept verbatim, so model names with colons (``ollama`` tags such as
    ``llama3:8b``) and Windows paths survive. ``local`` alone means the bundled model;
    every other provider needs a model name.

    Raises
    ------
    LLMSpecError
        An empty or oversized spec, an unknown provider, or a missing model name.

    Examples
    --------
    >>> parse_spec("openai:llama3:8b")
    LLMSpec(provider='openai', model='llama3:8b')
    >>> parse_spec("local")
    LLMSpec(provider='local', model=None)
    """
    text = spec.strip()
    if not text:
        raise LLMSpecError("an empty model spec; use e.g. `local` or `openai:gpt-4o-mini`")
    if len(text) > _MAX_SPEC_CHARS:
        raise LLMSpecError(f"a model spec is at most {_MAX_SPEC_CHARS} characters")
    provider, _, model = text.partition(":")
    provider = provider.strip().lower()
    model = model.strip()
    if provider not in PROVIDERS:
        raise LLMSpecError(
            f"unknown model provider {provider!r} in {text!r}; "
            f"use one of {', '.join(PROVIDERS)} (e.g. `openai:gpt-4o-mini`)",
            spec=text,
            providers=list(PROVIDERS),
        )
    if not model:
        if provider == "local":
            return LLMSpec("local")
        raise LLMSpecError(
            f"the {provider} provider needs a model name: `{provider}:MODEL`",
            spec=text,
        )
    return LLMSpec(provider, model)
