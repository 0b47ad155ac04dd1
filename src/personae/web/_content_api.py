"""The studio's one content route the API lacked: the suggested time, before scheduling.

``POST /api/content/{id}/schedule`` without ``at`` schedules at the strategy's best hour,
but a person wants to *see* that hour first and keep or change it (the piece page fills
its date-time field with it). ``GET /api/studio/content/{piece_id}/suggested-time`` is
:meth:`~personae.content.ContentService.suggest_time`, the very call scheduling makes,
so the page shows what scheduling would pick; another user's piece answers 404 there.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel

from personae.api._envelope import Envelope, error_responses, ok
from personae.api.deps import CurrentUserDep, StateDep
from personae.api.routes.content import content_service
from personae.store import MAX_INT

__all__ = ["router"]

router = APIRouter(
    prefix="/api/studio/content", tags=["studio"], responses=error_responses(401, 404, 422, 429)
)


class SuggestedTime(BaseModel):
    """When scheduling without a time would publish the piece (always in the future)."""

    at: datetime
    hour: int


@router.get(
    "/{piece_id}/suggested-time",
    summary="When scheduling a piece without a time would publish it",
    response_model=Envelope[SuggestedTime],
)
def suggested_time(
    piece_id: Annotated[int, Path(ge=1, le=MAX_INT)], caller: CurrentUserDep, state: StateDep
) -> Envelope[SuggestedTime]:
    """The strategy's best hour for the piece's platform (see ``suggest_time``)."""
    when = content_service(state).suggest_time(caller.id, piece_id)
    return ok(SuggestedTime(at=when, hour=when.hour))
