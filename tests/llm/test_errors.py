"""How the LLM error family reaches HTTP clients."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from personae.api._errors import install_error_handlers
from personae.errors import (
    LLMError,
    LLMOutputError,
    LLMSpecError,
    LLMTimeoutError,
    LLMTransientError,
    LLMUnavailableError,
)


def _client(error: LLMError) -> TestClient:
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/call")
    def call() -> None:
        raise error

    return TestClient(app, raise_server_exceptions=False)


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (LLMSpecError("bad spec"), 422, "llm_spec_invalid"),
        (LLMUnavailableError("no key"), 503, "llm_unavailable"),
        (LLMTimeoutError("slow"), 504, "llm_timeout"),
        (LLMOutputError("junk", errors=["x: Field required"]), 502, "llm_output_invalid"),
    ],
)
def test_llm_errors_keep_the_envelope(error: LLMError, status: int, code: str) -> None:
    with _client(error) as client:
        response = client.get("/call")
    assert response.status_code == status
    body = response.json()
    assert body["success"] is False
    assert body["error"]["code"] == code
    assert body["error"]["message"] == error.message
    assert "Retry-After" not in response.headers


def test_a_rate_limited_provider_passes_its_hint_on() -> None:
    with _client(LLMTransientError("busy", retry_after=2.2, provider="openai")) as client:
        response = client.get("/call")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "3"
    assert response.json()["error"]["details"] == {"retry_after": 2.2, "provider": "openai"}
