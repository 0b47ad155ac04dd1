"""What the API lets slip (issue 13, findings 5 and 8): secrets in logs and errors, files
named by requests, missing security headers, proxy headers trusted by default."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy.exc import OperationalError

from personae.api import create_app
from personae.config import DEVELOPMENT_SECRET_KEY, Settings
from personae.store import Database
from tests.api.helpers import User, create_persona, error_of, make_settings


def test_settings_errors_never_echo_values(monkeypatch: pytest.MonkeyPatch) -> None:
    # As a production start reads them: all from the environment.
    monkeypatch.setenv("PERSONAE_ENVIRONMENT", "production")
    monkeypatch.setenv("PERSONAE_SECRET_KEY", "short")
    monkeypatch.setenv("PERSONAE_OPENAI_API_KEY", "sk-live-VERYSECRET123")
    with pytest.raises(ValidationError) as caught:
        Settings(_env_file=None)
    assert "VERYSECRET" not in str(caught.value)
    assert "PERSONAE_SECRET_KEY" in str(caught.value)


def test_a_503_names_no_connection_details(
    client: TestClient, alice: User, monkeypatch: pytest.MonkeyPatch, database_url: str
) -> None:
    def unreachable(self: Any, *args: Any, **kwargs: Any) -> Any:
        raise OperationalError(
            "SELECT 1",
            {},
            Exception(
                'connection to server at "db.internal" (10.0.0.7), port 5432 failed: '
                'database "personae_prod"'
            ),
        )

    monkeypatch.setattr("sqlalchemy.orm.Session.execute", unreachable)
    response = client.get("/api/personas", headers=alice.headers)
    assert response.status_code == 503
    for detail in ("db.internal", "10.0.0.7", "5432", "personae_prod"):
        assert detail not in response.text


def test_requests_cannot_name_model_files(client: TestClient, alice: User) -> None:
    pid = create_persona(client, alice)["id"]
    answers = []
    for path in ("/root/.ssh/id_rsa", "/nonexistent/model.gguf"):
        response = client.post(
            "/api/chat",
            json={"message": "hi", "personaId": pid, "llm": f"local:{path}"},
            headers=alice.headers,
        )
        assert response.status_code == 422
        answers.append(error_of(response)["message"].replace(path, "<path>"))
    assert answers[0] == answers[1]  # no oracle: the same answer, whatever the file


def test_security_headers_on_every_response(client: TestClient, alice: User) -> None:
    public = client.get("/api/health")
    assert public.headers["X-Content-Type-Options"] == "nosniff"
    private = client.get("/api/personas", headers=alice.headers)
    assert private.headers["X-Content-Type-Options"] == "nosniff"
    assert private.headers["Cache-Control"] == "no-store"
    pid = create_persona(client, alice)["id"]
    hot = client.get(f"/api/personas/{pid}", headers=alice.headers)  # the cached hot path
    assert hot.headers["Cache-Control"] == "no-store"
    assert client.get("/api/nope").headers["X-Content-Type-Options"] == "nosniff"


def test_a_development_server_never_signs_with_the_published_secret(
    db: Database, database_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = make_settings(
        database_url, tmp_path, environment="development", secret_key=DEVELOPMENT_SECRET_KEY
    )
    with caplog.at_level(logging.WARNING), TestClient(create_app(settings)) as client:
        used = client.app.state.personae.settings.secret_key.get_secret_value()  # type: ignore[attr-defined]
    assert used != DEVELOPMENT_SECRET_KEY
    key_file = tmp_path / "secret_key"
    assert key_file.read_text().strip() == used
    assert os.stat(key_file).st_mode & 0o077 == 0
    assert sum("PERSONAE_SECRET_KEY is not set" in r.message for r in caplog.records) == 1
    with TestClient(create_app(settings)) as again:  # the same key, said once only
        assert again.app.state.personae.settings.secret_key.get_secret_value() == used  # type: ignore[attr-defined]
    assert sum("PERSONAE_SECRET_KEY is not set" in r.message for r in caplog.records) == 1


def test_serve_trusts_no_proxy_headers_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    from personae.cli import _serve
    from personae.config import get_settings

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: calls.append(k))
    monkeypatch.setattr(_serve, "open_database", lambda settings: _NoDatabase())
    get_settings.cache_clear()
    try:
        _serve.serve(host="127.0.0.1", port=8000, reload=False)
    finally:
        get_settings.cache_clear()
    assert calls[0]["proxy_headers"] is False
    assert calls[0]["forwarded_allow_ips"] == ""


class _NoDatabase:
    """Stands for the opened (migrated) database: ``serve`` only names it."""

    def __enter__(self) -> _NoDatabase:
        return self

    def __exit__(self, *args: object) -> None:
        pass

    def __str__(self) -> str:
        return "sqlite://"
