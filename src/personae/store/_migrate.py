"""Running Alembic from Python: no ``alembic.ini`` in the working directory needed.

The migration scripts ship inside the package (``personae/store/migrations``), so an
installed personae can migrate its own database: :func:`upgrade` builds the Alembic
configuration in code and hands Alembic an open connection.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine
from sqlalchemy.engine import URL

__all__ = ["MIGRATIONS_DIR", "alembic_config", "current_revision", "head_revision", "upgrade"]

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
"""Where the Alembic environment and revisions live inside the installed package."""


def alembic_config(url: str | URL | None = None) -> Config:
    """An Alembic :class:`Config` pointing at the packaged migrations.

    Parameters
    ----------
    url
        The database to migrate; ``None`` lets ``env.py`` read it from the settings.
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url is not None:
        rendered = url.render_as_string(hide_password=False) if isinstance(url, URL) else url
        # ConfigParser interpolation: a literal % in a password must be doubled.
        config.set_main_option("sqlalchemy.url", rendered.replace("%", "%%"))
    return config


def upgrade_engine(engine: Engine, revision: str = "head") -> None:
    """Migrate the database behind ``engine`` (reusing its connection settings)."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def upgrade(url: str | URL | None = None, *, revision: str = "head") -> None:
    """Migrate a database to the newest schema (or to ``revision``).

    Parameters
    ----------
    url
        A SQLAlchemy URL; ``None`` uses the configured store
        (``PERSONAE_DATABASE_URL``, or the SQLite file in the data directory).
    revision
        Alembic revision to reach; ``"head"`` is the newest.

    Examples
    --------
    >>> from personae.store import upgrade
    >>> upgrade("sqlite:///personae.db")  # doctest: +SKIP
    """
    from personae.store._db import Database

    with Database(url) as database:
        upgrade_engine(database.engine, revision)


def current_revision(engine: Engine) -> str | None:
    """The revision stamped in the database, or ``None`` when it was never migrated."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    """The newest revision shipped with this release."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()
