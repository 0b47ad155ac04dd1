"""``personae demo``: every bundled writer's voice, and each held-out text recognised."""

from __future__ import annotations

from typer.testing import CliRunner

from personae.cli._app import app
from personae.samples import SampleWriter


def test_demo_recognises_every_held_out_text(
    runner: CliRunner, writers: list[SampleWriter]
) -> None:
    result = runner.invoke(app, ["demo"])
    assert result.exit_code == 0, result.output
    for writer in writers:
        assert writer.name in result.stdout
        assert writer.description in result.stdout
    assert "Key words" in result.stdout
    assert f"{len(writers)} of {len(writers)} held-out texts recognised" in result.stdout
    assert "✗" not in result.stdout


def test_demo_without_voices_prints_only_the_attribution(runner: CliRunner) -> None:
    result = runner.invoke(app, ["demo", "--no-voices"])
    assert result.exit_code == 0, result.output
    assert "Key words" not in result.stdout
    assert "held-out texts recognised" in result.stdout
