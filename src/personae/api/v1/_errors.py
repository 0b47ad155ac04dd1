"""Errors in OpenAI's shape on ``/v1``: ``{"error": {"message", "type", "param", "code"}}``.

The statuses are those the ``openai`` SDK maps to its exceptions: 400 →
``BadRequestError`` (personae's 422s: bad input, a request body that does not validate),
401 → ``AuthenticationError``, 404 → ``NotFoundError`` (an unknown persona is an unknown
model), 429 → ``RateLimitError`` with ``Retry-After`` (the rate limit, or the monthly
token budget: ``insufficient_quota``), 5xx → ``InternalServerError``.

:class:`OpenAIRoute` catches what a ``/v1`` route (its dependencies and body validation
included) raises, so the rest of the API keeps its own envelope.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import Response

from personae.api._errors import status_for, unparsable_body
from personae.errors import (
    AuthError,
    LLMTransientError,
    NotFoundError,
    PersonaeError,
    PersonaNotFoundError,
    RateLimitedError,
)

__all__ = ["OpenAIRoute", "openai_error"]

logger = logging.getLogger("personae.api")


def openai_error(
    status: int,
    message: str,
    *,
    type_: str,
    code: str | None,
    param: str | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """An error response in OpenAI's shape."""
    body = {"error": {"message": message, "type": type_, "param": param, "code": code}}
    return JSONResponse(status_code=status, content=body, headers=headers)


def _from_domain(exc: PersonaeError) -> JSONResponse:
    status = status_for(exc)
    headers: dict[str, str] = {}
    if isinstance(exc, AuthError):
        headers["WWW-Authenticate"] = "Bearer"
        return openai_error(
            401, exc.message, type_="invalid_request_error", code="invalid_api_key", headers=headers
        )
    if isinstance(exc, RateLimitedError):
        headers["Retry-After"] = str(exc.retry_after)
        quota = exc.code == "token_budget_exceeded"
        return openai_error(
            429,
            exc.message,
            type_="insufficient_quota" if quota else "requests",
            code="insufficient_quota" if quota else "rate_limit_exceeded",
            headers=headers,
        )
    if isinstance(exc, PersonaNotFoundError):
        return openai_error(
            404, exc.message, type_="invalid_request_error", code="model_not_found", param="model"
        )
    if isinstance(exc, NotFoundError):
        return openai_error(404, exc.message, type_="invalid_request_error", code=exc.code)
    if isinstance(exc, LLMTransientError) and exc.retry_after is not None:
        headers["Retry-After"] = str(max(1, math.ceil(exc.retry_after)))
    if status >= 500:
        logger.warning("/v1: %s", exc.message)
        return openai_error(
            status, exc.message, type_="server_error", code=exc.code, headers=headers
        )
    # Everything the caller can fix (422s and 409s elsewhere) is a bad request here.
    field = exc.details.get("field")
    return openai_error(
        400,
        exc.message,
        type_="invalid_request_error",
        code=exc.code,
        param=field if isinstance(field, str) else None,
    )


def _location(loc: tuple[Any, ...]) -> str:
    parts = [str(part) for part in loc if part != "body"]
    path = ""
    for part in parts:
        path += f"[{part}]" if part.isdigit() else (f".{part}" if path else part)
    return path


def _from_validation(exc: RequestValidationError) -> JSONResponse:
    errors = exc.errors()
    first = errors[0] if errors else {}
    param = _location(tuple(first.get("loc", ())))
    message = str(first.get("msg", "invalid request"))
    if first.get("type") == "json_invalid":
        message, param = "the body is not valid JSON", ""
    summary = f"{param}: {message}" if param else message
    if len(errors) > 1:
        summary += f" (and {len(errors) - 1} more problem(s))"
    return openai_error(
        400, summary, type_="invalid_request_error", code="invalid_value", param=param or None
    )


class OpenAIRoute(APIRoute):
    """A route whose failures are answered in OpenAI's error shape."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def answer(request: Request) -> Response:
            try:
                return await handler(request)
            except PersonaeError as exc:
                return _from_domain(exc)
            except RequestValidationError as exc:
                return _from_validation(exc)
            except StarletteHTTPException as exc:
                # FastAPI's own 400 for a body json.loads cannot read (not UTF-8, too deep).
                reason = unparsable_body(exc)
                if reason is None:
                    raise
                return openai_error(400, reason, type_="invalid_request_error", code="invalid_json")

        return answer
