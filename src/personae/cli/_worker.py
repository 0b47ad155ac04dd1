"""``personae worker``: run queued background jobs from Redis (RQ) in this process.

Needed only when ``PERSONAE_REDIS_URL`` is set (or ``PERSONAE_JOB_RUNNER=rq``); without
Redis the server runs jobs in a thread of its own and no worker is needed.
"""

from __future__ import annotations

from typing import Annotated

import typer

from personae.cli._console import out
from personae.config import get_settings
from personae.errors import PersonaeError
from personae.jobs import queue_name

__all__ = ["worker"]


def worker(
    burst: Annotated[
        bool, typer.Option("--burst", help="Run the jobs queued now, then exit.")
    ] = False,
) -> None:
    """Run background jobs (persona generation …) queued by `personae serve` in Redis."""
    settings = get_settings()
    if settings.redis_url is None:
        raise PersonaeError(
            "the worker takes jobs from Redis: set PERSONAE_REDIS_URL (without Redis, "
            "`personae serve` runs jobs itself)"
        )
    from redis import Redis
    from rq import Queue, Worker

    connection = Redis.from_url(settings.redis_url)
    queue = Queue(queue_name(settings), connection=connection)
    out().print(f"Worker on queue {queue.name!r} ({len(queue)} job(s) waiting).", highlight=False)
    Worker([queue], connection=connection).work(burst=burst, logging_level="WARNING")
