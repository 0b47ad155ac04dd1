"""The job runner's content work: publish an owner's due pieces, settle their engagement.

:class:`DueScheduler` (a thread of the server) looks for scheduled pieces whose time has
come and queues one ``content.publish_due`` job per owner that has some, through the
app's job runner (a thread of the server, or ``personae worker`` processes over RQ); the
job, :func:`publish_due_task`, publishes them. So a due piece goes out at its time
whichever runner is configured, and the owner sees the job in ``GET /api/jobs``.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from personae.content._build import build_content_service
from personae.content._service import ContentService
from personae.jobs import JobContext, JobRunner, submit_job
from personae.store import Database, Job, session_scope
from personae.store._models import ContentPiece, utcnow

__all__ = ["PUBLISH_DUE", "DueScheduler", "publish_due_task"]

logger = logging.getLogger("personae.content")

PUBLISH_DUE = "content.publish_due"
"""The job kind that publishes one owner's due pieces."""


def publish_due_task(ctx: JobContext) -> dict[str, Any]:
    """Publish the job owner's due pieces (a :data:`~personae.jobs.TASKS` function)."""
    service = build_content_service(ctx.settings, database=ctx.database)
    ctx.progress(0.1, "publishing due pieces")
    done = service.publish_due(ctx.owner_id)
    return {"published": done.published, "failed": done.failed}


class DueScheduler:
    """Queues ``content.publish_due`` jobs for owners with due pieces every ``interval``
    seconds, and every ``settle_every`` seconds rewards the pieces whose engagement
    settled, in a daemon thread (:meth:`start`, :meth:`stop`); :meth:`tick` and
    :meth:`settle` are one pass each."""

    def __init__(
        self,
        database: Database,
        runner: JobRunner,
        *,
        interval: float = 30.0,
        settle_every: float = 600.0,
        settle_after: timedelta = timedelta(hours=48),
    ) -> None:
        self._database = database
        self._settle_after = settle_after
        self._runner = runner
        self._interval = interval
        self._settle_every = settle_every
        self._settled_at = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def tick(self) -> list[str]:
        """Queue a job for each owner with a due piece and none queued or running; the
        job ids."""
        with session_scope(self._database) as session:
            owners = session.scalars(
                select(ContentPiece.owner_id)
                .where(
                    ContentPiece.status == "scheduled",
                    ContentPiece.scheduled_at <= utcnow(),
                    ContentPiece.publisher != "manual",
                )
                .distinct()
            ).all()
            busy = set(
                session.scalars(
                    select(Job.owner_id).where(
                        Job.kind == PUBLISH_DUE, Job.status.in_(("queued", "running"))
                    )
                )
            )
        return [
            submit_job(self._database, self._runner, owner_id=owner, kind=PUBLISH_DUE, params={})
            for owner in owners
            if owner not in busy
        ]

    def settle(self) -> int:
        """Reward every owner's pieces whose engagement settled; how many."""
        service = ContentService(self._database, settle_after=self._settle_after)
        cutoff = service.clock() - service.settle_after
        with session_scope(self._database) as session:
            owners = session.scalars(
                select(ContentPiece.owner_id)
                .where(
                    ContentPiece.status == "published",
                    ContentPiece.settled_at.is_(None),
                    ContentPiece.published_at <= cutoff,
                )
                .distinct()
            ).all()
        return sum(len(service.settle(owner)) for owner in owners)

    def _loop(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                self.tick()
                if time.monotonic() - self._settled_at >= self._settle_every:
                    self._settled_at = time.monotonic()
                    self.settle()
            except Exception:  # the scheduler must outlive a database hiccup
                logger.warning("content scheduler pass failed", exc_info=True)

    def start(self) -> None:
        """Start the thread (once; never with an interval of 0)."""
        if self._thread is None and self._interval > 0:
            self._thread = threading.Thread(
                target=self._loop, name="personae-content-scheduler", daemon=True
            )
            self._thread.start()

    def stop(self) -> None:
        """Stop the thread and wait for it."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
