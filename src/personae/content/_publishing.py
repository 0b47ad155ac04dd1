"""Publishing a piece through a publisher plugin: claim, attempts with backoff, outcome.

A piece is *claimed* first (``publishing``, by one conditional UPDATE), so two runners
never publish it twice. Each attempt is recorded in its own unit of work as soon as it
ends, so a crash mid-way still leaves the attempts seen. A failed publish never loses the
piece: it goes back to ``approved`` with ``publish_error`` saying why, and its attempts
stay in its history.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from personae.content._publishers import PublisherPlugin, PublishOutcome, get_publisher_plugin
from personae.content._schemas import ContentPieceDetail, PublishRequest
from personae.errors import ConflictError, PersonaeError
from personae.store import crud, session_scope
from personae.store._models import ContentPiece

if TYPE_CHECKING:
    from personae.content._service import ContentService

__all__ = ["DueResult", "publish_due", "publish_piece"]

_PUBLISHABLE = ("draft", "approved", "scheduled")


@dataclass(frozen=True, slots=True)
class DueResult:
    """What one pass over the due pieces did."""

    published: list[int]
    failed: list[int]


def _payload(piece: ContentPiece, now: datetime) -> dict[str, Any]:
    return {
        "event": "content.publish",
        "delivery": str(uuid.uuid4()),
        "sent_at": now.isoformat(),
        "piece": {
            "id": piece.id,
            "persona_id": piece.persona_id,
            "persona_version": piece.persona_version,
            "platform": piece.platform,
            "text": piece.text,
            "brief": piece.brief,
            "scheduled_at": piece.scheduled_at.isoformat() if piece.scheduled_at else None,
        },
    }


def _attempts(
    service: ContentService,
    plugin: PublisherPlugin,
    attempt: Callable[[], PublishOutcome],
    record: Callable[[int, PublishOutcome, float], None],
    max_attempts: int,
) -> PublishOutcome:
    outcome = PublishOutcome(ok=False, error="not attempted")
    tries = max_attempts if plugin.automatic else 1
    for number in range(1, tries + 1):
        started = time.perf_counter()
        outcome = attempt()
        record(number, outcome, (time.perf_counter() - started) * 1000)
        if outcome.ok or not outcome.retryable or number == tries:
            break
        service.sleep(service.retry_base_seconds * 2 ** (number - 1))
    return outcome


def publish_piece(
    service: ContentService,
    owner_id: int,
    piece_id: int,
    request: PublishRequest,
    *,
    from_status: tuple[str, ...] = _PUBLISHABLE,
) -> ContentPieceDetail:
    """Publish the owner's piece now through the publisher asked for (or the one it
    was scheduled with, else ``manual``).

    Raises
    ------
    NotFoundError
        No such piece or publisher.
    ConflictError
        The piece is not publishable now (published, archived, or being published).
    InputError
        The publisher cannot work as asked (``manual`` without an id or URL).
    """
    with session_scope(service.database) as session:
        piece = crud.get_content_piece(session=session, owner_id=owner_id, piece_id=piece_id)
        name = request.publisher or piece.publisher or "manual"
        status = piece.status
    settings = service.publisher(owner_id, name)
    plugin = get_publisher_plugin(settings.kind)
    if not plugin.automatic:  # refuse what cannot work before claiming anything
        plugin.publish({}, settings, external_id=request.external_id, url=request.url)
    with session_scope(service.database) as session:
        claimed = crud.claim_content_piece(
            session=session, owner_id=owner_id, piece_id=piece_id, from_status=from_status
        )
    if not claimed:
        raise ConflictError(
            f"piece {piece_id} is {status}; only a draft, approved or scheduled piece can be "
            "published",
            piece_id=piece_id,
            status=status,
        )
    with session_scope(service.database) as session:
        piece = crud.get_content_piece(session=session, owner_id=owner_id, piece_id=piece_id)
        payload = _payload(piece, service.clock())
    back_to = "approved"

    def record(number: int, outcome: PublishOutcome, ms: float) -> None:
        with session_scope(service.database) as session:
            crud.add_publish_attempt(
                session=session,
                owner_id=owner_id,
                piece_id=piece_id,
                publisher=name,
                attempt=number,
                ok=outcome.ok,
                status_code=outcome.status_code,
                error=outcome.error,
                duration_ms=ms,
            )

    try:
        outcome = _attempts(
            service,
            plugin,
            lambda: plugin.publish(
                payload,
                settings,
                external_id=request.external_id,
                url=request.url,
                transport=service.transport,
            ),
            record,
            settings.max_attempts,
        )
    except BaseException as exc:
        _finish(service, owner_id, piece_id, name, None, back_to, _reason(exc))
        raise
    _finish(service, owner_id, piece_id, name, outcome, back_to, outcome.error)
    return service.get(owner_id, piece_id)


def _reason(exc: BaseException) -> str:
    return exc.message if isinstance(exc, PersonaeError) else "publishing failed unexpectedly"


def _finish(
    service: ContentService,
    owner_id: int,
    piece_id: int,
    name: str,
    outcome: PublishOutcome | None,
    back_to: str,
    error: str | None,
) -> None:
    with session_scope(service.database) as session:
        if outcome is not None and outcome.ok:
            changes: dict[str, Any] = {
                "status": "published",
                "published_at": service.clock(),
                "publisher": name,
                "external_id": outcome.external_id or f"personae-{piece_id}",
                "external_url": outcome.url,
                "publish_error": None,
            }
            action = "publish"
        else:
            changes = {"status": back_to, "publish_error": error or "publishing failed"}
            action = "publish_failed"
        crud.update_content_piece(
            session=session, owner_id=owner_id, piece_id=piece_id, changes=changes, action=action
        )


def publish_due(
    service: ContentService, *, owner_id: int | None = None, limit: int = 100
) -> DueResult:
    """Publish every scheduled piece whose time has come (every owner's, or one's)."""
    with session_scope(service.database) as session:
        due = [
            (p.owner_id, p.id)
            for p in crud.due_content_pieces(
                session=session, now=service.clock(), limit=limit, owner_id=owner_id
            )
        ]
    published: list[int] = []
    failed: list[int] = []
    for owner, piece_id in due:
        try:
            detail = publish_piece(
                service, owner, piece_id, PublishRequest(), from_status=("scheduled",)
            )
        except ConflictError:  # another runner claimed it first
            continue
        except PersonaeError:
            failed.append(piece_id)
            continue
        (published if detail.status == "published" else failed).append(piece_id)
    return DueResult(published=published, failed=failed)
