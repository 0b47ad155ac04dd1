"""Helpers for the API tests: users with tokens, settings, personas, error envelopes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from personae.auth import create_access_token, new_token_id
from personae.config import Settings
from personae.store import Database, crud, session_scope

__all__ = [
    "PASSWORD",
    "SECRET",
    "User",
    "create_persona",
    "error_of",
    "make_settings",
    "open_sign_in",
    "signed_in_token",
]

PASSWORD = "correct horse battery staple"
SECRET = "api-test-secret-that-is-long-enough-for-hs256-0123456789"


@dataclass(frozen=True)
class User:
    """A user of the test database and a valid access token for them."""

    id: int
    email: str
    role: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def make_settings(database_url: str, data_dir: Path, **overrides: Any) -> Settings:
    """Settings for an app under test: generous limits unless a test tightens them."""
    values: dict[str, Any] = {
        "database_url": database_url,
        "data_dir": data_dir,
        "environment": "test",
        "secret_key": SECRET,
        "redis_url": None,
        "rate_limit_per_minute": 100_000,
        "auth_rate_limit_per_minute": 100_000,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)


def create_persona(client: TestClient, user: User, **fields: Any) -> dict[str, Any]:
    """Create a persona through the API and return its ``data``."""
    body = {"name": "analyst", "role": "Analyst"} | fields
    response = client.post("/api/personas", json=body, headers=user.headers)
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


def error_of(response: Any) -> dict[str, Any]:
    """The ``error`` of an error envelope, checking the envelope's shape on the way."""
    body = response.json()
    assert body["success"] is False, body
    assert set(body) == {"success", "error"}, body
    assert set(body["error"]) == {"code", "message", "details"}, body
    error: dict[str, Any] = body["error"]
    return error


def open_sign_in(db: Database, user_id: int) -> tuple[str, str]:
    """Start a sign-in for ``user_id`` straight in the store: ``(session id, refresh jti)``."""
    session_id, refresh_jti = new_token_id(), new_token_id()
    with session_scope(db) as session:
        crud.create_auth_session(
            session=session,
            user_id=user_id,
            session_id=session_id,
            refresh_jti=refresh_jti,
            expires_at=datetime.now(UTC) + timedelta(days=1),
        )
    return session_id, refresh_jti


def signed_in_token(
    db: Database, user_id: int, role: str = "user", *, settings: Settings, **kwargs: Any
) -> str:
    """An access token of a fresh sign-in of ``user_id`` (as a login would answer)."""
    session_id, _ = open_sign_in(db, user_id)
    return create_access_token(user_id, role, session_id=session_id, settings=settings, **kwargs)  # type: ignore[arg-type]
