"""Print personae's import graph between its packages: one row per (importer, imported) pair.

Why: the layering of personae (style, llm, vectors, cache, auth at the bottom; store; the
services persona/chat/strategy/jobs; the shells api and cli on top) is checked by
import-linter, but a count of the arrows shows how tangled the packages are and lets a
change be compared with its starting point (run it in a checkout of the old commit and in
the new one).

Counted: every ``import personae.x`` / ``from personae.x import ...`` / relative import in
``src/personae`` whose target lies in another top-level package than the importer.
Imports under ``if TYPE_CHECKING:`` count too (they are arrows a reader follows), but are
also reported apart. Top-level modules (``personae.errors``, ``personae.config``, ...) are
named by their module name.

Usage::

    python scripts/import_graph.py [SRC_ROOT]    # default: src/personae beside this script
"""

from __future__ import annotations

import ast
import sys
from collections import Counter
from pathlib import Path


def _package_of(module: str) -> str:
    """The top-level part under ``personae`` (``personae.store.crud`` -> ``store``)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "personae"


def _module_name(root: Path, path: Path) -> str:
    rel = path.relative_to(root.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _targets(tree: ast.Module, module: str, *, is_package: bool) -> list[tuple[str, bool]]:
    """Absolute personae modules imported by a module, with a TYPE_CHECKING flag each."""
    found: list[tuple[str, bool]] = []
    type_only: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for inner in node.body:
                for sub in ast.walk(inner):
                    type_only.add(id(sub))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("personae."):
                    found.append((alias.name, id(node) in type_only))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                if not is_package:
                    base = base[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("personae."):
                continue
            if target.count(".") == 1 and _package_of(target) == "personae":
                continue
            # `from personae import store` names a package through its alias list.
            if target == "personae":
                for alias in node.names:
                    found.append((f"personae.{alias.name}", id(node) in type_only))
            else:
                found.append((target, id(node) in type_only))
    return found


def graph(src: Path) -> tuple[Counter[tuple[str, str]], Counter[tuple[str, str]]]:
    """Count cross-package imports (all, and TYPE_CHECKING-only) under ``src``."""
    edges: Counter[tuple[str, str]] = Counter()
    typing_edges: Counter[tuple[str, str]] = Counter()
    for path in sorted(src.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        module = _module_name(src, path)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        source_pkg = _package_of(module)
        for target, type_only in _targets(tree, module, is_package=path.name == "__init__.py"):
            target_pkg = _package_of(target)
            if target_pkg != source_pkg:
                edges[(source_pkg, target_pkg)] += 1
                if type_only:
                    typing_edges[(source_pkg, target_pkg)] += 1
    return edges, typing_edges


def main() -> None:
    """Print the table (importer, imported, count, of which TYPE_CHECKING) and totals."""
    here = Path(__file__).resolve().parent.parent / "src" / "personae"
    src = Path(sys.argv[1]) if len(sys.argv) > 1 else here
    edges, typing_edges = graph(src)
    print(f"{'importer':<10} {'imported':<10} {'imports':>7} {'typing':>6}")
    for (a, b), n in sorted(edges.items()):
        print(f"{a:<10} {b:<10} {n:>7} {typing_edges.get((a, b), 0):>6}")
    print(f"pairs: {len(edges)}  imports: {sum(edges.values())}")
    for shell in ("api", "cli"):
        to_store = edges.get((shell, "store"), 0)
        print(f"{shell} -> store: {to_store}")


if __name__ == "__main__":
    main()
