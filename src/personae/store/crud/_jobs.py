"""Background jobs' rows (the runner in :mod:`personae.jobs` moves them along).

Part of :mod:`personae.store.crud` (see its docstring for the rules every write follows).
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from personae.errors import JobNotFoundError
from personae.store._models import Job, utcnow
from personae.store.crud._common import _unit

# -- jobs -------------------------------------------------------------------------------

JOB_STATUSES = ("queued", "running", "succeeded", "failed")
"""A job's life: queued → running → succeeded | failed."""


def create_job(
    *, session: Session, owner_id: int, kind: str, params: dict[str, Any], message: str = ""
) -> Job:
    """Record a queued job; the caller hands its id to a runner after the commit."""
    job = Job(
        id=str(uuid.uuid4()),
        owner_id=owner_id,
        kind=kind,
        status="queued",
        progress=0.0,
        message=message or "queued",
        params=params,
    )
    session.add(job)
    session.flush()
    return job


def get_job(*, session: Session, owner_id: int | None, job_id: str) -> Job:
    """The job with this id; with ``owner_id``, only if that owner queued it.

    ``owner_id=None`` is for the worker that runs it, which has no caller.

    Raises
    ------
    JobNotFoundError
        No such job (for this owner).
    """
    job = session.get(Job, job_id)
    if job is None or (owner_id is not None and job.owner_id != owner_id):
        raise JobNotFoundError(f"no job {job_id!r}", job_id=job_id)
    return job


def list_jobs(*, session: Session, owner_id: int, limit: int = 50) -> list[Job]:
    """The owner's newest jobs first."""
    query = select(Job).where(Job.owner_id == owner_id).order_by(Job.created_at.desc()).limit(limit)
    return list(session.scalars(query))


def update_job(
    *,
    session: Session,
    job_id: str,
    status: str | None = None,
    progress: float | None = None,
    message: str | None = None,
    result: dict[str, Any] | None = None,
    error: dict[str, Any] | None = None,
) -> Job:
    """Move a job along: status, progress (0..1, never backwards), message, outcome.

    Raises
    ------
    JobNotFoundError
        No such job (deleted with its owner meanwhile).
    """
    job = get_job(session=session, owner_id=None, job_id=job_id)
    if status is not None:
        if status not in JOB_STATUSES:
            raise ValueError(f"unknown job status {status!r}")
        job.status = status
    if progress is not None:
        _unit(progress, "progress")
        job.progress = max(job.progress, progress)
    if message is not None:
        job.message = message
    if result is not None:
        job.result = result
    if error is not None:
        job.error = error
    job.updated_at = utcnow()
    session.flush()
    return job
