"""Raw request bodies, for routes that take a file rather than a JSON model.

Definitions files (JSON or YAML) and character cards (JSON or PNG) are parsed by the
store, which knows their formats and reports their errors (``SyncError``,
``CardError`` → 422). The routes stay synchronous (they run in the thread pool with the
database work) and get the bytes through this async dependency.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request

__all__ = ["RawBody", "content_type", "request_body"]


async def _read(request: Request) -> bytes:
    return await request.body()


RawBody = Annotated[bytes, Depends(_read)]
"""The request body as bytes (already size-limited by the middleware)."""


def content_type(request: Request) -> str:
    """The media type without parameters, lower-cased (``""`` when absent)."""
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


def request_body(description: str, content: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """``openapi_extra`` documenting a raw request body by media type."""
    return {"requestBody": {"required": True, "description": description, "content": content}}
