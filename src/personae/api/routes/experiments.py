"""``/api/content/experiments``: A/B tests of persona versions on one platform.

Create a test of two or more versions (or labels) of a persona, ask which variant writes
the next piece (``/allocate``: Thompson sampling), keep the piece with its
``experiment_id`` and ``variant`` (``POST /api/content``), and read the report: per
variant the pieces, mean reward and probability of being best, with a stopping
suggestion. Thin shell over :class:`~personae.content.ContentService`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from personae.api._envelope import Envelope, error_responses, ok
from personae.api.deps import CurrentUserDep, LiveUserDep, StateDep
from personae.api.routes.content import content_service
from personae.content import Allocation, ExperimentCreate, ExperimentReport
from personae.store import MAX_INT

__all__ = ["router"]

router = APIRouter(
    prefix="/api/content/experiments",
    tags=["content"],
    responses=error_responses(401, 404, 422, 429),
)

ExperimentIdPath = Annotated[int, Path(ge=1, le=MAX_INT, description="An experiment's id.")]


@router.post(
    "",
    status_code=201,
    summary="Start an A/B test of persona versions",
    response_model=Envelope[ExperimentReport],
)
def create_experiment(
    body: ExperimentCreate, caller: LiveUserDep, state: StateDep
) -> Envelope[ExperimentReport]:
    """Variants name a version or a label (resolved to its version now)."""
    return ok(content_service(state).create_experiment(caller.id, body))


@router.get("", summary="Your experiments", response_model=Envelope[list[ExperimentReport]])
def list_experiments(caller: CurrentUserDep, state: StateDep) -> Envelope[list[ExperimentReport]]:
    """Newest first, each with its report."""
    return ok(content_service(state).experiments(caller.id))


@router.get(
    "/{experiment_id}", summary="An experiment's report", response_model=Envelope[ExperimentReport]
)
def read_experiment(
    experiment_id: ExperimentIdPath,
    caller: CurrentUserDep,
    state: StateDep,
    confidence: Annotated[float, Query(ge=0.5, le=0.999)] = 0.95,
) -> Envelope[ExperimentReport]:
    """Per variant: pieces, mean reward, probability of being best; and whether to stop."""
    return ok(
        content_service(state).experiment_report(caller.id, experiment_id, confidence=confidence)
    )


@router.post(
    "/{experiment_id}/allocate",
    summary="Which variant writes the next piece",
    response_model=Envelope[Allocation],
    responses=error_responses(409),
)
def allocate(
    experiment_id: ExperimentIdPath, caller: LiveUserDep, state: StateDep
) -> Envelope[Allocation]:
    """Thompson sampling over the variants' posteriors (new variants first)."""
    return ok(content_service(state).allocate(caller.id, experiment_id))


@router.post(
    "/{experiment_id}/stop", summary="Stop an experiment", response_model=Envelope[ExperimentReport]
)
def stop(
    experiment_id: ExperimentIdPath, caller: LiveUserDep, state: StateDep
) -> Envelope[ExperimentReport]:
    """No more allocations; the report stays."""
    return ok(content_service(state).stop_experiment(caller.id, experiment_id))
