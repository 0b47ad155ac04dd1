"""Keep requirements/*.lock in step with pyproject.toml.

`make lock` compiles the locks with pip-tools and then runs ``lock.py stamp``, which writes
a digest of what the locks were compiled from (pyproject.toml's dependency tables and
requirements/constraints.txt) into requirements/lock-inputs.sha256. ``lock.py check``
(run before every install) compares it with the current inputs and fails with one line
when they differ, so nobody installs a lock that no longer matches the project.

A digest, not file times: a fresh clone gives every file the same age.
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


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "check"
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
    print(f"usage: {argv[0]} check|stamp", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
