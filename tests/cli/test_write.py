"""``personae persona create|drafts`` and ``personae write`` through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from personae.cli._app import USER_ERROR_EXIT_CODE, app
from personae.cli._store import LOCAL_USER_EMAIL
from personae.config import get_settings
from personae.jobs import _context as job_context
from personae.samples import SampleWriter
from personae.store import Database, crud, session_scope
from tests.cli.helpers import training_files
from tests.doubles import IDENTITY, POST, persona_writer


@pytest.fixture
def store_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'write.db'}"
    monkeypatch.setenv("PERSONAE_DATABASE_URL", url)
    get_settings.cache_clear()
    return url


@pytest.fixture(autouse=True)
def _scripted_model(monkeypatch: pytest.MonkeyPatch) -> None:
    def build(*args: Any, **kwargs: Any) -> Any:
        return persona_writer()

    monkeypatch.setattr(job_context, "build_recorded_llm", build)


@pytest.fixture
def founder(writers: list[SampleWriter]) -> SampleWriter:
    return next(w for w in writers if w.key == "founder")


def _create(runner: CliRunner, sample_dir: Path, writer: SampleWriter, *extra: str) -> Any:
    samples = [arg for path in training_files(sample_dir, writer) for arg in ("-s", path)]
    return runner.invoke(app, ["persona", "create", "founder", *samples, *extra])


def test_create_then_write(
    runner: CliRunner, store_url: str, sample_dir: Path, founder: SampleWriter, tmp_path: Path
) -> None:
    onboarding = tmp_path / "onboarding.json"
    onboarding.write_text(
        json.dumps({"onboarding_data": {"business_type": "SaaS", "target_audience": "founders"}})
    )
    created = _create(runner, sample_dir, founder, "--onboarding", str(onboarding))
    assert created.exit_code == 0, created.output
    assert IDENTITY["archetype"] in created.output
    assert IDENTITY["persona_name"] not in created.output  # a name the model made up
    tone = next(line for line in created.output.splitlines() if line.strip().startswith("tone"))
    assert "also" in tone  # the tonal range in words, not its JSON
    assert "{" not in tone
    with Database(store_url) as db, session_scope(db) as session:
        owner = crud.get_user_by_email(session=session, email=LOCAL_USER_EMAIL)
        assert owner is not None
        persona = crud.get_persona_by_name(session=session, owner_id=owner.id, name="founder")
        assert "SaaS" in persona.context
        assert persona.linguistic_fingerprint is not None

    written = runner.invoke(
        app, ["write", "what we shipped", "--persona", "founder", "--platform", "x"]
    )
    assert written.exit_code == 0, written.output
    assert "billing page" in written.stdout
    streamed = runner.invoke(app, ["write", "lessons", "-p", "founder", "--stream"])
    assert streamed.exit_code == 0, streamed.output
    assert POST.split()[0] in streamed.stdout


def test_errors_are_one_line_and_exit_2(
    runner: CliRunner, store_url: str, sample_dir: Path, founder: SampleWriter, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    result = _create(runner, sample_dir, founder, "--onboarding", str(bad))
    assert result.exit_code == USER_ERROR_EXIT_CODE
    assert "not valid JSON" in result.output
    # A field under another name: said in words, with the names the file may use.
    bad.write_text(json.dumps({"name": "Maya Chen", "brand_name": "Shipwise"}))
    result = _create(runner, sample_dir, founder, "--onboarding", str(bad))
    assert result.exit_code == USER_ERROR_EXIT_CODE
    assert "name: not a known field" in result.output
    assert "writer_name" in result.output
    assert "pydantic.dev" not in result.output
    assert _create(runner, sample_dir, founder).exit_code == 0
    again = _create(runner, sample_dir, founder)
    assert again.exit_code == USER_ERROR_EXIT_CODE
    assert "already have a persona" in again.output
    unknown = runner.invoke(app, ["write", "x", "--persona", "nobody"])
    assert unknown.exit_code == USER_ERROR_EXIT_CODE
    platform = runner.invoke(app, ["write", "x", "--persona", "founder", "--platform", "myspace"])
    assert platform.exit_code == USER_ERROR_EXIT_CODE
    assert "myspace" in platform.output


def test_drafts(runner: CliRunner, store_url: str, tmp_path: Path) -> None:
    onboarding = tmp_path / "o.json"
    onboarding.write_text(json.dumps({"business_type": "bakery"}))
    result = runner.invoke(app, ["persona", "drafts", "--onboarding", str(onboarding)])
    assert result.exit_code == 0, result.output
    assert result.stdout.count("draft") == 3
