"""``personae serve``: run the HTTP API with uvicorn.

On SQLite the database is migrated first, so a fresh install serves at once; on
PostgreSQL a database behind this release's schema is refused (run ``personae db
upgrade``), rather than failing on the first request.
"""

from __future__ import annotations

from typing import Annotated

import typer

from personae.accounts import open_database
from personae.cli._console import err
from personae.config import get_settings

__all__ = ["APP_FACTORY", "serve"]

APP_FACTORY = "personae.api.main:create_app"
"""What uvicorn imports and calls (settings come from the environment, as here)."""


def serve(
    host: Annotated[
        str | None,
        typer.Option(help="Interface to listen on [default: PERSONAE_HOST or 127.0.0.1]."),
    ] = None,
    port: Annotated[
        int | None,
        typer.Option(min=1, max=65535, help="Port [default: PERSONAE_PORT or 8000]."),
    ] = None,
    reload: Annotated[
        bool, typer.Option("--reload", help="Restart when the code changes (development).")
    ] = False,
) -> None:
    """Serve the web studio at /, the HTTP API (OpenAPI docs at /docs), /v1 and /mcp."""
    import uvicorn

    settings = get_settings()
    with open_database(settings) as database:
        where = str(database)
    bind_host = host if host is not None else settings.host
    bind_port = port if port is not None else settings.port
    err().print(
        f"personae on http://{bind_host}:{bind_port} (studio at /, API docs at /docs), "
        f"database {where}",
        highlight=False,
        soft_wrap=True,
    )
    # X-Forwarded-For only from PERSONAE_TRUSTED_PROXIES (none by default): uvicorn would
    # otherwise believe it from 127.0.0.1, and a client could choose the address its
    # sign-in rate limit counts against.
    proxies = settings.trusted_proxies.strip()
    uvicorn.run(
        APP_FACTORY,
        factory=True,
        host=bind_host,
        port=bind_port,
        reload=reload,
        proxy_headers=bool(proxies),
        forwarded_allow_ips=proxies or "",
    )
