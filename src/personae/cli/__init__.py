"""The personae command line: a thin Typer shell over the Python API."""

from __future__ import annotations

__all__ = ["main"]


def main() -> None:
    """Run the ``personae`` command (the console-script entry point).

    User errors (:class:`personae.errors.PersonaeError`) are mapped to one red line on
    stderr and exit status 2 by the root command in ``_app.py``, so that this entry point
    and tests driving ``app`` with ``CliRunner`` share the one mapping.
    """
    from personae.cli._app import app

    app()
