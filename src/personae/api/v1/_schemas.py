"""The OpenAI chat API's request and response bodies, as far as personae serves them.

Requests are read permissively (``extra="allow"``): clients send many knobs personae has
no use for (``top_p``, ``frequency_penalty``, ``logit_bias`` …) and refusing them would
break SillyTavern and Open WebUI. What personae does read is validated, with the bounds
OpenAI documents, and a bad value is a 400 in OpenAI's error shape.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

__all__ = [
    "OPENAI_ERROR_RESPONSES",
    "ChatCompletion",
    "ChatCompletionRequest",
    "Choice",
    "ContentPart",
    "ModelCard",
    "ModelList",
    "OpenAIError",
    "OpenAIErrorBody",
    "PersonaeExtension",
    "RequestMessage",
    "ResponseMessage",
    "Usage",
]

MAX_MESSAGES = 1_000


class ContentPart(BaseModel):
    """One part of a multi-part message; personae reads the ``text`` parts."""

    model_config = ConfigDict(extra="allow")

    type: str
    text: str | None = None


class RequestMessage(BaseModel):
    """One message of the conversation the client sends."""

    model_config = ConfigDict(extra="allow")

    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: str | list[ContentPart] | None = None
    name: Annotated[str, StringConstraints(max_length=256)] | None = None

    def text(self) -> str:
        """The message's text (the text parts of a multi-part message, joined)."""
        if self.content is None:
            return ""
        if isinstance(self.content, str):
            return self.content
        return "\n".join(part.text for part in self.content if part.text)

    def has_non_text(self) -> bool:
        """Whether the message carries parts personae cannot read (images, audio)."""
        return isinstance(self.content, list) and any(
            part.type not in ("text", "input_text") for part in self.content
        )


class StreamOptions(BaseModel):
    """``stream_options``: ``include_usage`` adds a last chunk with the usage."""

    model_config = ConfigDict(extra="allow")

    include_usage: bool = False


class PersonaeExtension(BaseModel):
    """``"personae": {...}`` — extensions an OpenAI client never sends."""

    model_config = ConfigDict(extra="forbid")

    score: bool = Field(
        default=False, description="Add the reply's style-match score against the persona."
    )


class JsonSchemaFormat(BaseModel):
    """``response_format.json_schema``: a named JSON Schema."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    name: Annotated[str, StringConstraints(max_length=64)] = "answer"
    schema_: dict[str, Any] | None = Field(default=None, alias="schema")
    strict: bool | None = None


class ResponseFormat(BaseModel):
    """``response_format``: plain text, any JSON object, or JSON following a schema."""

    model_config = ConfigDict(extra="allow")

    type: Literal["text", "json_object", "json_schema"]
    json_schema: JsonSchemaFormat | None = None

    def schema_for_model(self) -> dict[str, Any] | None:
        """The JSON Schema the reply must follow (``None`` for plain text)."""
        if self.type == "text":
            return None
        if self.type == "json_object":
            return {"type": "object"}
        if self.json_schema is None or self.json_schema.schema_ is None:
            raise ValueError("response_format json_schema needs json_schema.schema")
        return self.json_schema.schema_


class ChatCompletionRequest(BaseModel):
    """``POST /v1/chat/completions``."""

    model_config = ConfigDict(extra="allow")

    model: Annotated[str, StringConstraints(min_length=1, max_length=200)] = Field(
        description="The persona's name (see GET /v1/models)."
    )
    messages: list[RequestMessage] = Field(min_length=1, max_length=MAX_MESSAGES)
    stream: bool = False
    stream_options: StreamOptions | None = None
    temperature: float | None = Field(default=None, ge=0, le=2)
    max_tokens: int | None = Field(default=None, ge=1, le=1_000_000)
    max_completion_tokens: int | None = Field(default=None, ge=1, le=1_000_000)
    stop: str | list[Annotated[str, StringConstraints(min_length=1)]] | None = None
    seed: int | None = Field(default=None, ge=0, lt=2**31)
    n: int | None = Field(default=None, ge=1, le=1)
    user: Annotated[str, StringConstraints(max_length=256)] | None = None
    response_format: ResponseFormat | None = None
    personae: PersonaeExtension | None = None

    def stops(self) -> list[str]:
        """``stop`` as a list (OpenAI allows one string or up to four)."""
        if self.stop is None:
            return []
        return [self.stop] if isinstance(self.stop, str) else list(self.stop)


class ModelCard(BaseModel):
    """A persona as a model."""

    id: str
    object: Literal["model"] = "model"
    created: int
    owned_by: str = "personae"


class ModelList(BaseModel):
    """``GET /v1/models``."""

    object: Literal["list"] = "list"
    data: list[ModelCard]


class Usage(BaseModel):
    """Tokens of the turn (streamed replies: estimated)."""

    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class ResponseMessage(BaseModel):
    """The persona's reply."""

    role: Literal["assistant"] = "assistant"
    content: str


class Choice(BaseModel):
    """The one choice personae returns."""

    index: int = 0
    message: ResponseMessage
    finish_reason: str
    logprobs: None = None


class ChatCompletion(BaseModel):
    """``POST /v1/chat/completions`` without ``stream``."""

    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[Choice]
    usage: Usage
    system_fingerprint: str | None = None
    personae: dict[str, Any] | None = Field(
        default=None, description="Extensions asked for with 'personae' (the reply's score)."
    )


class OpenAIErrorBody(BaseModel):
    """What went wrong, as OpenAI words it."""

    message: str
    type: str = Field(
        description="invalid_request_error, requests, insufficient_quota, server_error"
    )
    param: str | None = None
    code: str | None = Field(default=None, description="model_not_found, invalid_api_key …")


class OpenAIError(BaseModel):
    """Every ``/v1`` error: ``{"error": {"message", "type", "param", "code"}}``."""

    error: OpenAIErrorBody


OPENAI_ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": OpenAIError, "description": description}
    for status, description in (
        (400, "Bad request (the SDK's BadRequestError)"),
        (401, "Missing or wrong API key (AuthenticationError)"),
        (404, "No such persona (NotFoundError)"),
        (422, "Never sent: a body that does not validate is a 400, as OpenAI answers"),
        (429, "Rate limit or monthly token budget, with Retry-After (RateLimitError)"),
        (503, "The model is unavailable (InternalServerError)"),
    )
}
"""The error answers documented on every ``/v1`` route."""
