"""``personae users``: accounts of the HTTP API, managed from the server's shell.

The API lets anyone register as a ``user``; only someone with the server's shell (and so
its database) can make an ``admin``. That is the bootstrap every self-hosted service
needs: the first administrator cannot be created over HTTP.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from personae._types import Role
from personae.auth import check_password_policy, hash_password
from personae.cli._console import out
from personae.errors import UserNotFoundError
from personae.store import Database, UserCreate, crud, session_scope

__all__ = ["users_app"]

users_app = typer.Typer(
    name="users", help="Create API accounts and set their roles.", no_args_is_help=True
)

RoleOption = Annotated[Role, typer.Option("--role", help="user or admin.", case_sensitive=False)]


def _database() -> Database:
    db = Database()
    if db.is_sqlite:
        db.upgrade()
    else:
        db.ensure_current()
    return db


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
    check_password_policy(password)
    with _database() as db, session_scope(db) as session:
        user = crud.create_user(
            session=session,
            data=UserCreate(email=email, password_hash=hash_password(password), role=role),
        )
        out().print(f"Created {user.email} (id {user.id}, role {user.role}).", highlight=False)


@users_app.command("set-role")
def set_role_command(
    email: Annotated[str, typer.Argument(help="The account's e-mail address.")],
    role: Annotated[Role, typer.Argument(help="user or admin.", case_sensitive=False)],
) -> None:
    """Make an account an admin, or a plain user again (takes effect at once)."""
    with _database() as db, session_scope(db) as session:
        user = crud.get_user_by_email(session=session, email=email)
        if user is None:
            raise UserNotFoundError(f"no user with e-mail {email}", email=email)
        crud.set_user_role(session=session, user_id=user.id, role=role)
        out().print(f"{user.email} is now {role}.", highlight=False)
