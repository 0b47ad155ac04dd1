"""``personae db upgrade``, ``personae sync`` and ``personae export`` through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from personae.cli._app import USER_ERROR_EXIT_CODE, app
from personae.cli._store import LOCAL_USER_EMAIL
from personae.config import get_settings
from personae.store import Database, crud, head_revision, session_scope

DEFINITIONS = {
    "data_analyst": {"name": "Data Analyst", "role": "Analyses data", "expertise": ["sql"]},
    "writer": {"name": "Writer", "role": "Writes"},
}


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("PERSONAE_DATA_DIR", str(folder))
    monkeypatch.delenv("PERSONAE_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    return folder


@pytest.fixture
def store_url(database_url: str, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A blank database (SQLite or PostgreSQL) named by PERSONAE_DATABASE_URL."""
    monkeypatch.setenv("PERSONAE_DATABASE_URL", database_url)
    get_settings.cache_clear()
    return database_url


def _write(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _exported(runner: CliRunner) -> dict[str, object]:
    result = runner.invoke(app, ["export"])
    assert result.exit_code == 0, result.output
    exported: dict[str, object] = json.loads(result.stdout)
    return exported


def test_db_upgrade_migrates_the_default_sqlite_file(runner: CliRunner, data_dir: Path) -> None:
    first = runner.invoke(app, ["db", "upgrade"])
    assert first.exit_code == 0, first.output
    assert f"blank → {head_revision()}" in first.output
    assert (data_dir / "personae.db").is_file()
    again = runner.invoke(app, ["db", "upgrade"])
    assert again.exit_code == 0
    assert "up to date" in again.output


def test_sync_twice_then_nothing_changed(runner: CliRunner, store_url: str, tmp_path: Path) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    file = _write(tmp_path / "defs.json", DEFINITIONS)
    first = runner.invoke(app, ["sync", str(file)])
    assert first.exit_code == 0, first.output
    assert "+ data_analyst" in first.output
    assert "2 created" in first.output
    second = runner.invoke(app, ["sync", str(file)])
    assert second.exit_code == 0, second.output
    assert "Nothing changed: 2 personas already match." in second.output
    with Database(store_url) as db, session_scope(db) as session:
        user = crud.get_user_by_email(session=session, email=LOCAL_USER_EMAIL)
        assert user is not None
        assert crud.count_personas(session=session, owner_id=user.id) == 2


def test_dry_run_shows_the_diff_and_prune_deactivates(
    runner: CliRunner, store_url: str, tmp_path: Path
) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    assert (
        runner.invoke(app, ["sync", str(_write(tmp_path / "a.json", DEFINITIONS))]).exit_code == 0
    )
    before = _exported(runner)
    changed = {"data_analyst": {**DEFINITIONS["data_analyst"], "role": "Analyses data fast"}}
    file = _write(tmp_path / "b.json", changed)

    dry = runner.invoke(app, ["sync", "--dry-run", "--prune", str(file)])
    assert dry.exit_code == 0, dry.output
    assert "Analyses data fast" in dry.output
    assert "- writer (deactivated)" in dry.output
    assert "dry run: nothing was written" in dry.output
    assert _exported(runner) == before

    real = runner.invoke(app, ["sync", "--prune", str(file)])
    assert real.exit_code == 0, real.output
    personas = {p["name"]: p for p in _exported(runner)["personas"]}  # type: ignore[union-attr]
    assert personas["data_analyst"]["role"] == "Analyses data fast"
    assert personas["writer"]["is_active"] is False


def test_strict_refuses_an_invalid_file_with_exit_2(
    runner: CliRunner, store_url: str, tmp_path: Path
) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    file = _write(tmp_path / "bad.json", {**DEFINITIONS, "broken": {"role": 5}})
    lenient = runner.invoke(app, ["sync", "--dry-run", str(file)])
    assert lenient.exit_code == 0
    assert '["broken"].role: field ignored' in lenient.output
    assert "3 created" in lenient.output  # the persona itself is kept
    strict = runner.invoke(app, ["sync", "--strict", str(file)])
    assert strict.exit_code == USER_ERROR_EXIT_CODE
    assert 'bad.json: 1 invalid field(s); nothing was synced. First: ["broken"].role' in " ".join(
        strict.stderr.split()
    )
    assert _exported(runner)["personas"] == []


def test_export_to_yaml_syncs_back_to_nothing_changed(
    runner: CliRunner, store_url: str, tmp_path: Path
) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    assert (
        runner.invoke(app, ["sync", str(_write(tmp_path / "a.json", DEFINITIONS))]).exit_code == 0
    )
    target = tmp_path / "out.yaml"
    result = runner.invoke(app, ["export", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert "Wrote 2 personas" in result.output
    exported = yaml.safe_load(target.read_text(encoding="utf-8"))
    assert [p["name"] for p in exported["personas"]] == ["data_analyst", "writer"]
    again = runner.invoke(app, ["sync", str(target)])
    assert again.exit_code == 0, again.output
    assert "Nothing changed" in again.output


def test_first_use_migrates_sqlite_but_postgres_needs_db_upgrade(
    runner: CliRunner, store_url: str, tmp_path: Path
) -> None:
    file = _write(tmp_path / "defs.json", DEFINITIONS)
    result = runner.invoke(app, ["sync", str(file)])
    if store_url.startswith("sqlite"):
        assert result.exit_code == 0, result.output
        assert "2 created" in result.output
    else:
        assert result.exit_code == USER_ERROR_EXIT_CODE
        assert "run `personae db upgrade`" in " ".join(result.stderr.split())


@pytest.mark.parametrize(
    ("content", "message"),
    [("{not json", "not valid JSON"), ("[1, 2]", "a definitions file is an object")],
)
def test_unreadable_definitions_exit_2(
    runner: CliRunner, data_dir: Path, tmp_path: Path, content: str, message: str
) -> None:
    file = tmp_path / "defs.json"
    file.write_text(content, encoding="utf-8")
    result = runner.invoke(app, ["sync", str(file)])
    assert result.exit_code == USER_ERROR_EXIT_CODE
    assert "defs.json:" in result.stderr
    assert message in result.stderr


def test_export_in_the_g1_layout(runner: CliRunner, store_url: str, tmp_path: Path) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    assert (
        runner.invoke(app, ["sync", str(_write(tmp_path / "a.json", DEFINITIONS))]).exit_code == 0
    )
    result = runner.invoke(app, ["export", "--layout", "g1"])
    assert result.exit_code == 0, result.output
    exported = json.loads(result.stdout)
    assert {name: entry["name"] for name, entry in exported.items()} == {
        "data_analyst": "Data Analyst",
        "writer": "Writer",
    }
    assert runner.invoke(app, ["export", "--layout", "nope"]).exit_code == USER_ERROR_EXIT_CODE
