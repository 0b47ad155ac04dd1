"""``personae db upgrade``, ``personae sync`` and ``personae export``: the store from a shell.

The CLI acts as one local user, ``local@personae``, created on first use with an
unusable password hash (``!``): it owns what the CLI syncs and exports, and cannot log
in to the HTTP API. On SQLite the schema is migrated on every start, so a first
``personae sync`` just works; on PostgreSQL run ``personae db upgrade`` once per release.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from personae.accounts import Database, local_store, upgrade_database
from personae.cli._console import out
from personae.cli._files import about, read_text, write_text
from personae.config import get_settings
from personae.persona import (
    PersonaService,
    build_persona_service,
    dump_definitions,
    load_definitions,
)
from personae.store import SyncReport

__all__ = ["LOCAL_USER_EMAIL", "db_app", "export_command", "sync_command"]

LOCAL_USER_EMAIL = "local@personae"
"""The user the CLI acts as."""

db_app = typer.Typer(name="db", help="Manage the store's database.", no_args_is_help=True)


@db_app.callback()
def _db() -> None:
    """Manage the store's database."""


@db_app.command("upgrade")
def upgrade_command() -> None:
    """Migrate the database (PERSONAE_DATABASE_URL, or SQLite in the data dir) to this release."""
    done = upgrade_database(get_settings())
    if done.before == done.after:
        out().print(
            f"Database {done.database} is up to date (revision {done.after}).", highlight=False
        )
    else:
        was = done.before or "blank"
        out().print(
            f"Database {done.database} upgraded: {was} → {done.after} (head).", highlight=False
        )


@contextmanager
def local_database() -> Iterator[tuple[Database, int]]:
    """The store at this release's schema and the local user's id (created on first use),
    for commands that run services holding the database open."""
    with local_store(get_settings(), LOCAL_USER_EMAIL) as (database, user_id):
        yield database, user_id


@contextmanager
def local_personas() -> Iterator[tuple[PersonaService, int]]:
    """The persona service as the local user, on a database at this release's schema."""
    with local_database() as (database, user_id):
        yield build_persona_service(get_settings(), database=database), user_id


def _fmt_for(path: Path) -> Any:
    suffix = path.suffix.lower()
    return "yaml" if suffix in (".yaml", ".yml") else "json" if suffix == ".json" else None


def sync_command(
    file: Annotated[
        Path, typer.Argument(help="Definitions file (JSON or YAML).", show_default=False)
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would change; write nothing.")
    ] = False,
    prune: Annotated[
        bool, typer.Option("--prune", help="Deactivate personas the file does not list.")
    ] = False,
    strict: Annotated[
        bool, typer.Option("--strict", help="Refuse the whole file if any entry is invalid.")
    ] = False,
) -> None:
    """Make the stored personas match FILE: create, update (and with --prune deactivate)."""
    text = read_text(file)
    with about(file):
        data = load_definitions(text, fmt=_fmt_for(file))
        with local_personas() as (service, user_id):
            report = service.sync_definitions(
                user_id, data, dry_run=dry_run, prune=prune, strict=strict
            )
    _print_report(report)


def _short(value: object, width: int = 60) -> str:
    text = repr(value) if not isinstance(value, str) else value
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _print_report(report: SyncReport) -> None:
    console = out()
    verb = "would be" if report.dry_run else "were"
    for issue in report.invalid:
        line = Text(f"{issue.path}: {issue.message}", style="yellow")
        console.print(line)
    for name in report.created:
        console.print(Text.assemble(("+ ", "green"), name, " (new)"))
    if report.updated:
        table = Table("persona", "field", "old", "new", title=f"Changes that {verb} made")
        for name, changes in report.updated.items():
            for change in changes:
                table.add_row(name, change.field, _short(change.old), _short(change.new))
        console.print(table)
    for name in report.deactivated:
        console.print(Text.assemble(("- ", "red"), name, " (deactivated)"))
    if report.change_count == 0:
        same = len(report.unchanged)
        console.print(f"Nothing changed: {same} persona{'' if same == 1 else 's'} already match.")
    else:
        console.print(
            f"{len(report.created)} created, {len(report.updated)} updated, "
            f"{len(report.deactivated)} deactivated, {len(report.unchanged)} unchanged"
            + (" (dry run: nothing was written)." if report.dry_run else ".")
        )
    if report.invalid:
        console.print(f"{len(report.invalid)} invalid field(s): see above.", style="yellow")


class _Layout(StrEnum):
    """The layouts ``personae export`` writes."""

    canonical = "canonical"
    g1 = "g1"


def export_command(
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write here (.yaml/.yml for YAML, else JSON) instead of stdout.",
            show_default=False,
        ),
    ] = None,
    layout: Annotated[
        _Layout,
        typer.Option(
            "--layout",
            help="canonical: {'personas': [...]}; g1: {name: {...}} as personas_definitions.json.",
        ),
    ] = _Layout.canonical,
) -> None:
    """Write the stored personas as a definitions file that `personae sync` reads back."""
    with local_personas() as (service, user_id):
        data = service.export_definitions(
            user_id, layout="g1" if layout is _Layout.g1 else "canonical"
        )
    if output is None:
        typer.echo(dump_definitions(data), nl=False)
        return
    write_text(output, dump_definitions(data, fmt="yaml" if _fmt_for(output) == "yaml" else "json"))
    count = len(data) if layout is _Layout.g1 else len(data["personas"])
    out().print(f"Wrote {count} personas to {output}.", highlight=False)
