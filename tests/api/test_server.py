"""The API behind a real uvicorn server, over a real socket.

A thread runs ``uvicorn.Server`` on a free port; an HTTP client talks to it as any
client would: lifespan start and stop, the envelope, auth, and the body limit enforced
on the wire, where a chunked upload really arrives in pieces.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest

from personae.api import create_app
from personae.store import Database
from tests.api.helpers import PASSWORD, make_settings
from tests.serving import run_server

LIMIT = 4_096


@pytest.fixture
def server_url(db: Database, database_url: str, tmp_path: Path) -> Iterator[str]:
    settings = make_settings(database_url, tmp_path, max_request_bytes=LIMIT)
    yield from run_server(create_app(settings))


def test_a_session_over_a_real_socket(server_url: str) -> None:
    with httpx2.Client(base_url=server_url, timeout=30) as client:
        assert client.get("/api/health").json()["data"]["status"] == "ok"
        registered = client.post(
            "/api/auth/register", json={"email": "real@example.org", "password": PASSWORD}
        )
        assert registered.status_code == 201
        headers = {"Authorization": f"Bearer {registered.json()['data']['tokens']['access_token']}"}
        created = client.post("/api/personas", json={"name": "wire"}, headers=headers)
        assert created.status_code == 201
        pid = created.json()["data"]["id"]
        read = client.get(f"/api/personas/{pid}", headers=headers)
        assert read.json()["data"]["name"] == "wire"
        assert client.get(f"/api/personas/{pid}").status_code == 401
        assert client.get("/api/nothing-here").json()["error"]["code"] == "not_found"


def test_the_body_limit_holds_on_the_wire(server_url: str) -> None:
    with httpx2.Client(base_url=server_url, timeout=30) as client:
        declared = client.post(
            "/api/style/analyze",
            content=b"x" * (LIMIT + 1),
            headers={"content-type": "application/json"},
        )
        assert declared.status_code == 413
        assert declared.json()["error"]["code"] == "request_too_large"

        def pieces() -> Iterator[bytes]:
            for _ in range(LIMIT // 512 + 4):
                yield b"y" * 512

        chunked = client.post(
            "/api/style/analyze", content=pieces(), headers={"content-type": "application/json"}
        )
        assert chunked.request.headers.get("transfer-encoding") == "chunked"
        assert chunked.status_code == 413
        assert chunked.json()["error"]["code"] == "request_too_large"


def test_a_declared_oversize_body_is_refused_before_it_is_sent(server_url: str) -> None:
    """The 413 arrives although the client never sends the body it announced."""
    host, port = server_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(
            b"POST /api/style/analyze HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 104857600\r\n\r\n"
        )
        reply = b""
        while chunk := conn.recv(65536):  # the server closes the connection after its answer
            reply += chunk
    assert reply.startswith(b"HTTP/1.1 413")
    assert b"request_too_large" in reply
