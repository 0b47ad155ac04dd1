"""The one protocol every language model in personae answers to, and its value types.

``complete`` is synchronous and ``stream`` is asynchronous, on purpose:

* a completion is one blocking piece of work: CPU-bound inference for the local model,
  one HTTP round trip for the others. A plain function is the simplest thing for the CLI,
  scripts and services to call, and async callers run it in a worker thread
  (``await asyncio.to_thread(llm.complete, ...)``), which they must do anyway for the
  local model: llama.cpp computing on the event loop would stall every other request.
* a stream feeds SSE responses and WebSockets, which forward tokens as they arrive. An
  async iterator lets the server interleave other work between tokens; the blocking
  generation runs in a thread of its own behind it (see :class:`~personae.llm.LLMBase`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any, Protocol, TypeAlias, TypeVar, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from personae._types import MessageRole
from personae.errors import LLMRequestError

__all__ = [
    "DEFAULT_MAX_TOKENS",
    "DEFAULT_TEMPERATURE",
    "LLM",
    "Completion",
    "Message",
    "MessagesLike",
    "ModelT",
    "as_messages",
]

DEFAULT_MAX_TOKENS = 512
"""Completion tokens a call may produce when the caller does not say."""

DEFAULT_TEMPERATURE = 0.7
"""Sampling temperature of ``complete`` and ``stream`` when the caller does not say."""

ModelT = TypeVar("ModelT", bound=BaseModel)


class Message(BaseModel):
    """One turn of a conversation: who speaks, and what they say.

    Examples
    --------
    >>> Message.user("Name three rivers.")
    Message(role='user', content='Name three rivers.')
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    role: MessageRole
    content: str

    @classmethod
    def system(cls, content: str) -> Message:
        """Instructions the model should follow throughout."""
        return cls(role="system", content=content)

    @classmethod
    def user(cls, content: str) -> Message:
        """What the person asks."""
        return cls(role="user", content=content)

    @classmethod
    def assistant(cls, content: str) -> Message:
        """What the model answered earlier (or an example answer)."""
        return cls(role="assistant", content=content)


MessagesLike: TypeAlias = str | Sequence[Message | Mapping[str, str]]
"""What every call accepts: a bare string (one user turn), or the turns in order, as
:class:`Message` objects or ``{"role": ..., "content": ...}`` mappings."""


def as_messages(messages: MessagesLike) -> tuple[Message, ...]:
    """Normalise what a caller passed into validated :class:`Message` objects.

    Raises
    ------
    LLMRequestError
        No turns at all, or a turn that is not a valid message (unknown role, no content).
    """
    if isinstance(messages, str):
        return (Message.user(messages),)
    turns: list[Message] = []
    for index, turn in enumerate(messages):
        if isinstance(turn, Message):
            turns.append(turn)
            continue
        try:
            turns.append(Message.model_validate(dict(turn)))
        except (ValidationError, TypeError, ValueError) as exc:
            raise LLMRequestError(f"message {index} is not a valid message: {exc}") from exc
    if not turns:
        raise LLMRequestError("a model call needs at least one message")
    return tuple(turns)


class Completion(BaseModel):
    """One answer of a model, with what it cost.

    ``latency_ms`` is wall-clock time of the call that produced the text (for a cached
    answer, of the lookup: the original call's time is in the usage table).
    ``finish_reason`` is ``"stop"`` (the model ended, or a stop sequence matched) or
    ``"length"`` (``max_tokens`` ran out), as the OpenAI protocol names them; other
    provider-specific reasons are passed through.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    text: str
    prompt_tokens: int = Field(default=0, ge=0)
    completion_tokens: int = Field(default=0, ge=0)
    latency_ms: float = Field(default=0.0, ge=0)
    model: str
    provider: str
    finish_reason: str = "stop"
    cached: bool = False


@runtime_checkable
class LLM(Protocol):
    """A language model personae can talk to.

    Every method takes the conversation (see :data:`MessagesLike`) and keyword-only
    parameters; ``timeout`` (seconds) bounds each request to the model, and ``None``
    means the provider's configured timeout. Failures raise the
    :class:`~personae.errors.LLMError` family, never a provider SDK's exception.

    Examples
    --------
    >>> from personae.config import Settings
    >>> from personae.llm import build_llm
    >>> llm = build_llm(Settings())  # doctest: +SKIP
    >>> llm.complete("Say hello.", max_tokens=8, temperature=0).text  # doctest: +SKIP
    'Hello! How can I help you today?'
    """

    @property
    def provider(self) -> str:
        """The provider's name: ``local``, ``openai``, ``anthropic``, ``gemini`` …"""
        ...

    @property
    def model(self) -> str:
        """The model's name as the provider knows it (a file stem for GGUF files)."""
        ...

    def complete(
        self,
        messages: MessagesLike,
        *,
        max_tokens: int = DEFAULT_MAX_TOKENS,
        temperature: float = DEFAULT_TEMPERATURE,
        stop: Sequence[str] | None = None,
        seed: int | None = None,
        timeout: float | None = None,
        json_schema: dict[str, Any] | None = None,
    ) -> Completion:
        """The model's whole answer, blocking until it is there (``json_schema``: a
        JSON Schema the answer must follow, where the provider can constrain it)."""
        ...

    def stream(
        self,
        messages: MessagesLike,
        *,
        max_tokens: int = DEFAULT_MAX_TOKENS,
        temperature: float = DEFAULT_TEMPERATURE,
        stop: Sequence[str] | None = None,
        seed: int | None = None,
        timeout: float | None = None,
        json_schema: dict[str, Any] | None = None,
    ) -> AsyncIterator[str]:
        """The answer as it is generated, a token (or a provider's chunk) at a time."""
        ...

    def structured(
        self,
        messages: MessagesLike,
        schema: type[ModelT],
        *,
        max_tokens: int = DEFAULT_MAX_TOKENS,
        temperature: float = 0.0,
        seed: int | None = None,
        timeout: float | None = None,
    ) -> ModelT:
        """An answer that validates as ``schema``, or :class:`~personae.errors.LLMOutputError`."""
        ...
