"""A persona's platform adaptations (``/api/personas/{id}/platform/{platform}``).

Generating and optimising adaptations comes with the persona services of a later
release; this router stores and serves them, reads through the cache.
Adaptations are stored only for installed platforms (``personae.persona.get_platform``);
reads look up whatever is stored.
"""

from __future__ import annotations

from fastapi import APIRouter, Response

from personae.api._cache import read_platform_json
from personae.api._envelope import Envelope, error_responses, json_envelope, ok
from personae.api._schemas import PlatformPersonaPublic, PlatformPersonaUpsert
from personae.api.deps import (
    CurrentUserDep,
    PersonaIdPath,
    PersonaServiceDep,
    PlatformPath,
    StateDep,
)
from personae.errors import UnknownPlatformError
from personae.persona import get_platform

__all__ = ["router"]

router = APIRouter(
    prefix="/api/personas/{persona_id}",
    tags=["platforms"],
    responses=error_responses(401, 404, 422, 429, 503),
)


def _stored_name(platform: str) -> str:
    """The name an adaptation is stored under: the plugin's own name (``twitter`` → ``x``).

    A name no installed plugin has is looked up as it is, so adaptations stored for a
    plugin since uninstalled can still be read.
    """
    try:
        return get_platform(platform).name
    except UnknownPlatformError:
        return platform


@router.get(
    "/platforms",
    summary="List a persona's platform adaptations",
    response_model=Envelope[list[PlatformPersonaPublic]],
)
def list_platforms(
    persona_id: PersonaIdPath, caller: CurrentUserDep, service: PersonaServiceDep
) -> Envelope[list[PlatformPersonaPublic]]:
    """Every platform the persona is adapted to, by name."""
    rows = service.adaptations(caller.id, persona_id)
    return ok([PlatformPersonaPublic.model_validate(row) for row in rows])


@router.get(
    "/platform/{platform}",
    summary="Read a platform adaptation",
    response_model=Envelope[PlatformPersonaPublic],
)
def read_platform(
    persona_id: PersonaIdPath, platform: PlatformPath, caller: CurrentUserDep, state: StateDep
) -> Response:
    """The persona adapted to ``platform``, through the read-through cache."""
    body = read_platform_json(
        state, owner_id=caller.id, persona_id=persona_id, platform=_stored_name(platform)
    )
    return json_envelope(body)


@router.put(
    "/platform/{platform}",
    summary="Store a platform adaptation",
    response_model=Envelope[PlatformPersonaPublic],
    responses=error_responses(413),
)
def upsert_platform(
    persona_id: PersonaIdPath,
    platform: PlatformPath,
    body: PlatformPersonaUpsert,
    caller: CurrentUserDep,
    service: PersonaServiceDep,
) -> Envelope[PlatformPersonaPublic]:
    """Create the adaptation, or replace the fields sent.

    ``platform`` must be an installed platform plugin (``GET /api/platforms``); another
    name is a 404 whose details list the known ones.
    """
    row = service.save_adaptation(
        caller.id,
        persona_id,
        get_platform(platform).name,
        platform_specific_data=body.platform_specific_data,
        optimization_strategies=body.optimization_strategies,
        quality_metrics=body.quality_metrics,
    )
    return ok(PlatformPersonaPublic.model_validate(row))
