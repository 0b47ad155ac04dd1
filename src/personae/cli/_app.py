"""The root ``personae`` command and the one place user errors become exit codes."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from typer.core import TyperGroup, TyperOption

from personae import __version__
from personae.cli import _chat, _content, _score, _store, _strategy, _style
from personae.cli._console import print_error
from personae.cli._demo import demo
from personae.cli._mcp import mcp_command
from personae.cli._serve import serve
from personae.cli._usage import usage_command
from personae.cli._users import users_app
from personae.cli._worker import worker
from personae.cli._write import persona_app, write_command
from personae.errors import PersonaeError

__all__ = ["USER_ERROR_EXIT_CODE", "app"]

USER_ERROR_EXIT_CODE = 2
"""Exit status of every :class:`PersonaeError`: input the user can fix, like a usage error."""


_option_type_label = TyperOption.display_type_rich


def _type_label_except_flags(self: TyperOption, ctx: Any) -> str | None:
    """Typer's help shows a flag as ``--json <bool>``, as if it took a value: not here."""
    if self.is_flag:
        return None
    label: str | None = _option_type_label(self, ctx)
    return label


TyperOption.display_type_rich = _type_label_except_flags  # type: ignore[method-assign]


class _RootGroup(TyperGroup):
    """Root command group: maps the :mod:`personae.errors` tree to an exit status, once.

    Every command runs inside this ``invoke``, whether started by
    :func:`personae.cli.main` or by a test's ``CliRunner``, so commands never catch
    :class:`PersonaeError` themselves. Anything else is a bug and keeps its traceback.
    """

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except PersonaeError as exc:
            print_error(exc)
            raise typer.Exit(code=USER_ERROR_EXIT_CODE) from exc


app = typer.Typer(
    name="personae",
    cls=_RootGroup,
    help="personae: measure a writer's voice from their own texts.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)
app.add_typer(_style.app, name="style")
app.add_typer(_store.db_app, name="db")
app.add_typer(users_app, name="users")
app.command("sync")(_store.sync_command)
app.command("export")(_store.export_command)
app.command("demo")(demo)
app.command("serve")(serve)
app.command("worker")(worker)
app.add_typer(persona_app, name="persona")
app.command("write")(write_command)
app.add_typer(_content.content_app, name="content")
app.command("score")(_score.score_command)
app.command("platforms")(_score.platforms_command)
app.add_typer(_strategy.strategy_app, name="strategy")
app.add_typer(_strategy.engagement_app, name="engagement")
app.command("chat")(_chat.chat_command)
app.command("mcp")(mcp_command)
app.command("usage")(usage_command)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"personae {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """personae: measure a writer's voice from their own texts."""
