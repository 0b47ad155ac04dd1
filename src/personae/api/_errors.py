"""The one place failures become HTTP statuses and error envelopes.

One handler is registered on :class:`~personae.errors.PersonaeError`; Starlette looks
handlers up along the exception's MRO, so it answers for every subclass, and the status
comes from :data:`STATUS_BY_ERROR`, itself looked up along the MRO, so a new subclass
inherits its family's status without touching this file. Routes raise the domain error
and never an ``HTTPException``.

Three more handlers keep every other answer inside the envelope: request validation
(422, listing field paths, never echoing the input, which may be a password), Starlette's
``HTTPException`` (unknown routes, wrong methods, unparsable bodies, oversize bodies) and,
last, anything unexpected (500 with no internals; the traceback goes to the log).
"""

from __future__ import annotations

import logging
import math
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from personae.api._envelope import ErrorBody, ErrorEnvelope
from personae.errors import (
    AuthError,
    CardError,
    ConflictError,
    EmbeddingError,
    InputError,
    InvalidCredentialsError,
    InvalidTokenError,
    LLMError,
    LLMOutputError,
    LLMRequestError,
    LLMSpecError,
    LLMTimeoutError,
    LLMTransientError,
    LLMUnavailableError,
    NotFoundError,
    PermissionDeniedError,
    PersonaeError,
    ProfileError,
    RateLimitedError,
    StoreError,
    SyncError,
    TokenExpiredError,
    WeakPasswordError,
)

__all__ = [
    "STATUS_BY_ERROR",
    "error_response",
    "install_error_handlers",
    "status_for",
    "unparsable_body",
]

logger = logging.getLogger("personae.api")

STATUS_BY_ERROR: dict[type[PersonaeError], int] = {
    InputError: 422,
    WeakPasswordError: 422,
    ProfileError: 422,
    SyncError: 422,
    CardError: 422,
    NotFoundError: 404,
    ConflictError: 409,
    AuthError: 401,
    PermissionDeniedError: 403,
    RateLimitedError: 429,
    StoreError: 503,
    EmbeddingError: 503,  # the embedder is missing or unreachable: the operator's to fix
    # A model call failed upstream of personae: a bad gateway by default; the caller's own
    # spec or an oversize prompt is theirs to fix (422); a provider that is missing,
    # misconfigured or rate limiting is unavailable (503, with Retry-After when the
    # provider gave one); no answer in time is a gateway timeout (504); an answer that
    # never fitted the schema is a bad gateway (502).
    LLMError: 502,
    LLMSpecError: 422,
    LLMRequestError: 422,
    LLMUnavailableError: 503,
    LLMTimeoutError: 504,
    LLMOutputError: 502,
}
"""HTTP status per error family; a subclass takes the status of its nearest listed base."""

_FALLBACK_STATUS = 400  # a bare PersonaeError: the caller's fault, but of no known family

_HTTP_CODES: dict[int, str] = {
    400: "bad_request",
    404: "not_found",
    405: "method_not_allowed",
    413: "request_too_large",
    415: "unsupported_media_type",
}


def status_for(exc: PersonaeError) -> int:
    """The HTTP status of a domain error: the first class along its MRO that is mapped.

    Examples
    --------
    >>> from personae.errors import PersonaNotFoundError
    >>> status_for(PersonaNotFoundError("no persona with id 7"))
    404
    """
    for cls in type(exc).__mro__:
        if cls in STATUS_BY_ERROR:
            return STATUS_BY_ERROR[cls]
    return _FALLBACK_STATUS


def error_response(
    status_code: int,
    code: str,
    message: str,
    details: dict[str, Any] | None = None,
    *,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """An error envelope with this status."""
    body = ErrorEnvelope(error=ErrorBody(code=code, message=message, details=details or {}))
    return JSONResponse(
        status_code=status_code,
        content=jsonable_encoder(body),
        headers=headers,
    )


def _safe_details(details: dict[str, object]) -> dict[str, Any]:
    """Details as JSON; anything that is not plain data is shown by its ``str``."""
    try:
        encoded = jsonable_encoder(details)
    except (TypeError, ValueError):
        encoded = {key: str(value) for key, value in details.items()}
    return encoded if isinstance(encoded, dict) else {}


def _auth_header(exc: AuthError) -> str:
    """``WWW-Authenticate`` as RFC 6750 words it: a sent-but-bad token is ``invalid_token``."""
    if isinstance(exc, TokenExpiredError | InvalidTokenError | InvalidCredentialsError):
        return 'Bearer error="invalid_token"'
    return "Bearer"


async def _personae_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, PersonaeError)
    status_code = status_for(exc)
    headers: dict[str, str] = {}
    if isinstance(exc, AuthError):
        headers["WWW-Authenticate"] = _auth_header(exc)
    if isinstance(exc, RateLimitedError):
        headers["Retry-After"] = str(exc.retry_after)
    if isinstance(exc, LLMTransientError) and exc.retry_after is not None:
        headers["Retry-After"] = str(max(1, math.ceil(exc.retry_after)))
    if status_code >= 500:
        logger.warning("%s %s: %s", request.method, request.url.path, exc.message)
    return error_response(
        status_code, exc.code, exc.message, _safe_details(exc.details), headers=headers
    )


def _location(loc: tuple[int | str, ...] | list[int | str]) -> str:
    """``("body", "expertise", 3)`` → ``body.expertise[3]``."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path or "request"


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors: list[dict[str, Any]] = []
    for error in exc.errors():
        loc = tuple(error.get("loc", ()))
        message = str(error.get("msg", "invalid value"))
        if error.get("type") == "json_invalid":
            # loc is ("body", <character offset>): say what the parser said, and where.
            reason = (error.get("ctx") or {}).get("error", "not valid JSON")
            at = f" at character {loc[1]}" if len(loc) > 1 else ""
            loc, message = ("body",), f"the body is not valid JSON: {reason}{at}"
        # "input" is left out on purpose: it may be a password or a large document.
        errors.append({"loc": _location(loc), "message": message, "type": error.get("type")})
    summary = "; ".join(f"{error['loc']}: {error['message']}" for error in errors[:5])
    if len(errors) > 5:
        summary += f" (and {len(errors) - 5} more)"
    return error_response(
        422, "validation_error", summary or "the request is invalid", {"errors": errors}
    )


def unparsable_body(exc: StarletteHTTPException) -> str | None:
    """Why FastAPI could not parse a JSON body, when that is what this 400 is about.

    FastAPI answers 400 when ``json.loads`` fails with anything but a syntax error (bytes
    that are not UTF-8, nesting deeper than the parser allows). To a client that is
    malformed JSON like any other, so it gets the same 422 as a syntax error.
    """
    cause = exc.__cause__
    if exc.status_code != 400:
        return None
    if isinstance(cause, UnicodeDecodeError):
        return "the body is not valid JSON: it is not UTF-8 text"
    if isinstance(cause, RecursionError):
        return "the body is not valid JSON: it is nested too deeply"
    if isinstance(cause, ValueError):
        return f"the body is not valid JSON: {cause}"
    return None


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    reason = unparsable_body(exc)
    if reason is not None:
        errors = [{"loc": "body", "message": reason, "type": "json_invalid"}]
        return error_response(422, "validation_error", f"body: {reason}", {"errors": errors})
    code = _HTTP_CODES.get(exc.status_code, f"http_{exc.status_code}")
    if exc.status_code == 404:
        message = f"no route {request.method} {request.url.path}; see /docs for the API"
    elif isinstance(exc.detail, str):
        message = exc.detail
    else:
        message = "the request cannot be served"
    return error_response(exc.status_code, code, message, headers=dict(exc.headers or {}))


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    logger.exception("unexpected error in %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(
        500, "internal_error", "an unexpected error happened on the server; it has been logged"
    )


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers on ``app`` (``create_app`` calls this once)."""
    app.add_exception_handler(PersonaeError, _personae_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)
