"""``personae score`` and ``personae platforms`` through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from personae.cli._app import USER_ERROR_EXIT_CODE, app
from personae.cli._store import LOCAL_USER_EMAIL
from personae.config import get_settings
from personae.persona import available_platforms
from personae.samples import SampleWriter
from personae.store import Database, crud, session_scope
from tests.cli.helpers import held_out_file

LONG_POST = " ".join(f"Sentence number {n} says something about shipping." for n in range(20))


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("PERSONAE_DATA_DIR", str(folder))
    monkeypatch.delenv("PERSONAE_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    return folder


def _founder(writers: list[SampleWriter]) -> SampleWriter:
    return next(w for w in writers if w.key == "founder")


def test_platforms_lists_every_platform(runner: CliRunner) -> None:
    result = runner.invoke(app, ["platforms"])
    assert result.exit_code == 0, result.output
    for platform in available_platforms():
        assert platform.name in result.stdout
    assert "63,206" in result.stdout
    assert "280 (weighted)" in result.stdout


def test_platforms_as_json(runner: CliRunner) -> None:
    result = runner.invoke(app, ["platforms", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    by_name = {p["name"]: p for p in data}
    assert by_name["instagram"]["constraints"]["hashtags"]["max"] == 30
    assert by_name["linkedin"]["constraints"]["length"]["max_chars"] == 3000


def test_score_a_file_for_a_platform(
    runner: CliRunner, sample_dir: Path, writers: list[SampleWriter]
) -> None:
    path = held_out_file(sample_dir, _founder(writers))
    result = runner.invoke(app, ["score", path, "--platform", "x"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "overall quality" in out
    assert "platform optimisation" in out
    assert "length.max_chars" in out  # a LinkedIn post is far too long for X
    assert "[high] platform: X:" in out
    assert "automatic fixes available: trim_hashtags, shorten" in out


def test_score_text_given_on_the_command_line_as_json(runner: CliRunner) -> None:
    result = runner.invoke(app, ["score", LONG_POST, "--platform", "twitter", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["platform"] == "x"
    assert report["authenticity_score"] is None
    assert report["platform_optimization_quality"] <= 0.4
    assert report["improvement_suggestions"][0]["dimension"] == "length.max_chars"


def test_score_text_from_stdin(runner: CliRunner) -> None:
    result = runner.invoke(app, ["score", "-", "--json"], input="Plain words. Short ones.")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["word_count"] == 4


def test_score_against_a_profile_file(
    runner: CliRunner,
    sample_dir: Path,
    writers: list[SampleWriter],
    profile_files: dict[str, Path],
) -> None:
    path = held_out_file(sample_dir, _founder(writers))
    own = runner.invoke(app, ["score", path, "--profile", str(profile_files["founder"]), "--json"])
    other = runner.invoke(app, ["score", path, "--profile", str(profile_files["cook"]), "--json"])
    assert own.exit_code == 0, own.output
    assert other.exit_code == 0, other.output
    own_score = json.loads(own.stdout)["authenticity_score"]
    other_score = json.loads(other.stdout)["authenticity_score"]
    assert own_score > other_score


def test_score_as_a_stored_persona_records_the_result(
    runner: CliRunner,
    data_dir: Path,
    sample_dir: Path,
    writers: list[SampleWriter],
    profile_files: dict[str, Path],
    tmp_path: Path,
) -> None:
    founder = _founder(writers)
    definitions = tmp_path / "personas.json"
    definitions.write_text(
        json.dumps(
            {
                "personas": [
                    {
                        "name": "jordan",
                        "role": "Founder",
                        "linguistic_fingerprint": json.loads(profile_files["founder"].read_text()),
                        "stylistic_constraints": {"avoid_words": ["synergy"]},
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    synced = runner.invoke(app, ["sync", str(definitions)])
    assert synced.exit_code == 0, synced.output

    path = held_out_file(sample_dir, founder)
    result = runner.invoke(app, ["score", path, "--persona", "jordan", "--platform", "linkedin"])
    assert result.exit_code == 0, result.output
    assert "authenticity (style match)" in result.stdout
    assert f"voice: {founder.name}" in result.stdout

    with Database() as db, session_scope(db) as session:
        user = crud.get_user_by_email(session=session, email=LOCAL_USER_EMAIL)
        assert user is not None
        persona = crud.get_persona_by_name(session=session, owner_id=user.id, name="jordan")
        rows = crud.list_validation_results(
            session=session, owner_id=user.id, persona_id=persona.id
        )
        assert len(rows) == 1
        assert rows[0].validation_status == "passed"
        assert rows[0].metrics["validation_type"] == "content_quality"
        assert rows[0].metrics["consistency_score"] == 1.0
        assert 0 < rows[0].metrics["authenticity_score"] <= 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["score", "hello", "--platform", "myspace"], "unknown platform 'myspace'"),
        (["score", "   "], "empty"),
        (["score", "hi", "--persona", "a", "--profile", "b.json"], "not both"),
    ],
)
def test_user_errors_are_one_line_and_exit_2(
    runner: CliRunner, args: list[str], message: str
) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == USER_ERROR_EXIT_CODE
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_an_unknown_persona_is_a_user_error(runner: CliRunner, data_dir: Path) -> None:
    result = runner.invoke(app, ["score", "hello there", "--persona", "nobody"])
    assert result.exit_code == USER_ERROR_EXIT_CODE
    assert "nobody" in result.stderr


def test_an_empty_file_is_reported_with_its_name(runner: CliRunner, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n", encoding="utf-8")
    result = runner.invoke(app, ["score", str(empty)])
    assert result.exit_code == USER_ERROR_EXIT_CODE
    assert "empty.txt" in result.stderr
