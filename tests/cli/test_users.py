"""``personae users``: the shell-only way to make the first administrator."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from personae.api import create_app
from personae.auth import verify_password
from personae.cli._app import USER_ERROR_EXIT_CODE, app
from personae.config import Settings, get_settings
from personae.store import Database, crud, session_scope


@pytest.fixture
def store_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'users.db'}"
    monkeypatch.setenv("PERSONAE_DATABASE_URL", url)
    get_settings.cache_clear()
    return url


def _role(url: str, email: str) -> str | None:
    with Database(url) as db, session_scope(db) as session:
        if db.current_revision() is None:
            return None
        user = crud.get_user_by_email(session=session, email=email)
        return None if user is None else user.role


def test_create_an_admin_who_can_sign_in(runner: CliRunner, store_url: str) -> None:
    password = "correct horse battery"
    result = runner.invoke(
        app,
        ["users", "create", "Boss@Example.org", "--role", "admin", "--password-stdin"],
        input=password + "\n",
    )
    assert result.exit_code == 0, result.output
    assert "boss@example.org" in result.output
    assert _role(store_url, "boss@example.org") == "admin"
    with Database(store_url) as db, session_scope(db) as session:
        user = crud.get_user_by_email(session=session, email="boss@example.org")
        assert user is not None
        assert verify_password(password, user.password_hash)
    settings = Settings(_env_file=None, database_url=store_url, environment="test")
    with TestClient(create_app(settings)) as client:
        login = client.post(
            "/api/auth/login", json={"email": "boss@example.org", "password": password}
        )
        assert login.status_code == 200, login.text


def test_set_role_promotes_and_demotes(runner: CliRunner, store_url: str) -> None:
    created = runner.invoke(
        app, ["users", "create", "a@example.org", "--password-stdin"], input="long enough pw\n"
    )
    assert created.exit_code == 0, created.output
    assert _role(store_url, "a@example.org") == "user"
    assert runner.invoke(app, ["users", "set-role", "a@example.org", "admin"]).exit_code == 0
    assert _role(store_url, "a@example.org") == "admin"
    assert runner.invoke(app, ["users", "set-role", "A@example.org", "user"]).exit_code == 0
    assert _role(store_url, "a@example.org") == "user"


def test_bad_input_is_a_clear_error_and_changes_nothing(runner: CliRunner, store_url: str) -> None:
    short = runner.invoke(
        app, ["users", "create", "a@example.org", "--password-stdin"], input="short\n"
    )
    assert short.exit_code == USER_ERROR_EXIT_CODE
    assert "at least" in short.output
    assert _role(store_url, "a@example.org") is None
    unknown = runner.invoke(app, ["users", "set-role", "nobody@example.org", "admin"])
    assert unknown.exit_code == USER_ERROR_EXIT_CODE
    assert "no user" in unknown.output
    runner.invoke(
        app, ["users", "create", "a@example.org", "--password-stdin"], input="pw pw pw pw\n"
    )
    duplicate = runner.invoke(
        app, ["users", "create", "a@example.org", "--password-stdin"], input="pw pw pw pw\n"
    )
    assert duplicate.exit_code == USER_ERROR_EXIT_CODE
    assert "cannot be registered" in duplicate.output  # the same words as the API (issue 13)
