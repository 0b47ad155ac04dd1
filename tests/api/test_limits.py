"""Request size limits: refused on the declared length before reading, or while counting."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from personae.api import create_app
from personae.api._limits import BodySizeLimitMiddleware
from personae.store import Database
from tests.api.helpers import User, error_of, make_settings

LIMIT = 2_000


@pytest.fixture
def small_client(db: Database, database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    settings = make_settings(database_url, tmp_path, max_request_bytes=LIMIT)
    with TestClient(create_app(settings)) as client:
        yield client


def _body(size: int) -> bytes:
    padding = size - len(b'{"name": "x", "context": ""}')
    return b'{"name": "x", "context": "' + b"a" * padding + b'"}'


def test_a_body_at_the_limit_is_read(small_client: TestClient, alice: User) -> None:
    body = _body(LIMIT)
    assert len(body) == LIMIT
    response = small_client.post(
        "/api/personas", content=body, headers=alice.headers | {"content-type": "application/json"}
    )
    assert response.status_code == 201, response.text


def test_a_declared_oversize_body_is_a_413(small_client: TestClient, alice: User) -> None:
    response = small_client.post(
        "/api/personas",
        content=_body(LIMIT + 1),
        headers=alice.headers | {"content-type": "application/json"},
    )
    assert response.status_code == 413
    error = error_of(response)
    assert error["code"] == "request_too_large"
    assert error["details"] == {"limit": LIMIT}
    assert small_client.get("/api/personas", headers=alice.headers).json()["data"]["total"] == 0


def test_a_chunked_oversize_body_is_a_413(small_client: TestClient, alice: User) -> None:
    def chunks() -> Iterator[bytes]:
        body = _body(LIMIT * 3)
        for start in range(0, len(body), 500):
            yield body[start : start + 500]

    response = small_client.post(
        "/api/personas",
        content=chunks(),
        headers=alice.headers | {"content-type": "application/json"},
    )
    assert response.status_code == 413
    assert error_of(response)["code"] == "request_too_large"


def test_oversize_uploads_are_refused_before_authentication(small_client: TestClient) -> None:
    response = small_client.post(
        "/api/personas/import/card",
        content=b"\x89PNG" + b"\x00" * LIMIT,
        headers={"content-type": "image/png"},
    )
    assert response.status_code == 413  # not 401: nothing was read, nobody was looked up


def test_the_middleware_refuses_unread_bodies_itself() -> None:
    """An app that reads past the limit outside FastAPI's handlers still gets a 413."""
    sent: list[dict[str, object]] = []

    async def reader(scope: dict, receive, send) -> None:  # type: ignore[no-untyped-def]
        while (await receive()).get("more_body"):
            pass

    messages = iter(
        [
            {"type": "http.request", "body": b"x" * 60, "more_body": True},
            {"type": "http.request", "body": b"x" * 60, "more_body": False},
        ]
    )

    async def receive() -> dict[str, object]:
        return next(messages)

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    middleware = BodySizeLimitMiddleware(reader, max_bytes=100)
    asyncio.run(middleware({"type": "http", "headers": []}, receive, send))
    assert sent[0]["status"] == 413
    assert b"request_too_large" in sent[1]["body"]  # type: ignore[operator]


def test_the_limit_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        BodySizeLimitMiddleware(lambda *a: None, max_bytes=0)  # type: ignore[arg-type]
