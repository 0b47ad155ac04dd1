"""The lock files are in step with pyproject.toml, and the check says so in one line."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _lock_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("lock", ROOT / "scripts" / "lock.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_locks_match_pyproject() -> None:
    lock = _lock_module()
    assert lock.STAMP.read_text(encoding="utf-8").strip() == lock.inputs_digest()


def test_every_locked_requirement_is_pinned_with_hashes() -> None:
    for name in ("demo.lock", "dev.lock"):
        text = (ROOT / "requirements" / name).read_text(encoding="utf-8")
        pins = [line for line in text.splitlines() if line and not line.startswith((" ", "#"))]
        assert pins
        for pin in pins:
            assert "==" in pin, pin
            assert pin.rstrip().endswith("\\"), f"{pin}: no --hash follows"


def test_a_changed_dependency_fails_the_check_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "scripts").mkdir()
    (tmp_path / "requirements").mkdir()
    for name in (
        "scripts/lock.py",
        "requirements/constraints.txt",
        "requirements/lock-inputs.sha256",
    ):
        (tmp_path / name).write_bytes((ROOT / name).read_bytes())
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    check = [sys.executable, str(tmp_path / "scripts" / "lock.py"), "check"]
    assert subprocess.run(check, capture_output=True, text=True).returncode == 0
    changed = pyproject.replace('"pyyaml>=6.0,<7",', '"pyyaml>=6.0,<7",\n    "six",')
    assert changed != pyproject
    (tmp_path / "pyproject.toml").write_text(changed, encoding="utf-8")
    done = subprocess.run(check, capture_output=True, text=True)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "requirements/*.lock is older than pyproject.toml's dependencies: run `make lock` "
        "and commit the result."
    ]
