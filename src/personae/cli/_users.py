"""``personae users``: accounts of the HTTP API, managed from the server's shell.

The API lets anyone register as a ``user``; only someone with the server's shell (and so
its database) can make an ``admin``. That is the bootstrap every self-hosted service
needs: the first administrator cannot be created over HTTP.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer

from personae._types import Role
from personae.accounts import AccountService, build_account_service, open_database
from personae.cli._console import out
from personae.config import get_settings

__all__ = ["users_app"]

users_app = typer.Typer(
    name="users", help="Create API accounts and set their roles.", no_args_is_help=True
)

RoleOption = Annotated[Role, typer.Option("--role", help="user or admin.", case_sensitive=False)]


@contextmanager
def _accounts() -> Iterator[AccountService]:
    settings = get_settings()
    with open_database(settings) as database:
        yield build_account_service(settings, database=database)


@users_app.command("create")
def create_command(
    email: Annotated[str, typer.Argument(help="The account's e-mail address.")],
    role: RoleOption = "user",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Create an account that can sign in to the HTTP API (asks for its password)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    with _accounts() as accounts:
        user = accounts.create_user(email, password, role=role)
    out().print(f"Created {user.email} (id {user.id}, role {user.role}).", highlight=False)


@users_app.command("set-role")
def set_role_command(
    email: Annotated[str, typer.Argument(help="The account's e-mail address.")],
    role: Annotated[Role, typer.Argument(help="user or admin.", case_sensitive=False)],
) -> None:
    """Make an account an admin, or a plain user again (takes effect at once)."""
    with _accounts() as accounts:
        user = accounts.set_role(email, role)
    out().print(f"{user.email} is now {role}.", highlight=False)
