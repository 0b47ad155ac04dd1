"""``personae style …`` on the real API: tables, JSON, files written, and user errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from personae.cli._app import app
from personae.samples import SampleWriter
from personae.style import Attribution, Fingerprint, Match, StyleProfile, analyze
from tests.cli.helpers import held_out_file, training_files

USER_ERROR = 2


def assert_user_error(result: Result, *fragments: str) -> None:
    """Exit 2, one red ``error:`` line on stderr naming the problem, no traceback."""
    assert result.exit_code == USER_ERROR, result.output
    assert isinstance(result.exception, SystemExit)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    for fragment in fragments:
        assert fragment in lines[0]
    assert "Traceback" not in result.output
    assert result.stdout == ""


# -- analyze ------------------------------------------------------------------------------


def test_analyze_prints_a_table_of_key_measures(runner: CliRunner, sample_dir: Path) -> None:
    result = runner.invoke(app, ["style", "analyze", str(sample_dir / "essayist-1.txt")])
    assert result.exit_code == 0, result.output
    for measure in ("words", "sentence length", "lexical diversity", "top content words"):
        assert measure in result.stdout


def test_analyze_json_round_trips_into_a_fingerprint(runner: CliRunner, sample_dir: Path) -> None:
    path = sample_dir / "cook-1.txt"
    result = runner.invoke(app, ["style", "analyze", "--json", str(path)])
    assert result.exit_code == 0, result.output
    fp = Fingerprint.model_validate_json(result.stdout)
    assert fp == analyze(path.read_text(encoding="utf-8"))


def test_analyze_many_files_json_is_keyed_by_file(runner: CliRunner, sample_dir: Path) -> None:
    paths = [str(sample_dir / name) for name in ("founder-1.txt", "essayist-1.txt", "cook-1.txt")]
    result = runner.invoke(app, ["style", "analyze", "--json", *paths])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)  # progress went to stderr: stdout is pure JSON
    assert list(data) == paths
    for path in paths:
        fp = Fingerprint.model_validate(data[path])
        assert fp.word_count == analyze(Path(path).read_text(encoding="utf-8")).word_count


def test_analyze_many_files_prints_one_summary_row_each(runner: CliRunner, tmp_path: Path) -> None:
    for name, key in (("a.txt", "founder-2"), ("b.txt", "essayist-2")):
        (tmp_path / name).write_text(_sample(key), encoding="utf-8")
    result = runner.invoke(app, ["style", "analyze", "a.txt", "b.txt"])
    assert result.exit_code == 0, result.output
    rows = [line for line in result.stdout.splitlines() if "a.txt" in line or "b.txt" in line]
    assert len(rows) == 2


# -- profile ------------------------------------------------------------------------------


def test_profile_writes_a_loadable_profile(
    runner: CliRunner, sample_dir: Path, writers: list[SampleWriter], tmp_path: Path
) -> None:
    writer = writers[0]
    output = tmp_path / "voice.json"
    files = training_files(sample_dir, writer)
    result = runner.invoke(app, ["style", "profile", "Jordan", *files, "-o", str(output)])
    assert result.exit_code == 0, result.output
    assert "voice.json" in result.stdout
    profile = StyleProfile.from_json(output.read_text(encoding="utf-8"))
    assert profile.name == "Jordan"
    assert profile.sample_count == len(files)
    assert profile.word_count > 0


def test_profile_names_the_sample_it_cannot_use(runner: CliRunner, sample_dir: Path) -> None:
    Path("empty.txt").write_text("  \n", encoding="utf-8")
    files = [str(sample_dir / "cook-1.txt"), "empty.txt", str(sample_dir / "cook-2.txt")]
    result = runner.invoke(app, ["style", "profile", "Rosie", *files, "-o", "rosie.json"])
    assert_user_error(result, "empty.txt")
    assert not Path("rosie.json").exists()


def test_describe_shows_voices_side_by_side(
    runner: CliRunner, writers: list[SampleWriter], profile_files: dict[str, Path]
) -> None:
    paths = [str(profile_files[w.key]) for w in writers]
    result = runner.invoke(app, ["style", "describe", *paths])
    assert result.exit_code == 0, result.output
    header = next(line for line in result.stdout.splitlines() if "dimension" in line)
    assert all(w.name in header for w in writers)
    assert "Key words" in result.stdout


def test_describe_json_lists_every_dimension(
    runner: CliRunner, writers: list[SampleWriter], profile_files: dict[str, Path]
) -> None:
    writer = writers[0]
    result = runner.invoke(app, ["style", "describe", "--json", str(profile_files[writer.key])])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    profile = StyleProfile.from_json(profile_files[writer.key].read_text(encoding="utf-8"))
    assert data == {writer.name: [d.model_dump(mode="json") for d in profile.describe()]}


def test_profile_into_a_missing_folder_is_a_user_error(runner: CliRunner, sample_dir: Path) -> None:
    files = [str(sample_dir / "cook-1.txt")]
    result = runner.invoke(app, ["style", "profile", "x", *files, "-o", "nowhere/x.json"])
    assert_user_error(result, "nowhere", "cannot write")


# -- match --------------------------------------------------------------------------------


def test_match_reports_score_deviations_and_suggestions(
    runner: CliRunner, sample_dir: Path, writers: list[SampleWriter], profile_files: dict[str, Path]
) -> None:
    essayist, founder = writers[1], writers[0]
    result = runner.invoke(
        app,
        ["style", "match", str(profile_files[essayist.key]), held_out_file(sample_dir, founder)],
    )
    assert result.exit_code == 0, result.output
    assert f"with {essayist.name}" in result.stdout
    assert "Largest deviations" in result.stdout


def test_match_json_is_a_match(
    runner: CliRunner, sample_dir: Path, writers: list[SampleWriter], profile_files: dict[str, Path]
) -> None:
    writer = writers[2]
    args = ["style", "match", "--json", str(profile_files[writer.key])]
    result = runner.invoke(app, [*args, held_out_file(sample_dir, writer)])
    assert result.exit_code == 0, result.output
    match = Match.model_validate_json(result.stdout)
    assert match.profile == writer.name
    assert 0.0 <= match.score <= 1.0
    impacts = [s.impact for s in match.suggestions]
    assert impacts == sorted(impacts, reverse=True)


def test_match_of_a_too_short_text_is_a_user_error(
    runner: CliRunner, tmp_path: Path, profile_files: dict[str, Path]
) -> None:
    (tmp_path / "short.txt").write_text("Just a few words here.", encoding="utf-8")
    result = runner.invoke(app, ["style", "match", str(profile_files["cook"]), "short.txt"])
    assert_user_error(result, "short.txt", "words")


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("{not json", "profile"),
        ('{"hello": "world"}', "profile"),
    ],
    ids=["invalid-json", "not-a-profile"],
)
def test_match_with_a_broken_profile_is_a_user_error(
    runner: CliRunner, sample_dir: Path, tmp_path: Path, content: str, fragment: str
) -> None:
    (tmp_path / "bad.json").write_text(content, encoding="utf-8")
    result = runner.invoke(app, ["style", "match", "bad.json", str(sample_dir / "cook-1.txt")])
    assert_user_error(result, "bad.json", fragment)


# -- attribute ----------------------------------------------------------------------------


@pytest.mark.parametrize("index", [0, 1, 2], ids=["founder", "essayist", "cook"])
def test_attribute_ranks_the_true_writer_first(
    runner: CliRunner,
    sample_dir: Path,
    writers: list[SampleWriter],
    profile_files: dict[str, Path],
    index: int,
) -> None:
    writer = writers[index]
    options = [arg for path in profile_files.values() for arg in ("--profile", str(path))]
    args = ["style", "attribute", "--json", *options, held_out_file(sample_dir, writer)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    ranking = [Attribution.model_validate(item) for item in json.loads(result.stdout)]
    assert ranking[0].name == writer.name
    assert sorted(a.name for a in ranking) == sorted(w.name for w in writers)
    assert sum(a.score for a in ranking) == pytest.approx(1.0, abs=1e-6)


def test_attribute_prints_a_ranked_table(
    runner: CliRunner, sample_dir: Path, writers: list[SampleWriter], profile_files: dict[str, Path]
) -> None:
    writer = writers[1]
    options = [arg for path in profile_files.values() for arg in ("-p", str(path))]
    result = runner.invoke(app, ["style", "attribute", *options, held_out_file(sample_dir, writer)])
    assert result.exit_code == 0, result.output
    assert "Who wrote" in result.stdout
    ranked = [line for line in result.stdout.splitlines() if any(w.name in line for w in writers)]
    assert writer.name in ranked[0]


# -- verify -------------------------------------------------------------------------------


def _verify(
    runner: CliRunner, text_file: str, profile: Path, *impostors: Path
) -> dict[str, object]:
    options = [arg for path in impostors for arg in ("--impostor", str(path))]
    result = runner.invoke(
        app, ["style", "verify", "--json", "-p", str(profile), *options, text_file]
    )
    assert result.exit_code == 0, result.output
    data: dict[str, object] = json.loads(result.stdout)
    return data


def test_verify_gives_the_own_text_a_higher_probability(
    runner: CliRunner, sample_dir: Path, writers: list[SampleWriter], profile_files: dict[str, Path]
) -> None:
    founder = profile_files["founder"]
    own = _verify(runner, held_out_file(sample_dir, writers[0]), founder)
    other = _verify(runner, held_out_file(sample_dir, writers[2]), founder)
    assert own["profile"] == writers[0].name
    assert float(own["probability"]) > 0.5 > float(other["probability"])  # type: ignore[arg-type]


def test_verify_sets_the_voice_against_the_impostors_given(
    runner: CliRunner, sample_dir: Path, writers: list[SampleWriter], profile_files: dict[str, Path]
) -> None:
    cooks_text = held_out_file(sample_dir, writers[2])
    alone = _verify(runner, cooks_text, profile_files["founder"])
    against = _verify(runner, cooks_text, profile_files["founder"], profile_files["cook"])
    assert against["nearest_impostors"][0] == writers[2].name  # type: ignore[index]
    assert writers[2].name not in alone["nearest_impostors"]  # type: ignore[operator]
    assert float(against["probability"]) < float(alone["probability"])  # type: ignore[arg-type]


def test_verify_prints_a_sentence(
    runner: CliRunner, sample_dir: Path, writers: list[SampleWriter], profile_files: dict[str, Path]
) -> None:
    text_file = held_out_file(sample_dir, writers[0])
    result = runner.invoke(app, ["style", "verify", "-p", str(profile_files["founder"]), text_file])
    assert result.exit_code == 0, result.output
    assert "probability" in result.stdout
    assert "(at even odds) that this voice wrote" in result.stdout


def test_verify_refuses_a_text_too_short_to_judge(
    runner: CliRunner, tmp_path: Path, profile_files: dict[str, Path]
) -> None:
    (tmp_path / "short.txt").write_text("Shipped it on Friday. Nobody noticed.", encoding="utf-8")
    result = runner.invoke(app, ["style", "verify", "-p", str(profile_files["cook"]), "short.txt"])
    assert_user_error(result, "short.txt", "25 words")


# -- user errors, for every command that reads a text ------------------------------------


def _commands(profile: Path) -> dict[str, list[str]]:
    return {
        "analyze": ["style", "analyze"],
        "match": ["style", "match", str(profile)],
        "attribute": ["style", "attribute", "--profile", str(profile)],
        "verify": ["style", "verify", "--profile", str(profile)],
    }


@pytest.mark.parametrize("command", ["analyze", "match", "attribute", "verify"])
@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"", "empty"),
        (b" \n\t \n", "empty"),
        (b"plain words then \x00\x00\x01 binary bytes", "binary"),
        (b"caf\xe9 au lait, not UTF-8 at all", "UTF-8"),
    ],
    ids=["empty", "whitespace", "nul-bytes", "invalid-utf8"],
)
def test_unusable_files_are_user_errors(
    runner: CliRunner,
    tmp_path: Path,
    profile_files: dict[str, Path],
    command: str,
    content: bytes,
    fragment: str,
) -> None:
    (tmp_path / "input.txt").write_bytes(content)
    result = runner.invoke(app, [*_commands(profile_files["cook"])[command], "input.txt"])
    assert_user_error(result, "input.txt")
    assert fragment.lower() in result.stderr.lower()


@pytest.mark.parametrize("command", ["analyze", "match", "attribute", "verify"])
def test_a_missing_file_is_a_user_error(
    runner: CliRunner, profile_files: dict[str, Path], command: str
) -> None:
    result = runner.invoke(app, [*_commands(profile_files["cook"])[command], "missing.txt"])
    assert_user_error(result, "missing.txt", "no such file")


def test_a_directory_is_a_user_error(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "folder").mkdir()
    result = runner.invoke(app, ["style", "analyze", "folder"])
    assert_user_error(result, "folder", "directory")


def test_a_text_over_the_configured_limit_is_a_user_error(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PERSONAE_MAX_TEXT_CHARS", "100")
    (tmp_path / "long.txt").write_text("word " * 100, encoding="utf-8")
    result = runner.invoke(app, ["style", "analyze", "long.txt"])
    assert_user_error(result, "long.txt", "limit")


def test_the_first_bad_file_stops_a_batch_and_is_named(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(_sample("cook-1"), encoding="utf-8")
    (tmp_path / "bad.bin").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    result = runner.invoke(app, ["style", "analyze", "--json", "good.txt", "bad.bin"])
    assert_user_error(result, "bad.bin")


def test_version(runner: CliRunner) -> None:
    from personae import __version__

    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"personae {__version__}"


def _sample(key: str) -> str:
    from personae.samples import sample_writers

    writer_key, n = key.rsplit("-", 1)
    writer = next(w for w in sample_writers() if w.key == writer_key)
    return writer.texts[int(n) - 1]


def test_match_against_rivals_reports_the_share(runner: CliRunner, tmp_path: Path) -> None:
    from personae.samples import sample_writers

    writers = {w.key: w for w in sample_writers()}
    paths = {}
    for key in ("founder", "cook"):
        files = []
        for i, text in enumerate(writers[key].training):
            f = tmp_path / f"{key}-{i}.txt"
            f.write_text(text, encoding="utf-8")
            files.append(str(f))
        paths[key] = tmp_path / f"{key}.json"
        result = runner.invoke(app, ["style", "profile", key, *files, "-o", str(paths[key])])
        assert result.exit_code == 0, result.output
    held = tmp_path / "held.txt"
    held.write_text(writers["cook"].held_out, encoding="utf-8")
    alone = runner.invoke(app, ["style", "match", str(paths["founder"]), str(held), "--json"])
    rival = runner.invoke(
        app,
        [
            "style",
            "match",
            str(paths["founder"]),
            str(held),
            "--against",
            str(paths["cook"]),
            "--json",
        ],
    )
    assert alone.exit_code == 0, alone.output
    assert rival.exit_code == 0, rival.output
    alone_data, rival_data = json.loads(alone.stdout), json.loads(rival.stdout)
    assert alone_data["share"] is None
    assert rival_data["share"] < 0.01
    assert rival_data["score"] <= alone_data["score"]
