"""``personae serve``: migrate SQLite, refuse an unmigrated PostgreSQL, then run uvicorn."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import uvicorn
from typer.testing import CliRunner

from personae.cli._app import app
from personae.store import Database, head_revision
from tests.conftest import POSTGRES_URL


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    calls: list[dict[str, Any]] = []

    def fake_run(target: str, **options: Any) -> None:
        calls.append({"target": target, **options})

    monkeypatch.setattr(uvicorn, "run", fake_run)
    return calls


def test_serve_migrates_sqlite_then_runs_uvicorn(
    runner: CliRunner, runs: list[dict[str, Any]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PERSONAE_DATA_DIR", str(tmp_path))
    result = runner.invoke(app, ["serve", "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert runs == [
        {
            "target": "personae.api.main:create_app",
            "factory": True,
            "host": "127.0.0.1",
            "port": 8123,
            "reload": False,
            "proxy_headers": False,  # PERSONAE_TRUSTED_PROXIES is empty by default
            "forwarded_allow_ips": "",
        }
    ]
    with Database(f"sqlite:///{tmp_path / 'personae.db'}") as db:
        assert db.current_revision() == head_revision()
    assert "http://127.0.0.1:8123" in result.output


def test_serve_takes_host_and_port_from_the_settings(
    runner: CliRunner, runs: list[dict[str, Any]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PERSONAE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("PERSONAE_HOST", "0.0.0.0")
    monkeypatch.setenv("PERSONAE_PORT", "9000")
    assert runner.invoke(app, ["serve", "--reload"]).exit_code == 0
    assert (runs[0]["host"], runs[0]["port"], runs[0]["reload"]) == ("0.0.0.0", 9000, True)


@pytest.mark.skipif(POSTGRES_URL is None, reason="PERSONAE_TEST_POSTGRES_URL is not set")
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_serve_refuses_an_unmigrated_postgresql(
    runner: CliRunner,
    runs: list[dict[str, Any]],
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PERSONAE_DATABASE_URL", database_url)
    result = runner.invoke(app, ["serve"])
    assert result.exit_code == 2
    assert "personae db upgrade" in result.output
    assert runs == []


def test_a_bad_port_is_a_usage_error(runner: CliRunner, runs: list[dict[str, Any]]) -> None:
    assert runner.invoke(app, ["serve", "--port", "70000"]).exit_code == 2
    assert runs == []
