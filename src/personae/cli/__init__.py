"""The personae command line: a thin Typer shell over the Python API.

Design notes
============

CLI
---

`cli/__init__.py` holds only `main()`, so importing the package costs nothing. There is one
module per command group: `_app.py` is the root (`--version`, error mapping), `_style.py`
is `personae style analyze|profile|describe|match|attribute`, `_store.py` is
`personae db upgrade`, `personae sync FILE [--dry-run] [--prune] [--strict]` and
`personae export [-o FILE]`, `_serve.py` is `personae serve [--host] [--port] [--reload]`
(migrates SQLite, refuses an unmigrated PostgreSQL, then runs uvicorn with the API's
factory), `_users.py` is `personae users create|set-role` (the only way to make an
admin: from the server's shell), `_write.py` is `personae persona create|drafts` and
`personae write` (progress bars fed by the services' `(fraction, message)` callbacks),
`_worker.py` is `personae worker` (RQ), `_score.py` is `personae score|platforms`, and
`_demo.py` is `personae demo` (voices and attribution, then a persona generated and a post
written with the local model; `--no-llm` stops before the model). The store commands act as
one local user, `local@personae`, created on first use with an unusable password hash.
On SQLite they migrate the database on start. On PostgreSQL they refuse a database that
is not at this release's revision (`StoreError`: run `personae db upgrade`). Formatting
lives in `_render.py` (pure: results in, Rich renderables out)
and `_console.py` (consoles, the error line, progress bars). Tables go to stdout. Progress
bars and errors go to stderr, so `--json` output is clean.
"""

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
