"""The personae command line: a thin Typer shell over the Python API."""

from __future__ import annotations

__all__ = ["main"]


def main() -> None:
    from personae.cli._app import app

    app()
