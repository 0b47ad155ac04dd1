"""Background jobs: the row always ends succeeded or failed; runners in-process and RQ."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from personae.cli._app import app
from personae.config import Settings, get_settings
from personae.errors import JobNotFoundError
from personae.jobs import TASKS, RQJobRunner, ThreadJobRunner, run_job, submit_job
from personae.store import Database, UserCreate, crud, session_scope
from tests.waiting import settled_job


@pytest.fixture(autouse=True)
def _test_tasks(monkeypatch: pytest.MonkeyPatch) -> None:
    for kind in ("echo", "refuse", "crash"):
        monkeypatch.setitem(TASKS, f"test.{kind}", f"tests.jobs.tasks:{kind}")


@pytest.fixture
def owner(db: Database) -> int:
    with session_scope(db) as session:
        return crud.create_user(
            session=session, data=UserCreate(email="j@example.org", password_hash="!")
        ).id


def _job(db: Database, job_id: str) -> dict[str, object]:
    with session_scope(db) as session:
        job = crud.get_job(session=session, owner_id=None, job_id=job_id)
        return {
            "status": job.status,
            "progress": job.progress,
            "message": job.message,
            "result": job.result,
            "error": job.error,
        }


def _wait(db: Database, job_id: str, timeout: float = 30.0) -> dict[str, object]:
    return settled_job(lambda: _job(db, job_id), timeout=timeout)


def test_a_job_runs_in_a_thread_and_reports_its_result(
    db: Database, owner: int, database_url: str
) -> None:
    runner = ThreadJobRunner(db, Settings(_env_file=None, database_url=database_url))
    try:
        job_id = submit_job(db, runner, owner_id=owner, kind="test.echo", params={"value": 41})
        job = _wait(db, job_id)
    finally:
        runner.close()
    assert job == {
        "status": "succeeded",
        "progress": 1.0,
        "message": "done",
        "result": {"echo": 41, "owner": owner},
        "error": None,
    }


def test_failures_are_recorded_without_internals(db: Database, owner: int) -> None:
    settings = Settings(_env_file=None)
    with session_scope(db) as session:
        refused = crud.create_job(session=session, owner_id=owner, kind="test.refuse", params={})
        crashed = crud.create_job(session=session, owner_id=owner, kind="test.crash", params={})
        ids = refused.id, crashed.id
    for job_id in ids:
        run_job(job_id, database=db, settings=settings)
    refused_job, crashed_job = (_job(db, job_id) for job_id in ids)
    assert refused_job["status"] == "failed"
    assert refused_job["error"] == {
        "code": "invalid_input",
        "message": "this input cannot be used",
        "details": {"field": "value"},
    }
    assert crashed_job["status"] == "failed"
    assert crashed_job["error"] == {
        "code": "internal_error",
        "message": "the job failed unexpectedly",
    }
    assert "secret" not in str(crashed_job)


def test_a_job_delivered_twice_runs_once(db: Database, owner: int) -> None:
    settings = Settings(_env_file=None)
    with session_scope(db) as session:
        job_id = crud.create_job(
            session=session, owner_id=owner, kind="test.echo", params={"value": 1}
        ).id
    run_job(job_id, database=db, settings=settings)
    with session_scope(db) as session:
        crud.update_job(session=session, job_id=job_id, result={"echo": "kept"})
    run_job(job_id, database=db, settings=settings)
    assert _job(db, job_id)["result"] == {"echo": "kept"}


def test_jobs_are_owner_scoped_and_progress_never_goes_back(db: Database, owner: int) -> None:
    with session_scope(db) as session:
        other = crud.create_user(
            session=session, data=UserCreate(email="k@example.org", password_hash="!")
        ).id
        job_id = crud.create_job(session=session, owner_id=owner, kind="test.echo", params={}).id
        with pytest.raises(JobNotFoundError):
            crud.get_job(session=session, owner_id=other, job_id=job_id)
        crud.update_job(session=session, job_id=job_id, progress=0.6)
        crud.update_job(session=session, job_id=job_id, progress=0.2)
        assert crud.get_job(session=session, owner_id=owner, job_id=job_id).progress == 0.6


def test_deleting_the_owner_deletes_their_jobs(db: Database, owner: int) -> None:
    with session_scope(db) as session:
        job_id = crud.create_job(session=session, owner_id=owner, kind="test.echo", params={}).id
    with session_scope(db) as session:
        crud.delete_user(session=session, user_id=owner)
    with session_scope(db) as session, pytest.raises(JobNotFoundError):
        crud.get_job(session=session, owner_id=None, job_id=job_id)


@pytest.fixture
def rq_settings(
    redis_url: str, redis_namespace: str, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Settings]:
    monkeypatch.setenv("PERSONAE_REDIS_URL", redis_url)
    monkeypatch.setenv("PERSONAE_REDIS_NAMESPACE", redis_namespace)
    monkeypatch.setenv("PERSONAE_DATABASE_URL", database_url)
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()


def test_rq_jobs_run_in_a_personae_worker(db: Database, owner: int, rq_settings: Settings) -> None:
    runner = RQJobRunner(rq_settings)
    try:
        job_id = submit_job(db, runner, owner_id=owner, kind="test.echo", params={"value": "rq"})
        assert _job(db, job_id)["status"] == "queued"  # nothing runs it until a worker does
        result = CliRunner().invoke(app, ["worker", "--burst"])
        assert result.exit_code == 0, result.output
    finally:
        runner.close()
    job = _wait(db, job_id, timeout=5)
    assert job["status"] == "succeeded"
    assert job["result"] == {"echo": "rq", "owner": owner}


def test_the_worker_needs_redis(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PERSONAE_REDIS_URL", raising=False)
    get_settings.cache_clear()
    result = CliRunner().invoke(app, ["worker", "--burst"])
    get_settings.cache_clear()
    assert result.exit_code == 2
    assert "PERSONAE_REDIS_URL" in result.output
