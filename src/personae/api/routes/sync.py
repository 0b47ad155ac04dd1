"""Definitions files over HTTP: sync the caller's personas to one, or export them as one.

The same formats as ``personae sync`` / ``personae export``: the canonical
``{"personas": [...]}`` layout or G1's ``personas_definitions.json`` map, as JSON or YAML.
A sync is one transaction: it applies completely or not at all.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request

from personae.api._body import RawBody, content_type, request_body
from personae.api._envelope import Envelope, error_responses, ok
from personae.api.deps import CurrentUserDep, LiveUserDep, PersonaServiceDep
from personae.errors import SyncError
from personae.persona import load_definitions
from personae.store import SyncReport

__all__ = ["router"]

router = APIRouter(
    prefix="/api/personas",
    tags=["sync"],
    responses=error_responses(401, 422, 429, 503),
)

_YAML_TYPES = frozenset({"application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"})


def _text(body: bytes) -> str:
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SyncError("the definitions file is not UTF-8 text") from exc


@router.post(
    "/sync",
    summary="Sync your personas to a definitions file",
    response_model=Envelope[SyncReport],
    responses=error_responses(409, 413),
    openapi_extra=request_body(
        "A definitions file: {'personas': [...]} or G1's {name: {...}}, as JSON or YAML.",
        {
            "application/json": {"schema": {"type": "object"}},
            "application/yaml": {"schema": {"type": "string"}},
        },
    ),
)
def sync(
    request: Request,
    body: RawBody,
    caller: LiveUserDep,
    service: PersonaServiceDep,
    dry_run: Annotated[bool, Query(description="Report what would change; write nothing.")] = False,
    prune: Annotated[bool, Query(description="Deactivate personas the file lacks.")] = False,
    strict: Annotated[
        bool, Query(description="Refuse the whole file if any entry is invalid.")
    ] = False,
) -> Envelope[SyncReport]:
    """Create and update personas by name to match the file, in one transaction.

    Running the same file twice reports no changes. Invalid entries are listed in
    ``invalid`` with their path and skipped (with ``strict``, the file is refused: 422).
    """
    fmt: Literal["json", "yaml"] = "yaml" if content_type(request) in _YAML_TYPES else "json"
    data = load_definitions(_text(body), fmt=fmt)
    return ok(
        service.sync_definitions(caller.id, data, dry_run=dry_run, prune=prune, strict=strict)
    )


@router.get(
    "/export",
    summary="Export your personas as a definitions file",
    response_model=Envelope[dict[str, Any]],
)
def export(
    caller: CurrentUserDep,
    service: PersonaServiceDep,
    layout: Annotated[
        Literal["canonical", "g1"],
        Query(description="canonical: {'personas': [...]}; g1: {name: {...}}."),
    ] = "canonical",
    active_only: Annotated[bool, Query(description="Only active personas.")] = False,
) -> Envelope[dict[str, Any]]:
    """Your personas as a definitions file; POSTing it to /sync changes nothing."""
    return ok(service.export_definitions(caller.id, layout=layout, active_only=active_only))
