"""Fixtures for the content library: a service on the test database, a persona, a clock
that tests move, and a real local HTTP server that receives webhooks."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from personae.api import create_app
from personae.config import Settings
from personae.content import ContentService
from personae.store import Database, PersonaCreate, crud, session_scope
from tests.api.helpers import make_settings
from tests.doubles import persona_writer


@pytest.fixture
def settings(db: Database, database_url: str, tmp_path: Path) -> Settings:
    """The API tests' settings, with webhooks allowed to reach the local receiver."""
    return make_settings(database_url, tmp_path, publish_allow_private_urls=True)


@pytest.fixture
def writer_client(settings: Settings) -> Iterator[TestClient]:
    """The API with every model call answered by the deterministic persona writer."""
    with TestClient(create_app(settings, llm_for=lambda *_: persona_writer())) as client:
        yield client


@pytest.fixture(autouse=True)
def _private_webhooks_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI reads its settings from the environment: the receiver is on loopback."""
    monkeypatch.setenv("PERSONAE_PUBLISH_ALLOW_PRIVATE_URLS", "true")


@dataclass
class Clock:
    """Now, as the test sets it."""

    now: datetime = datetime(2026, 3, 2, 8, 30, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Receiver:
    """A webhook receiver on 127.0.0.1: answers with ``statuses`` in turn (then 200),
    keeps every request's headers and body."""

    statuses: list[int] = field(default_factory=list)
    requests: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    answer: dict[str, Any] = field(default_factory=dict)
    url: str = ""


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            state.requests.append((dict(self.headers.items()), body))
            status = state.statuses.pop(0) if state.statuses else 200
            reply = json.dumps(state.answer).encode() if status == 200 else b"{}"
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def service(db: Database, clock: Clock, sleeps: list[float]) -> ContentService:
    return ContentService(db, clock=clock, sleep=sleeps.append, allow_private_urls=True)


@pytest.fixture
def persona_ids(db: Database, owner_ids: tuple[int, int]) -> tuple[int, int]:
    """A persona of alice's and one of bob's."""
    alice, bob = owner_ids
    with session_scope(db) as session:
        mine = crud.create_persona(
            session=session, owner_id=alice, data=PersonaCreate(name="founder")
        )
        theirs = crud.create_persona(
            session=session, owner_id=bob, data=PersonaCreate(name="other")
        )
        return mine.id, theirs.id
