"""``GET /api/usage``: your model calls per day, provider and model, with estimated cost
and the monthly token budget (a shell over :class:`personae.usage.UsageService`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.concurrency import run_in_threadpool

from personae.api._envelope import Envelope, error_responses, ok
from personae.api.deps import CurrentUserDep, StateDep
from personae.usage import MAX_DAYS, UsageReport, build_usage_service

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["usage"], responses=error_responses(401, 422, 429))


@router.get("/usage", summary="Your LLM spend", response_model=Envelope[UsageReport])
async def usage(
    caller: CurrentUserDep,
    state: StateDep,
    days: Annotated[int, Query(ge=1, le=MAX_DAYS, description="Days back, today included.")] = 30,
) -> Envelope[UsageReport]:
    """Calls, tokens in and out and estimated cost (``PERSONAE_LLM_PRICES``) per day (UTC),
    provider and model, newest first; and the monthly budget: spent, remaining, renewal."""
    service = build_usage_service(state.settings, state.database)
    return ok(await run_in_threadpool(service.report, owner_id=caller.id, days=days))
