"""No secret in any log (issue 13, finding 5): a full session against a real uvicorn with
its access log on, then every log line is scraped for the tokens, keys and password."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from websockets.sync.client import connect

from personae.store import Database
from tests.api.helpers import make_settings
from tests.api.routes.test_chat import chat_app
from tests.serving import run_server

PASSWORD = "an unusual passphrase for the log test"


@pytest.fixture
def live(db: Database, database_url: str, tmp_path: Path) -> Iterator[str]:
    settings = make_settings(database_url, tmp_path)
    for url in run_server(
        chat_app(settings, db), ws="websockets-sansio", log_level="info", access_log=True
    ):
        yield url.removeprefix("http://")


def test_a_full_session_leaves_no_secret_in_the_logs(
    live: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    secrets: list[str] = [PASSWORD]
    # A generous client timeout: on a loaded CI machine a write can take over httpx's 5 s.
    with httpx.Client(base_url=f"http://{live}", timeout=30) as http:
        registered = http.post(
            "/api/auth/register", json={"email": "log@example.org", "password": PASSWORD}
        ).json()["data"]["tokens"]
        logged_in = http.post(
            "/api/auth/login", json={"email": "log@example.org", "password": PASSWORD}
        ).json()["data"]
        refreshed = http.post(
            "/api/auth/refresh", json={"refresh_token": logged_in["refresh_token"]}
        ).json()["data"]
        bearer = {"Authorization": f"Bearer {refreshed['access_token']}"}
        key = http.post("/api/auth/keys", json={"name": "bot"}, headers=bearer).json()["data"]
        secrets += [
            registered["access_token"],
            registered["refresh_token"],
            logged_in["access_token"],
            logged_in["refresh_token"],
            refreshed["access_token"],
            refreshed["refresh_token"],
            key["api_key"],
        ]
        persona = http.post("/api/personas", json={"name": "ada"}, headers=bearer).json()["data"]
        http.get(f"/api/personas/{persona['id']}", headers=bearer)
        http.get("/api/personas", headers={"Authorization": f"Bearer {key['api_key']}"})
        # Old refresh token again (reuse), a wrong password, a bad key: errors get logged too.
        http.post("/api/auth/refresh", json={"refresh_token": logged_in["refresh_token"]})
        http.post("/api/auth/login", json={"email": "log@example.org", "password": PASSWORD + "x"})
        for token in (registered["access_token"], key["api_key"]):
            with connect(f"ws://{live}/ws/chat") as ws:
                ws.send(json.dumps({"type": "auth", "token": token}))
                ws.recv(timeout=20)
            with connect(f"ws://{live}/ws/chat?token={token}") as ws:  # refused, and...
                ws.recv(timeout=20)
        http.post("/api/auth/logout", headers=bearer)
    time.sleep(0.2)
    # The server's log lines: not the test's own HTTP and WebSocket clients' debug logs.
    client_side = ("httpx", "httpcore", "websockets.client")
    text = "\n".join(
        record.getMessage() for record in caplog.records if not record.name.startswith(client_side)
    )
    assert "GET /api/personas" in text  # the access log was on
    assert "/ws/chat?token=[redacted]" in text  # uvicorn logs the URL before the app runs
    for secret in secrets:
        assert secret not in text
