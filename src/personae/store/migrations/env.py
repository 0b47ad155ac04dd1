"""Alembic environment: metadata from the models, the URL from ``personae`` settings.

``personae.store.upgrade()`` passes an open connection in ``config.attributes``; the
``alembic`` command line (``alembic -c src/personae/store/alembic.ini …``) gets the URL
from ``sqlalchemy.url`` when set, else from ``Settings.resolved_database_url()``.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from personae.store._db import Database
from personae.store._models import Base

target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _run_offline() -> None:
    url = context.config.get_main_option("sqlalchemy.url")
    if url is None:
        from personae.config import get_settings

        url = get_settings().resolved_database_url()
    context.configure(url=url, target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def _run_online() -> None:
    given = context.config.attributes.get("connection")
    if given is not None:
        _run(given)
        return
    url = context.config.get_main_option("sqlalchemy.url")
    with Database(url) as database, database.engine.begin() as connection:
        _run(connection)


if context.is_offline_mode():
    _run_offline()
else:
    _run_online()
