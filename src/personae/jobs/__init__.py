"""Background jobs: long work (persona generation …) with progress a client can poll.

>>> from personae.jobs import build_job_runner, submit_job
>>> runner = build_job_runner(settings, database)  # doctest: +SKIP
>>> job_id = submit_job(database, runner, owner_id=1, kind="persona.generate", params={})
... # doctest: +SKIP

A job is a row in the store (``jobs``): queued → running → succeeded | failed, with
``progress`` (0..1) and a ``message``. By default a thread of the server runs it; with
Redis configured, RQ carries job ids to ``personae worker`` processes.

Design notes
============

`personae.jobs`
---------------

A job is a `jobs` row (`queued → running → succeeded | failed`, `progress` 0..1, a
`message`, the JSON `result` or `error`), written through `crud`. `submit_job` commits the
row, then hands its id to a runner: `ThreadJobRunner` (default: a thread of the server) or
`RQJobRunner` (with Redis: RQ carries the id to `personae worker` processes, which open
the database from their settings). `run_job` always ends the row: a `PersonaeError`
becomes the error envelope's `{code, message, details}`, anything else
`internal_error` (logged with its traceback, never shown). A job found already started is
not run again, so a queue delivering twice runs it once. The server's model factory
reaches thread-run jobs (tests script the model); a worker builds the configured one.
"""

from __future__ import annotations

from typing import Any

from personae.jobs._context import JobContext, ModelFactory, models_for, recorded_models
from personae.jobs._execute import run_job, run_job_in_worker
from personae.jobs._registry import TASKS, TaskFunction, resolve_task
from personae.jobs._runner import (
    JobRunner,
    RQJobRunner,
    ThreadJobRunner,
    build_job_runner,
    queue_name,
)
from personae.store import Database, crud, session_scope

__all__ = [
    "TASKS",
    "JobContext",
    "JobRunner",
    "ModelFactory",
    "RQJobRunner",
    "TaskFunction",
    "ThreadJobRunner",
    "build_job_runner",
    "models_for",
    "queue_name",
    "recorded_models",
    "resolve_task",
    "run_job",
    "run_job_in_worker",
    "submit_job",
]


def submit_job(
    database: Database,
    runner: JobRunner,
    *,
    owner_id: int,
    kind: str,
    params: dict[str, Any],
) -> str:
    """Record a job, commit it, then hand it to ``runner``; returns the job id.

    The row is committed *before* the runner sees the id, so a worker in another process
    always finds it.
    """
    if kind not in TASKS:
        raise ValueError(f"unknown job kind {kind!r}")
    with session_scope(database) as session:
        job_id = crud.create_job(session=session, owner_id=owner_id, kind=kind, params=params).id
    runner.submit(job_id)
    return job_id
