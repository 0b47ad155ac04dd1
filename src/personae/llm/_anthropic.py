"""The ``anthropic`` provider: Claude models through the official ``anthropic`` SDK."""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from typing import Any

from personae._types import Sleep
from personae.errors import LLMUnavailableError
from personae.llm._base import DEFAULT_TIMEOUT, GenerationRequest, StreamStats
from personae.llm._protocol import Completion, Message
from personae.llm._retry import RetryPolicy
from personae.llm._sdk import StainlessLLM, import_sdk, shared_client, translate_transport

__all__ = ["AnthropicLLM"]

_FINISH = {"end_turn": "stop", "stop_sequence": "stop", "max_tokens": "length"}


def _split(messages: tuple[Message, ...]) -> tuple[str | None, list[dict[str, str]]]:
    """System turns become the ``system`` parameter; the rest alternate, starting with a user.

    Consecutive turns of one role are joined (the API wants them alternating), and a
    conversation that opens with the assistant gets an empty-handed user turn before it.
    A conversation of system turns only is sent as one user turn.
    """
    system = "\n\n".join(m.content for m in messages if m.role == "system") or None
    turns: list[dict[str, str]] = []
    for message in messages:
        if message.role == "system":
            continue
        if turns and turns[-1]["role"] == message.role:
            turns[-1]["content"] += "\n\n" + message.content
        else:
            turns.append({"role": message.role, "content": message.content})
    if not turns:
        return None, [{"role": "user", "content": system or ""}]
    if turns[0]["role"] != "user":
        turns.insert(0, {"role": "user", "content": "(continue)"})
    return system, turns


class AnthropicLLM(StainlessLLM):
    """A Claude model.

    Parameters
    ----------
    model
        The model's name, e.g. ``claude-sonnet-4-5``.
    api_key
        The Anthropic API key.
    base_url
        Another endpoint speaking Anthropic's Messages API (a proxy, a gateway).

    ``temperature`` and ``seed`` are not sent: the Messages API (as of the ``anthropic``
    2.x SDK) takes neither, so the model samples as it is configured to, and a seed
    does not make its answers repeatable. Structured output asks for ``output_config`` with a JSON
    schema; a model that refuses it (HTTP 400) is asked once more without it, and from
    then on this instance relies on the instruction in the prompt plus validation.

    Raises
    ------
    LLMUnavailableError
        The ``anthropic`` package is missing, or no API key is given.
    """

    provider = "anthropic"
    schema_option = "output_config"

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
        self._sdk = import_sdk("anthropic", provider=self.provider, package="anthropic")
        if not api_key:
            raise LLMUnavailableError(
                "the anthropic provider needs PERSONAE_ANTHROPIC_API_KEY",
                provider=self.provider,
                model=model,
            )
        self._client: Any = shared_client(
            ("anthropic", api_key, base_url),
            lambda: self._sdk.Anthropic(api_key=api_key, base_url=base_url, max_retries=0),
        )
        self._json_schema_mode = True

    def _kwargs(self, request: GenerationRequest) -> dict[str, Any]:
        system, turns = _split(request.messages)
        kwargs: dict[str, Any] = {
            "model": self.model,
            "messages": turns,
            "max_tokens": request.max_tokens,
            "timeout": request.timeout,
        }
        if system:
            kwargs["system"] = system
        if request.stop:
            kwargs["stop_sequences"] = list(request.stop)
        if request.json_schema is not None and self._json_schema_mode:
            kwargs["output_config"] = {
                "format": {"type": "json_schema", "schema": request.json_schema}
            }
        return kwargs

    def _sdk_call(self, kwargs: dict[str, Any]) -> Any:
        return self._client.messages.create(**kwargs)

    def _generate(self, request: GenerationRequest) -> Completion:
        started = time.perf_counter()
        response = self._send(request)
        text = "".join(
            getattr(block, "text", "")
            for block in getattr(response, "content", None) or []
            if getattr(block, "type", None) == "text"
        )
        usage = getattr(response, "usage", None)
        reason = getattr(response, "stop_reason", None) or "end_turn"
        return Completion(
            text=text,
            prompt_tokens=int(getattr(usage, "input_tokens", 0) or 0),
            completion_tokens=int(getattr(usage, "output_tokens", 0) or 0),
            latency_ms=(time.perf_counter() - started) * 1000.0,
            model=self.model,
            provider=self.provider,
            finish_reason=_FINISH.get(reason, reason),
        )

    def _generate_stream(self, request: GenerationRequest, stats: StreamStats) -> Iterator[str]:
        stream = self._send(request, stream=True)
        try:
            for event in stream:
                kind = getattr(event, "type", None)
                if kind == "message_start":
                    usage = getattr(getattr(event, "message", None), "usage", None)
                    stats.prompt_tokens = int(getattr(usage, "input_tokens", 0) or 0)
                elif kind == "content_block_delta":
                    text = getattr(getattr(event, "delta", None), "text", None)
                    if text:
                        yield text
                elif kind == "message_delta":
                    reason = getattr(getattr(event, "delta", None), "stop_reason", None)
                    if reason:
                        stats.finish_reason = _FINISH.get(reason, reason)
                    usage = getattr(event, "usage", None)
                    stats.completion_tokens = int(getattr(usage, "output_tokens", 0) or 0)
        except self._sdk.APIError as exc:
            raise self._translated(exc) from exc
        except Exception as exc:
            error = translate_transport(exc, provider=self.provider, model=self.model)
            if error is None:
                raise
            raise error from exc
        finally:
            stream.close()
