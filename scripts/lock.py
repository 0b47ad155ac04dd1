"""Keep requirements/*.lock in step with pyproject.toml.

`make lock` compiles the locks with pip-tools and then runs ``lock.py stamp``, which writes
a digest of what the locks were compiled from (pyproject.toml's dependency tables and
requirements/constraints.txt) into requirements/lock-inputs.sha256. ``lock.py check``
(run before every install) compares it with the current inputs and fails with one line
when they differ, so nobody installs a lock that no longer matches the project.

A digest, not file times: a fresh clone gives every file the same age.

``lock.py pip LOCK`` prints the lock's own pip pin with its hashes, which the Makefile
installs before the lock itself: the pip that ``python -m venv`` bundles (23.2 with Python
3.11.7) refuses a hashed lock whenever a newer release of a package that another one
requires with an extra appears on the index (pypa/pip#9644: on 2026-12-06 google-auth 2.63.1
against the lock's 2.63.0, needed as ``google-auth[requests]`` by google-genai); the
locked pip resolves the same lock.
"""

from __future__ import annotations

import hashlib
import json
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STAMP = ROOT / "requirements" / "lock-inputs.sha256"


def inputs_digest() -> str:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    inputs = {
        "requires-python": project.get("requires-python"),
        "dependencies": project.get("dependencies", []),
        "optional-dependencies": project.get("optional-dependencies", {}),
        "constraints": (ROOT / "requirements" / "constraints.txt").read_text(encoding="utf-8"),
    }
    blob = json.dumps(inputs, sort_keys=True).encode()
    return hashlib.sha256(blob).hexdigest()


def pinned(lock: Path, name: str) -> str:
    """The lock's entry for ``name``: its ``name==version`` line and the hash lines after it."""
    lines = lock.read_text(encoding="utf-8").splitlines()
    for index, line in enumerate(lines):
        if line.lower().startswith(f"{name}=="):
            entry = [line]
            while entry[-1].rstrip().endswith("\\") and index + len(entry) < len(lines):
                entry.append(lines[index + len(entry)])
            return "\n".join(entry).rstrip(" \\") + "\n"
    raise SystemExit(f"{lock}: no pinned {name}")


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "check"
    if command == "pip" and len(argv) == 3:
        sys.stdout.write(pinned(Path(argv[2]), "pip"))
        return 0
    if command == "stamp":
        STAMP.write_text(inputs_digest() + "\n", encoding="utf-8")
        return 0
    if command == "check":
        recorded = STAMP.read_text(encoding="utf-8").strip() if STAMP.exists() else ""
        if recorded != inputs_digest():
            print(
                "requirements/*.lock is older than pyproject.toml's dependencies: "
                "run `make lock` and commit the result.",
                file=sys.stderr,
            )
            return 1
        return 0
    print(f"usage: {argv[0]} check|stamp|pip LOCK", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
