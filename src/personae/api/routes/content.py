"""``/api/content``: the content library, its calendar, publishers and publishing.

Every text written can be kept here as a *piece* (``POST /api/content/generate`` keeps
what it writes unless ``save: false``); pieces are listed with search and pagination,
edited (history kept; ``feedback: true`` teaches the persona), approved, scheduled
(``at`` unset: the strategy's best hour) and published through a publisher (``webhook``
or ``manual``). ``GET /api/content/calendar?from&to`` lists the plan, and
``/api/content/calendar/feed.ics?token=…`` serves it to calendar apps.

Thin shell over :class:`~personae.content.ContentService`: every use case, and every
owner check (another user's piece answers 404 like a missing one), is in the service.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal, get_args

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.security import APIKeyQuery
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from personae.api._envelope import Envelope, error_responses, ok
from personae.api._state import AppState
from personae.api.deps import CurrentUserDep, LiveUserDep, StateDep
from personae.content import (
    ContentPage,
    ContentPieceDetail,
    ContentPiecePublic,
    ContentService,
    DraftCreate,
    EditRequest,
    EngagementImport,
    PostingTime,
    PublisherCreate,
    PublisherPublic,
    PublishRequest,
    ScheduleRequest,
    SettledPiece,
    build_content_service,
)
from personae.errors import AuthError, BinaryInputError, InputError
from personae.store import MAX_INT

__all__ = ["content_service", "router"]

router = APIRouter(
    prefix="/api/content", tags=["content"], responses=error_responses(401, 404, 422, 429)
)

PieceIdPath = Annotated[int, Path(ge=1, le=MAX_INT, description="A piece's id.")]
Status = Literal["draft", "approved", "scheduled", "publishing", "published", "archived"]


def content_service(state: AppState) -> ContentService:
    """The content service on the app's store (building one costs nothing)."""
    return build_content_service(state.settings, database=state.database)


class FeedUrl(BaseModel):
    """Where calendar apps read your plan from; keep it secret (it is the password)."""

    url: str
    token: str


class DueReport(BaseModel):
    """What a pass over your due pieces published."""

    published: list[int]
    failed: list[int]


# -- fixed paths first (before /{piece_id}) -------------------------------------------------


@router.get("", summary="Your pieces: search, filter, page", response_model=Envelope[ContentPage])
def list_pieces(
    caller: CurrentUserDep,
    state: StateDep,
    persona_id: Annotated[int | None, Query(ge=1, le=MAX_INT)] = None,
    platform: Annotated[str | None, Query(pattern=r"^[a-z0-9][a-z0-9_-]{0,49}$")] = None,
    status: Annotated[list[Status] | None, Query(description="Repeat for several.")] = None,
    q: Annotated[
        str | None, Query(min_length=1, max_length=200, description="Text search.")
    ] = None,
    date_field: Annotated[Literal["created", "scheduled", "published"], Query()] = "created",
    since: Annotated[datetime | None, Query(alias="from")] = None,
    until: Annotated[datetime | None, Query(alias="to")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=MAX_INT)] = 0,
) -> Envelope[ContentPage]:
    """Newest first; ``from``/``to`` bound ``date_field`` (``to`` excluded)."""
    return ok(
        content_service(state).search(
            caller.id,
            persona_id=persona_id,
            platform=platform,
            status=status or (),
            query=q,
            date_field=date_field,
            since=since,
            until=until,
            limit=limit,
            offset=offset,
        )
    )


@router.post(
    "",
    status_code=201,
    summary="Keep a text as a draft",
    response_model=Envelope[ContentPiecePublic],
    responses=error_responses(413),
)
def create_piece(
    body: DraftCreate, caller: LiveUserDep, state: StateDep
) -> Envelope[ContentPiecePublic]:
    """A text written elsewhere, kept for one of your personas (at its current version)."""
    return ok(content_service(state).save_draft(caller.id, body, source="manual"))


@router.get(
    "/calendar",
    summary="Scheduled and published pieces in a date range",
    response_model=Envelope[list[ContentPiecePublic]],
)
def calendar(
    caller: CurrentUserDep,
    state: StateDep,
    since: Annotated[datetime, Query(alias="from")],
    until: Annotated[datetime, Query(alias="to")],
) -> Envelope[list[ContentPiecePublic]]:
    """By time; at most a year."""
    return ok(content_service(state).calendar(caller.id, since, until))


@router.post(
    "/calendar/feed",
    status_code=201,
    summary="A new secret iCalendar feed URL (the old one stops working)",
    response_model=Envelope[FeedUrl],
)
def new_feed(caller: LiveUserDep, state: StateDep, request: Request) -> Envelope[FeedUrl]:
    """The URL is shown once: only its token's hash is kept."""
    token = content_service(state).new_feed_token(caller.id)
    url = str(request.url_for("calendar_feed").include_query_params(token=token))
    return ok(FeedUrl(url=url, token=token))


_feed_token = APIKeyQuery(
    name="token",
    scheme_name="calendar_feed_token",
    description="The secret token of your calendar feed URL (POST /api/content/calendar/feed).",
    auto_error=False,
)


@router.get(
    "/calendar/feed.ics",
    name="calendar_feed",
    summary="Your plan as an iCalendar feed (the token is the credential)",
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}}},
)
def calendar_feed(
    state: StateDep,
    request: Request,
    token: Annotated[str | None, Depends(_feed_token)],
) -> Response:
    """For calendar apps, which cannot send a bearer token: the URL's token opens it."""
    text = None
    if token is not None and 20 <= len(token) <= 100:
        text = content_service(state).feed(token, host=request.url.hostname or "personae")
    if text is None:
        raise AuthError("this calendar feed token is unknown or was replaced")
    return Response(text, media_type="text/calendar; charset=utf-8")


@router.get(
    "/publishers", summary="Your publishers", response_model=Envelope[list[PublisherPublic]]
)
def list_publishers(caller: CurrentUserDep, state: StateDep) -> Envelope[list[PublisherPublic]]:
    """``manual`` is always there; secrets are never shown."""
    return ok(content_service(state).publishers(caller.id))


@router.post(
    "/publishers",
    status_code=201,
    summary="Add or replace a publisher",
    response_model=Envelope[PublisherPublic],
)
def save_publisher(
    body: PublisherCreate, caller: LiveUserDep, state: StateDep
) -> Envelope[PublisherPublic]:
    """``webhook`` needs an http(s) ``url`` and, to sign its bodies, a ``secret``."""
    return ok(content_service(state).save_publisher(caller.id, body))


@router.post(
    "/publish-due",
    summary="Publish your due pieces now",
    response_model=Envelope[DueReport],
)
def publish_due(caller: LiveUserDep, state: StateDep) -> Envelope[DueReport]:
    """What the job runner does at each piece's time, on demand."""
    done = content_service(state).publish_due(caller.id)
    return ok(DueReport(published=done.published, failed=done.failed))


class EngagementUpload(BaseModel):
    """An analytics export (CSV text) to import; its post ids find your pieces."""

    model_config = ConfigDict(extra="forbid")

    csv: Annotated[str, StringConstraints(min_length=1, max_length=20_000_000)]
    format: Literal["auto", "linkedin", "x", "facebook", "instagram", "generic"] = "auto"
    mapping: dict[
        Annotated[str, StringConstraints(max_length=30)],
        Annotated[str, StringConstraints(min_length=1, max_length=200)],
    ] = Field(default_factory=dict, max_length=20, description="field -> column overrides.")
    settle: bool = Field(default=False, description="Reward the pieces now.")


_UPLOAD_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["file"],
    "properties": {
        "file": {"type": "string", "format": "binary", "description": "The export (CSV)."},
        "format": {
            "type": "string",
            "enum": list(get_args(EngagementUpload.model_fields["format"].annotation)),
        },
        "mapping": {
            "type": "array",
            "items": {"type": "string"},
            "description": "field=Column overrides, one per value (repeat the field).",
        },
        "settle": {"type": "boolean", "description": "Reward the pieces now."},
    },
}


async def _upload(request: Request) -> EngagementUpload:
    """The import asked for: a JSON body (``EngagementUpload``), or a multipart form with
    the export as ``file`` (what a browser's file input or ``curl -F file=@export.csv``
    sends) and the same options as form fields."""
    try:
        if request.headers.get("content-type", "").startswith("multipart/form-data"):
            async with request.form(max_files=1, max_fields=30) as form:
                upload = form.get("file")
                if not isinstance(upload, UploadFile):
                    raise InputError("send the export as the form field 'file'", field="file")
                raw = await upload.read()
                try:
                    text = raw.decode("utf-8-sig")
                except UnicodeDecodeError as exc:
                    raise BinaryInputError(
                        "the file is not UTF-8 text: export it from the platform as CSV"
                    ) from exc
                pairs = [str(v).partition("=") for v in form.getlist("mapping")]
                if any(not sep for _, sep, _ in pairs):
                    raise InputError("each mapping is field=Column", field="mapping")
                return EngagementUpload.model_validate(
                    {
                        "csv": text,
                        "format": form.get("format") or "auto",
                        "mapping": {k.strip(): v.strip() for k, _, v in pairs},
                        "settle": str(form.get("settle") or "false").lower()
                        in ("1", "true", "on", "yes"),
                    }
                )
        return EngagementUpload.model_validate_json(await request.body())
    except ValidationError as exc:
        raise RequestValidationError(exc.errors(include_url=False)) from None


@router.post(
    "/engagement",
    summary="Import an analytics export (LinkedIn, X, Facebook, Instagram, generic CSV)",
    response_model=Envelope[EngagementImport],
    responses=error_responses(413),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": EngagementUpload.model_json_schema()},
                "multipart/form-data": {"schema": _UPLOAD_SCHEMA},
            },
        }
    },
)
async def import_engagement(
    request: Request, caller: LiveUserDep, state: StateDep
) -> Envelope[EngagementImport]:
    """Rows are linked to your published pieces by the post's id (no strategy ids);
    each unusable row is reported once with why. 422 when no row could be imported.
    The export comes as JSON (``csv`` holds its text) or as a file upload (multipart)."""
    body = await _upload(request)
    report = await run_in_threadpool(
        content_service(state).import_engagement,
        caller.id,
        body.csv,
        fmt=body.format,
        mapping=body.mapping,
        settle_now=body.settle,
    )
    if report.received and report.imported == 0:
        raise InputError(
            f"no row of the {report.received} could be imported",
            rejected=[r.model_dump() for r in report.rejected[:50]],
        )
    return ok(report)


class SettleRequest(BaseModel):
    """Which pieces to reward; unset: every piece whose engagement settled."""

    model_config = ConfigDict(extra="forbid")

    piece_ids: list[Annotated[int, Field(ge=1, le=MAX_INT)]] | None = Field(
        default=None, max_length=1000
    )
    now: bool = Field(default=False, description="Do not wait for the settling window.")


@router.post(
    "/settle",
    summary="Reward pieces whose engagement settled (the policy learns)",
    response_model=Envelope[list[SettledPiece]],
)
def settle_pieces(
    body: SettleRequest, caller: LiveUserDep, state: StateDep
) -> Envelope[list[SettledPiece]]:
    """Normally done after the settling window by the server itself; this is on demand."""
    return ok(content_service(state).settle(caller.id, piece_ids=body.piece_ids, force=body.now))


# -- one piece ------------------------------------------------------------------------------


@router.get("/{piece_id}", summary="A piece", response_model=Envelope[ContentPieceDetail])
def read_piece(
    piece_id: PieceIdPath, caller: CurrentUserDep, state: StateDep
) -> Envelope[ContentPieceDetail]:
    """With its quality report at creation, edit history and publish attempts."""
    return ok(content_service(state).get(caller.id, piece_id))


@router.patch(
    "/{piece_id}",
    summary="Edit a piece's text",
    response_model=Envelope[ContentPieceDetail],
    responses=error_responses(409, 413),
)
def edit_piece(
    piece_id: PieceIdPath, body: EditRequest, caller: LiveUserDep, state: StateDep
) -> Envelope[ContentPieceDetail]:
    """The text before is kept; with ``feedback: true`` the persona learns from the edit."""
    return ok(content_service(state).edit(caller.id, piece_id, body))


@router.post(
    "/{piece_id}/approve",
    summary="Approve a draft",
    response_model=Envelope[ContentPiecePublic],
    responses=error_responses(409),
)
def approve_piece(
    piece_id: PieceIdPath, caller: LiveUserDep, state: StateDep
) -> Envelope[ContentPiecePublic]:
    """Ready to schedule or publish."""
    return ok(content_service(state).approve(caller.id, piece_id))


@router.post(
    "/{piece_id}/archive",
    summary="Archive a piece",
    response_model=Envelope[ContentPiecePublic],
    responses=error_responses(409),
)
def archive_piece(
    piece_id: PieceIdPath, caller: LiveUserDep, state: StateDep
) -> Envelope[ContentPiecePublic]:
    """It stays in the library, out of the calendar."""
    return ok(content_service(state).archive(caller.id, piece_id))


@router.get(
    "/{piece_id}/posting-times",
    summary="The best posting hours for a piece: all audiences, then each audience cluster",
    response_model=Envelope[list[PostingTime]],
)
def posting_times(
    piece_id: PieceIdPath, caller: CurrentUserDep, state: StateDep
) -> Envelope[list[PostingTime]]:
    """For the piece's platform; schedule with ``audience_cluster_id`` (and no ``at``) to
    take a cluster's best hour."""
    return ok(content_service(state).posting_times(caller.id, piece_id))


@router.post(
    "/{piece_id}/schedule",
    summary="Schedule a piece",
    response_model=Envelope[ContentPiecePublic],
    responses=error_responses(409),
)
def schedule_piece(
    piece_id: PieceIdPath, body: ScheduleRequest, caller: LiveUserDep, state: StateDep
) -> Envelope[ContentPiecePublic]:
    """At ``at``, or (unset) the next of the strategy's best posting hours, for all
    audiences or for ``audience_cluster_id``."""
    return ok(content_service(state).schedule(caller.id, piece_id, body))


@router.post(
    "/{piece_id}/publish",
    summary="Publish a piece now",
    response_model=Envelope[ContentPieceDetail],
    responses=error_responses(409),
)
def publish_piece(
    piece_id: PieceIdPath, body: PublishRequest, caller: LiveUserDep, state: StateDep
) -> Envelope[ContentPieceDetail]:
    """Through a publisher; a failure keeps the piece with its error and attempts."""
    return ok(content_service(state).publish(caller.id, piece_id, body))
