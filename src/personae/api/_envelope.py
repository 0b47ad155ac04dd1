"""The response envelope every route answers with, and its documented error responses.

Success is ``{"success": true, "data": …}``; failure is ``{"success": false, "error":
{"code", "message", "details"}}``, where ``code`` is the stable name of the
:mod:`personae.errors` class (``persona_not_found``, ``version_conflict`` …) so clients
branch on it, never on the message.
"""

from __future__ import annotations

from typing import Any, Generic, Literal, TypeVar

from fastapi import Response
from pydantic import BaseModel, Field

__all__ = [
    "ERROR_DESCRIPTIONS",
    "Envelope",
    "ErrorBody",
    "ErrorEnvelope",
    "error_responses",
    "json_envelope",
    "ok",
]

T = TypeVar("T")


class Envelope(BaseModel, Generic[T]):
    """A successful answer: ``data`` holds the result."""

    success: Literal[True] = True
    data: T


class ErrorBody(BaseModel):
    """What went wrong, for a program (``code``, ``details``) and for a person (``message``)."""

    code: str = Field(description="Stable machine-readable name, e.g. 'persona_not_found'.")
    message: str = Field(description="What went wrong and how to fix it, for a person.")
    details: dict[str, Any] = Field(
        default_factory=dict, description="Structured context: field paths, limits, versions."
    )


class ErrorEnvelope(BaseModel):
    """A failed answer: ``error`` says why."""

    success: Literal[False] = False
    error: ErrorBody


def ok(data: T) -> Envelope[T]:
    """Wrap a result in the success envelope."""
    return Envelope[T](data=data)


def json_envelope(data_json: bytes, *, status_code: int = 200) -> Response:
    """The success envelope around JSON that is already serialised (e.g. from the cache).

    The cache holds the exact bytes of ``data``, so a cache hit costs no parsing and no
    re-serialisation.
    """
    return Response(
        content=b'{"success":true,"data":' + data_json + b"}",
        status_code=status_code,
        media_type="application/json",
    )


ERROR_DESCRIPTIONS: dict[int, str] = {
    400: "The request cannot be parsed (e.g. a body that is not valid in its content type).",
    401: "No credentials, or an expired, forged or revoked token or API key.",
    403: "Signed in, but this action needs another role or a password sign-in.",
    404: "No such resource for this caller (another owner's rows look missing too).",
    409: "The write clashes with what is stored: re-read and try again.",
    413: "The request body is larger than the server accepts.",
    422: "The input is invalid: the message and details say which field and why.",
    429: "Too many requests; wait for the number of seconds in Retry-After.",
    503: "The database cannot be reached or is not migrated.",
}

_HEADERS: dict[int, dict[str, Any]] = {
    401: {
        "WWW-Authenticate": {
            "description": "Bearer, with the RFC 6750 error code when a token was sent.",
            "schema": {"type": "string"},
        }
    },
    429: {
        "Retry-After": {
            "description": "Whole seconds until a request will be allowed again.",
            "schema": {"type": "integer"},
        }
    },
}


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for these error statuses, each with the error envelope.

    Examples
    --------
    >>> sorted(error_responses(404, 422))
    [404, 422]
    """
    responses: dict[int | str, dict[str, Any]] = {}
    for code in codes:
        entry: dict[str, Any] = {"model": ErrorEnvelope, "description": ERROR_DESCRIPTIONS[code]}
        if code in _HEADERS:
            entry["headers"] = _HEADERS[code]
        responses[code] = entry
    return responses
