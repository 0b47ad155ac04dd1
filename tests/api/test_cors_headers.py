"""CORS by PERSONAE_CORS_ORIGINS (none by default), security headers on every answer."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx2
import pytest

from personae.config import Settings
from personae.store import Database
from tests.doubles import ScriptedLLM
from tests.serving import run_server
from tests.v1.conftest import build_app

APP = "https://app.example.org"
PREFLIGHT = {
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "authorization,content-type",
}


@pytest.fixture
def serve(settings: Settings, db: Database) -> Any:
    def run(**overrides: Any) -> Iterator[str]:
        yield from run_server(build_app(settings.model_copy(update=overrides), db, ScriptedLLM()))

    return run


def test_no_cross_origin_access_by_default(serve: Any) -> None:
    for url in serve():
        answer = httpx2.options(
            f"{url}/v1/chat/completions", headers={"Origin": APP, **PREFLIGHT}, timeout=30
        )
        assert "access-control-allow-origin" not in answer.headers
        read = httpx2.get(f"{url}/api/health/live", headers={"Origin": APP}, timeout=30)
        assert "access-control-allow-origin" not in read.headers


def test_listed_origins_only(serve: Any) -> None:
    for url in serve(cors_origins=f"{APP}/, https://other.example.org"):
        allowed = httpx2.options(
            f"{url}/v1/chat/completions", headers={"Origin": APP, **PREFLIGHT}, timeout=30
        )
        assert allowed.status_code == 200
        assert allowed.headers["access-control-allow-origin"] == APP
        assert "authorization" in allowed.headers["access-control-allow-headers"].lower()
        assert "access-control-allow-credentials" not in allowed.headers
        assert allowed.headers["x-content-type-options"] == "nosniff"  # preflights too
        read = httpx2.get(f"{url}/api/health/live", headers={"Origin": APP}, timeout=30)
        assert read.headers["access-control-allow-origin"] == APP
        assert "x-request-id" in read.headers["access-control-expose-headers"].lower()
        stranger = httpx2.options(
            f"{url}/v1/chat/completions",
            headers={"Origin": "https://evil.example.com", **PREFLIGHT},
            timeout=30,
        )
        assert "access-control-allow-origin" not in stranger.headers


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/health/live"),
        ("GET", "/metrics"),
        ("GET", "/v1/models"),
        ("POST", "/mcp"),
        ("GET", "/api/usage"),
        ("GET", "/no/such/path"),
    ],
)
def test_security_headers_on_every_new_answer(serve: Any, method: str, path: str) -> None:
    for url in serve():
        answer = httpx2.request(method, f"{url}{path}", timeout=30)
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["x-frame-options"] == "DENY"
        assert answer.headers["referrer-policy"] == "no-referrer"
        assert answer.headers["x-request-id"]
