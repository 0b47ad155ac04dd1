"""Fixtures for CLI tests: an isolated runner, a temporary working folder, sample files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from personae.cli._app import app
from personae.config import get_settings
from personae.samples import SampleWriter, sample_writers
from tests.cli.helpers import training_files


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Run every CLI test in its own folder with settings read afresh (no stray .env)."""
    monkeypatch.chdir(tmp_path)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def runner() -> CliRunner:
    # A wide, colourless terminal so tables do not fold the text the tests look for.
    return CliRunner(env={"COLUMNS": "160", "NO_COLOR": "1", "TERM": "dumb"})


@pytest.fixture(scope="session")
def writers() -> list[SampleWriter]:
    return sample_writers()


@pytest.fixture(scope="session")
def sample_dir(tmp_path_factory: pytest.TempPathFactory, writers: list[SampleWriter]) -> Path:
    """The bundled samples written out as ordinary files: ``<key>-<n>.txt``."""
    folder = tmp_path_factory.mktemp("samples")
    for writer in writers:
        for n, text in enumerate(writer.texts, start=1):
            (folder / f"{writer.key}-{n}.txt").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def profile_files(sample_dir: Path, writers: list[SampleWriter]) -> dict[str, Path]:
    """One profile JSON per bundled writer, built through the CLI, keyed by writer key."""
    runner = CliRunner()
    paths: dict[str, Path] = {}
    for writer in writers:
        path = sample_dir / f"{writer.key}.profile.json"
        args = [
            "style",
            "profile",
            writer.name,
            *training_files(sample_dir, writer),
            "-o",
            str(path),
        ]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        paths[writer.key] = path
    return paths
