"""``/api/personas``: list, create, read, update and delete the caller's personas."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response
from starlette.convertors import Convertor, register_url_convertor
from starlette.routing import BaseRoute, Route

from personae.api._cache import read_persona_json_async
from personae.api._envelope import Envelope, error_responses, json_envelope, ok
from personae.api._schemas import Deleted, Page, PersonaCreateRequest, PersonaSummary
from personae.api._state import AppState
from personae.api.deps import (
    AccountServiceDep,
    CurrentUserDep,
    LiveUserDep,
    PersonaIdPath,
    PersonaServiceDep,
    StateDep,
    authenticate,
    bearer_token,
    confirm_admin,
)
from personae.errors import UserNotFoundError
from personae.store import MAX_INT, PersonaPublic, PersonaUpdate

__all__ = ["HOT_ROUTES", "router"]

router = APIRouter(
    prefix="/api/personas",
    tags=["personas"],
    responses=error_responses(401, 422, 429, 503),
)

PAGE_LIMIT = 100
"""Most personas one page may hold."""

Offset = Annotated[int, Query(ge=0, le=MAX_INT, description="Personas to skip.")]
Limit = Annotated[int, Query(ge=1, le=PAGE_LIMIT, description="Most personas to return.")]
ActiveOnly = Annotated[bool, Query(description="Only personas that are active.")]


def _page(
    service: PersonaServiceDep, owner_id: int, offset: int, limit: int, active_only: bool
) -> Page[PersonaSummary]:
    page = service.page(owner_id, offset=offset, limit=limit, active_only=active_only, brief=True)
    return Page[PersonaSummary](
        items=[PersonaSummary.model_validate(row) for row in page.items],
        total=page.total,
        offset=offset,
        limit=limit,
    )


@router.get("", summary="List your personas", response_model=Envelope[Page[PersonaSummary]])
def list_personas(
    caller: CurrentUserDep,
    service: PersonaServiceDep,
    offset: Offset = 0,
    limit: Limit = 50,
    active_only: ActiveOnly = False,
) -> Envelope[Page[PersonaSummary]]:
    """One page of the caller's personas, by name (summaries: no long texts)."""
    return ok(_page(service, caller.id, offset, limit, active_only))


@router.get(
    "/user/{user_id}",
    summary="List a user's personas",
    response_model=Envelope[Page[PersonaSummary]],
    responses=error_responses(404),
)
def list_user_personas(
    user_id: Annotated[int, Path(ge=1, le=MAX_INT, description="The user's id.")],
    caller: CurrentUserDep,
    accounts: AccountServiceDep,
    service: PersonaServiceDep,
    offset: Offset = 0,
    limit: Limit = 50,
    active_only: ActiveOnly = False,
) -> Envelope[Page[PersonaSummary]]:
    """A user's personas: your own, or (admins only) anyone's.

    Anyone else's id answers 404, exactly as an unknown id does, so ids reveal nothing.
    """
    if user_id != caller.id:
        if not confirm_admin(accounts, caller):
            raise UserNotFoundError(f"no user with id {user_id}", user_id=user_id)
        accounts.user(user_id)  # UserNotFoundError when there is none
    return ok(_page(service, user_id, offset, limit, active_only))


@router.post(
    "",
    status_code=201,
    summary="Create a persona",
    response_model=Envelope[PersonaPublic],
    responses=error_responses(409, 413),
)
def create_persona(
    body: PersonaCreateRequest, caller: LiveUserDep, service: PersonaServiceDep
) -> Envelope[PersonaPublic]:
    """Create a persona from its fields and, optionally, writing samples.

    With ``writing_samples`` the linguistic fingerprint is measured from them
    (``StyleProfile.from_texts``); a text that cannot be measured (empty, binary, too
    large) is a 422 naming the sample.
    """
    fields = body.model_dump(exclude={"writing_samples"}, exclude_unset=True)
    return ok(service.create(caller.id, fields, writing_samples=body.writing_samples))


@router.get(
    "/{persona_id}",
    summary="Read a persona",
    response_model=Envelope[PersonaPublic],
    responses=error_responses(404),
)
async def read_persona(
    persona_id: PersonaIdPath, caller: CurrentUserDep, state: StateDep
) -> Response:
    """One of the caller's personas, served through the read-through cache."""
    return await _persona_response(state, caller.id, persona_id)


async def _persona_response(state: AppState, owner_id: int, persona_id: int) -> Response:
    body = await read_persona_json_async(state, owner_id=owner_id, persona_id=persona_id)
    return json_envelope(body)


class _PersonaIdConvertor(Convertor[int]):
    """Path ids the hot route takes: 1 to 999,999,999 written without leading zeros.

    Every such id is within :data:`PersonaIdPath`'s bounds, so the hot route needs no
    validation of its own; anything else (0, leading zeros, ten digits, not a number)
    does not match it and reaches :func:`read_persona`, which validates and answers 422.
    """

    regex = "[1-9][0-9]{0,8}"

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        return str(value)


register_url_convertor("persona_id", _PersonaIdConvertor())


async def _read_persona_hot(request: Request) -> Response:
    """:func:`read_persona` as a plain Starlette endpoint: the API's hot path.

    The same authentication, rate limit, owner scoping, cache and response as the
    documented route, without FastAPI's per-request dependency solving and its walk
    through every included router, which cost more than the cached read itself
    (``benchmarks/api_bench.py``). Errors are the same :class:`PersonaeError` subclasses,
    rendered by the same handler.
    """
    state: AppState = request.app.state.personae
    caller = await authenticate(state, bearer_token(request.headers.get("authorization")))
    return await _persona_response(state, caller.id, request.path_params["persona_id"])


HOT_ROUTES: tuple[BaseRoute, ...] = (
    Route(
        "/api/personas/{persona_id:persona_id}",
        _read_persona_hot,
        methods=["GET"],
        include_in_schema=False,
    ),
)
"""Routes the app registers before every router: GETs of a persona by id. PUT and
DELETE on the same path do not match them and go on to the routers."""


@router.put(
    "/{persona_id}",
    summary="Update a persona",
    response_model=Envelope[PersonaPublic],
    responses=error_responses(404, 409, 413),
)
def update_persona(
    persona_id: PersonaIdPath,
    body: PersonaUpdate,
    caller: CurrentUserDep,
    service: PersonaServiceDep,
) -> Envelope[PersonaPublic]:
    """Change the fields sent; ``version`` is the version you read.

    If the persona changed since that version the answer is 409 ``version_conflict`` and
    nothing is written: re-read it, re-apply the change, send the new version.
    """
    return ok(service.update(caller.id, persona_id, body))


@router.delete(
    "/{persona_id}",
    summary="Delete a persona",
    response_model=Envelope[Deleted],
    responses=error_responses(404, 409),
)
def delete_persona(
    persona_id: PersonaIdPath,
    caller: CurrentUserDep,
    service: PersonaServiceDep,
    version: Annotated[
        int | None,
        Query(ge=1, le=MAX_INT, description="Delete only if still at this version (else 409)."),
    ] = None,
) -> Envelope[Deleted]:
    """Delete a persona with its history, labels and facets."""
    service.delete(caller.id, persona_id, expected_version=version)
    return ok(Deleted(id=persona_id))
