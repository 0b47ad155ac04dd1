"""Run one job to its end, whatever happens: the row always ends succeeded or failed."""

from __future__ import annotations

import logging
import time
from typing import Any

from personae._metrics import observe_job
from personae.config import Settings, get_settings
from personae.errors import PersonaeError
from personae.jobs._context import JobContext, ModelFactory
from personae.jobs._registry import resolve_task
from personae.store import Database, crud, session_scope

__all__ = ["run_job", "run_job_in_worker"]

logger = logging.getLogger("personae.jobs")


def run_job(
    job_id: str, *, database: Database, settings: Settings, llm_for: ModelFactory | None = None
) -> None:
    """Run the queued job ``job_id`` and record its outcome.

    A :class:`~personae.errors.PersonaeError` (bad input, the model unavailable …) fails
    the job with its code and message, as the API would have answered it. Anything else
    is a bug: it fails the job with ``internal_error`` and is logged with its traceback,
    never shown to the client. A job already started elsewhere is left alone, so a job
    delivered twice by a queue runs once.
    """
    with session_scope(database) as session:
        job = crud.get_job(session=session, owner_id=None, job_id=job_id)
        if job.status != "queued":
            logger.warning("job %s is %s, not queued: not run again", job_id, job.status)
            return
        crud.update_job(session=session, job_id=job_id, status="running", message="started")
        context = JobContext(
            job_id=job_id,
            owner_id=job.owner_id,
            params=dict(job.params),
            database=database,
            settings=settings,
            llm_for=llm_for,
        )
        kind = job.kind
    outcome: dict[str, Any]
    started = time.perf_counter()
    try:
        result = resolve_task(kind)(context)
    except PersonaeError as exc:
        outcome = {
            "status": "failed",
            "error": {"code": exc.code, "message": exc.message, "details": exc.details},
            "message": exc.message,
        }
    except Exception:
        logger.exception("job %s (%s) failed", job_id, kind)
        outcome = {
            "status": "failed",
            "error": {"code": "internal_error", "message": "the job failed unexpectedly"},
            "message": "failed",
        }
    else:
        outcome = {"status": "succeeded", "result": result, "progress": 1.0, "message": "done"}
    observe_job(kind=kind, status=outcome["status"], seconds=time.perf_counter() - started)
    with session_scope(database) as session:
        crud.update_job(session=session, job_id=job_id, **outcome)


def run_job_in_worker(job_id: str) -> None:
    """The entry point a ``personae worker`` process runs for each queued job id.

    The worker has no app: it opens the database the settings name for each job.
    """
    settings = get_settings()
    with Database(settings.resolved_database_url()) as database:
        run_job(job_id, database=database, settings=settings)
