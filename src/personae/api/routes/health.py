"""``/api/health``: can this instance serve? (No credentials needed; reveals no data.)

- ``/api/health``: the database answers, and which cache is in use;
- ``/api/health/live``: the process answers (a liveness probe: no I/O at all, so a slow
  database never gets a healthy process restarted);
- ``/api/health/ready``: the database is reachable *and* migrated to this release (a
  readiness probe: 503 until ``personae db upgrade`` ran, so no traffic reaches an
  instance that would fail every request).
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from personae import __version__
from personae.api._envelope import Envelope, error_responses, ok
from personae.api._schemas import HealthReport
from personae.api.deps import StateDep
from personae.cache import Cache, NullCache, RedisCache

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["health"])


@router.get(
    "/health",
    summary="Health check",
    response_model=Envelope[HealthReport],
    responses=error_responses(503),
)
def health(state: StateDep) -> Envelope[HealthReport]:
    """200 when the database answers (503 when it does not), and the cache in use.

    Redis is reported but never fails the check: without it personae still serves, from
    the database.
    """
    state.database.ping()
    redis: Literal["ok", "unavailable"] | None = None
    if isinstance(state.cache, RedisCache):
        redis = "ok" if state.cache.available else "unavailable"
    return ok(
        HealthReport(
            status="ok",
            version=__version__,
            database="ok",
            cache=_kind(state.cache),
            redis=redis,
        )
    )


def _kind(cache: Cache) -> Literal["memory", "redis", "none"]:
    if isinstance(cache, RedisCache):
        return "redis"
    if isinstance(cache, NullCache):
        return "none"
    return "memory"


class Probe(BaseModel):
    """A probe's answer."""

    status: Literal["ok"]


@router.get(
    "/health/live",
    summary="Liveness probe",
    response_model=Envelope[Probe],
    responses=error_responses(503),
)
async def live() -> Envelope[Probe]:
    """200 while the process serves requests; touches nothing."""
    return ok(Probe(status="ok"))


@router.get(
    "/health/ready",
    summary="Readiness probe",
    response_model=Envelope[Probe],
    responses=error_responses(503),
)
async def ready(state: StateDep) -> Envelope[Probe]:
    """200 when the database answers and is at this release's schema; 503 otherwise."""
    await run_in_threadpool(state.database.ensure_current)
    return ok(Probe(status="ok"))
