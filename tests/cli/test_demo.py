"""``personae demo``: every bundled writer's voice, and each held-out text recognised."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from personae.cli._app import app
from personae.config import get_settings
from personae.jobs import _context as job_context
from personae.samples import SampleWriter
from tests.doubles import persona_writer


def test_demo_recognises_every_held_out_text(
    runner: CliRunner, writers: list[SampleWriter]
) -> None:
    result = runner.invoke(app, ["demo", "--no-llm"])
    assert result.exit_code == 0, result.output
    for writer in writers:
        assert writer.name in result.stdout
        assert writer.description in result.stdout
    assert "Key words" in result.stdout
    assert f"{len(writers)} of {len(writers)} held-out texts recognised" in result.stdout
    assert "✗" not in result.stdout


def test_demo_without_voices_prints_only_the_attribution(runner: CliRunner) -> None:
    result = runner.invoke(app, ["demo", "--no-voices", "--no-llm"])
    assert result.exit_code == 0, result.output
    assert "Key words" not in result.stdout
    assert "held-out texts recognised" in result.stdout


def test_demo_writes_in_a_voice_and_reuses_its_persona(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PERSONAE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("PERSONAE_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    monkeypatch.setattr(job_context, "build_recorded_llm", lambda *a, **k: persona_writer())
    first = runner.invoke(app, ["demo", "--no-voices"])
    assert first.exit_code == 0, first.output
    assert "billing page" in first.stdout
    assert "authenticity" in first.stdout
    assert "verdict: " in first.stdout  # the stored verdict, apart from the junk checks
    second = runner.invoke(app, ["demo", "--no-voices"])
    assert second.exit_code == 0, second.output
    assert "Reusing the persona" in second.stdout
