"""The public surface: sorted ``__all__`` everywhere, names that exist, a CLI-free import."""

from __future__ import annotations

import importlib
import pkgutil
import re
import subprocess
import sys
from types import ModuleType

import pytest

import personae


def _all_modules() -> list[str]:
    names = ["personae"]
    for info in pkgutil.walk_packages(personae.__path__, prefix="personae."):
        if ".migrations" in info.name:  # Alembic scripts run on import
            continue
        names.append(info.name)
    return sorted(names)


MODULES = _all_modules()
PUBLIC = [name for name in MODULES if not any(part.startswith("_") for part in name.split("."))]


def _isort_key(name: str) -> tuple[int, list[int | str]]:
    """Ruff's RUF022 order: CONSTANTS, then Classes, then the rest; natural order within."""
    if len(name) > 1 and name.isupper():
        kind = 0
    elif name[:1].isupper():
        kind = 1
    else:
        kind = 2
    natural: list[int | str] = [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", name)]
    return kind, natural


def _module(name: str) -> ModuleType:
    return importlib.import_module(name)


@pytest.mark.parametrize("name", PUBLIC)
def test_public_modules_declare_all(name: str) -> None:
    assert hasattr(_module(name), "__all__"), f"{name} has no __all__"


@pytest.mark.parametrize("name", MODULES)
def test_all_is_sorted_and_every_name_exists(name: str) -> None:
    module = _module(name)
    exported = getattr(module, "__all__", None)
    if exported is None:
        pytest.skip(f"{name} declares no __all__")
    assert list(exported) == sorted(exported, key=_isort_key), f"{name}.__all__ is not sorted"
    assert len(set(exported)) == len(exported), f"{name}.__all__ has duplicates"
    missing = [item for item in exported if not hasattr(module, item)]
    assert not missing, f"{name}.__all__ names missing attributes: {missing}"


def test_importing_personae_loads_no_cli_or_web_framework() -> None:
    code = (
        "import sys, personae\n"
        "print(','.join(m for m in ('typer', 'fastapi', 'personae.cli') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
