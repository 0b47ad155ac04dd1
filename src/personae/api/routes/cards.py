"""Character cards (V2, V3) over HTTP: import a card as a persona, export a persona as one.

A card travels as JSON or as a PNG carrying it in a ``tEXt`` chunk; the store reads and
writes both (through :meth:`~personae.persona.PersonaService.import_card` /
``export_card``) and round trips are lossless.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from personae.api._body import RawBody, request_body
from personae.api._envelope import Envelope, error_responses, ok
from personae.api.deps import CurrentUserDep, LiveUserDep, PersonaIdPath, PersonaServiceDep
from personae.persona import CardSpec
from personae.store import NAME_PATTERN, PersonaPublic

__all__ = ["router"]

router = APIRouter(
    prefix="/api/personas",
    tags=["cards"],
    responses=error_responses(401, 422, 429, 503),
)


@router.post(
    "/import/card",
    status_code=201,
    summary="Import a character card",
    response_model=Envelope[PersonaPublic],
    responses=error_responses(409, 413),
    openapi_extra=request_body(
        "A Character Card V2 or V3: its JSON, or a PNG carrying it.",
        {
            "application/json": {"schema": {"type": "object"}},
            "image/png": {"schema": {"type": "string", "format": "binary"}},
        },
    ),
)
def import_card_route(
    body: RawBody,
    caller: LiveUserDep,
    service: PersonaServiceDep,
    name: Annotated[
        str | None,
        Query(
            pattern=NAME_PATTERN,
            description="The persona's name; default: an ASCII slug of the card's name.",
        ),
    ] = None,
) -> Envelope[PersonaPublic]:
    """Create a persona from a card; fields without a persona column are kept for export."""
    return ok(service.import_card(caller.id, body, name=name))


def _filename(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_") or "persona"


@router.get(
    "/{persona_id}/card",
    summary="Export a persona as a character card",
    response_model=Envelope[dict[str, object]],
    responses={
        **error_responses(404),
        200: {
            "description": "The card as JSON in the envelope, or a PNG with format=png.",
            "content": {"image/png": {"schema": {"type": "string", "format": "binary"}}},
        },
    },
)
def export_card_route(
    persona_id: PersonaIdPath,
    caller: CurrentUserDep,
    service: PersonaServiceDep,
    spec: Annotated[
        CardSpec | None, Query(description="Card version; default: the imported card's, else V2.")
    ] = None,
    fmt: Annotated[
        Literal["json", "png"], Query(alias="format", description="json or png.")
    ] = "json",
) -> Response | Envelope[dict[str, object]]:
    """The persona as a card; an imported card comes back as it came in."""
    exported = service.export_card(caller.id, persona_id, spec=spec, png=fmt == "png")
    if isinstance(exported.card, bytes):
        return Response(
            content=exported.card,
            media_type="image/png",
            headers={
                "Content-Disposition": f'attachment; filename="{_filename(exported.name)}.png"'
            },
        )
    return ok(exported.card)
