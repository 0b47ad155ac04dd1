"""Who runs queued jobs: a thread of this process, or ``personae worker`` processes via RQ.

The job's row in the store is the truth about it (status, progress, result); a runner
only decides *where* :func:`~personae.jobs.run_job` is called. So the API answers
``GET /api/jobs/{id}`` from the store the same way whichever runner is configured.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Protocol

from personae._metrics import set_job_queue_depth
from personae._redis import import_redis, redacted
from personae.config import Settings
from personae.jobs._context import ModelFactory
from personae.jobs._execute import run_job
from personae.store import Database

if TYPE_CHECKING:
    from rq import Queue

__all__ = ["JobRunner", "RQJobRunner", "ThreadJobRunner", "build_job_runner", "queue_name"]


class JobRunner(Protocol):
    """Starts queued jobs somewhere; ``submit`` returns at once."""

    def submit(self, job_id: str) -> None: ...

    def close(self) -> None: ...


class ThreadJobRunner:
    """Runs jobs in worker threads of this process (the default: nothing to deploy).

    One thread by default: the local model computes on every core already, and its
    llama.cpp context serves one call at a time.
    """

    def __init__(
        self,
        database: Database,
        settings: Settings,
        *,
        threads: int = 1,
        llm_for: ModelFactory | None = None,
    ) -> None:
        self._database = database
        self._settings = settings
        self._llm_for = llm_for
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="personae-job")
        self._lock = threading.Lock()
        self._pending = 0

    def _count(self, change: int) -> None:
        with self._lock:
            self._pending += change
            set_job_queue_depth(self._pending)  # queued or running, for /metrics

    def _run(self, job_id: str) -> None:
        try:
            run_job(job_id, database=self._database, settings=self._settings, llm_for=self._llm_for)
        finally:
            self._count(-1)

    def submit(self, job_id: str) -> None:
        self._count(+1)
        try:
            with self._lock:
                self._pool.submit(self._run, job_id)
        except BaseException:
            self._count(-1)
            raise

    def close(self) -> None:
        """Wait for running jobs, then stop (queued ones still run first)."""
        self._pool.shutdown(wait=True)


def queue_name(settings: Settings) -> str:
    """The RQ queue of this deployment (namespaced like every other Redis key)."""
    return f"{settings.redis_namespace}:jobs"


class RQJobRunner:
    """Puts job ids on an RQ queue in Redis; ``personae worker`` processes run them."""

    def __init__(self, settings: Settings) -> None:
        if settings.redis_url is None:
            raise ValueError("RQJobRunner needs PERSONAE_REDIS_URL")
        import_redis()  # a clear error when the redis extra is missing
        from redis import Redis
        from rq import Queue

        self._url = settings.redis_url
        self._connection = Redis.from_url(settings.redis_url)
        self._queue: Queue = Queue(queue_name(settings), connection=self._connection)
        self._timeout = settings.job_timeout_seconds

    def __repr__(self) -> str:
        return f"RQJobRunner({redacted(self._url)!r}, queue={self._queue.name!r})"

    def submit(self, job_id: str) -> None:
        self._queue.enqueue(
            "personae.jobs._execute.run_job_in_worker",
            job_id,
            job_id=f"personae-{job_id}",
            job_timeout=self._timeout,
            result_ttl=0,
        )

    def close(self) -> None:
        self._connection.close()


def build_job_runner(
    settings: Settings, database: Database, *, llm_for: ModelFactory | None = None
) -> JobRunner:
    """The runner the settings ask for: ``PERSONAE_JOB_RUNNER`` = ``thread`` | ``rq`` |
    ``auto`` (RQ when ``PERSONAE_REDIS_URL`` is set, else a thread of this process).

    ``llm_for`` reaches jobs run in this process only; a worker builds its own models."""
    wanted = settings.job_runner
    if wanted == "rq" or (wanted == "auto" and settings.redis_url is not None):
        return RQJobRunner(settings)
    return ThreadJobRunner(database, settings, llm_for=llm_for)
