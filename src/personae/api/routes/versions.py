"""A persona's history: versions, diffs, rollback and labels (``production`` …)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from personae.api._envelope import Envelope, error_responses, ok
from personae.api._schemas import LabelPublic, LabelRequest, RollbackRequest, VersionSummary
from personae.api.deps import (
    CurrentUserDep,
    LabelPath,
    PersonaIdPath,
    PersonaServiceDep,
    VersionPath,
)
from personae.store import MAX_INT, PersonaDiff, PersonaPublic, PersonaVersionPublic

__all__ = ["router"]

router = APIRouter(
    prefix="/api/personas/{persona_id}",
    tags=["versions"],
    responses=error_responses(401, 404, 422, 429, 503),
)


@router.get(
    "/versions",
    summary="List a persona's versions",
    response_model=Envelope[list[VersionSummary]],
)
def list_versions(
    persona_id: PersonaIdPath, caller: CurrentUserDep, service: PersonaServiceDep
) -> Envelope[list[VersionSummary]]:
    """Every version of the persona, oldest first, without the snapshots."""
    rows = service.versions(caller.id, persona_id)
    return ok([VersionSummary.model_validate(row) for row in rows])


@router.get(
    "/versions/{version}",
    summary="Read one version",
    response_model=Envelope[PersonaVersionPublic],
)
def read_version(
    persona_id: PersonaIdPath,
    version: VersionPath,
    caller: CurrentUserDep,
    service: PersonaServiceDep,
) -> Envelope[PersonaVersionPublic]:
    """One version with its full snapshot, author and message."""
    return ok(service.version(caller.id, persona_id, version))


@router.get("/diff", summary="Compare two versions", response_model=Envelope[PersonaDiff])
def diff_versions(
    persona_id: PersonaIdPath,
    caller: CurrentUserDep,
    service: PersonaServiceDep,
    from_version: Annotated[int, Query(ge=1, le=MAX_INT, alias="from")],
    to_version: Annotated[int, Query(ge=1, le=MAX_INT, alias="to")],
) -> Envelope[PersonaDiff]:
    """The fields that differ between versions ``from`` and ``to``, in field order."""
    return ok(service.diff(caller.id, persona_id, from_version=from_version, to_version=to_version))


@router.post(
    "/rollback",
    summary="Roll back to an earlier version",
    response_model=Envelope[PersonaPublic],
    responses=error_responses(409, 413),
)
def rollback(
    persona_id: PersonaIdPath,
    body: RollbackRequest,
    caller: CurrentUserDep,
    service: PersonaServiceDep,
) -> Envelope[PersonaPublic]:
    """Write a new version equal to ``to_version``; history is never rewritten.

    ``version`` is the version you read: if the persona moved on since, 409.
    """
    return ok(
        service.rollback(
            caller.id,
            persona_id,
            to_version=body.to_version,
            expected_version=body.version,
            message=body.message,
        )
    )


@router.get(
    "/labels", summary="List a persona's labels", response_model=Envelope[list[LabelPublic]]
)
def list_labels(
    persona_id: PersonaIdPath, caller: CurrentUserDep, service: PersonaServiceDep
) -> Envelope[list[LabelPublic]]:
    """Every label of the persona and the version it points at."""
    labels = service.labels(caller.id, persona_id)
    return ok([LabelPublic(label=label, version=version) for label, version in labels.items()])


@router.get(
    "/labels/{label}",
    summary="Read the version a label points at",
    response_model=Envelope[PersonaVersionPublic],
)
def read_label(
    persona_id: PersonaIdPath, label: LabelPath, caller: CurrentUserDep, service: PersonaServiceDep
) -> Envelope[PersonaVersionPublic]:
    """The version ``label`` points at, with its snapshot (e.g. what is in production)."""
    return ok(service.label(caller.id, persona_id, label))


@router.put(
    "/labels/{label}",
    summary="Point a label at a version",
    response_model=Envelope[LabelPublic],
    responses=error_responses(413),
)
def set_label(
    persona_id: PersonaIdPath,
    label: LabelPath,
    body: LabelRequest,
    caller: CurrentUserDep,
    service: PersonaServiceDep,
) -> Envelope[LabelPublic]:
    """Create or move ``label`` to ``version``."""
    version = service.set_label(caller.id, persona_id, label, body.version)
    return ok(LabelPublic(label=label, version=version))
