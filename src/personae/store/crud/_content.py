"""The content library: pieces, their edit history and publish attempts, publishers,
calendar feeds and A/B experiments (for :mod:`personae.content`).

Part of :mod:`personae.store.crud` (see its docstring for the rules every write follows).
Every read is owner-scoped: another owner's piece is "not found", exactly like a missing
one. Only :func:`due_content_pieces` and :func:`calendar_feed_owner` look across owners:
the job runner has no caller, and a feed URL names its owner by its token alone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, or_, select, update
from sqlalchemy.orm import Session

from personae.errors import (
    ContentNotFoundError,
    ExperimentNotFoundError,
    InputError,
    NotFoundError,
    PublisherNotFoundError,
)
from personae.store._models import (
    CalendarFeed,
    ContentEdit,
    ContentExperiment,
    ContentPiece,
    PublishAttempt,
    Publisher,
    utcnow,
)
from personae.store.crud._common import MAX_PAGE_SIZE, _audit
from personae.store.crud._personas import get_persona

CONTENT_STATUSES = ("draft", "approved", "scheduled", "publishing", "published", "archived")
"""A piece's life: draft → approved → scheduled → published; archived from any state.
``publishing`` is held only while a publisher is at work (it claims the piece, so two
runners never publish it twice)."""

_PIECE_FIELDS = frozenset(
    {
        "persona_version",
        "platform",
        "brief",
        "text",
        "source",
        "strategy_id",
        "episode_id",
        "experiment_id",
        "variant",
        "quality",
        "quality_score",
        "style_match",
        "status",
        "scheduled_at",
        "published_at",
        "publisher",
        "external_id",
        "external_url",
        "publish_error",
        "settled_at",
        "reward",
    }
)
_DATE_FIELDS = {
    "created": ContentPiece.created_at,
    "scheduled": ContentPiece.scheduled_at,
    "published": ContentPiece.published_at,
}


def _piece_not_found(piece_id: int) -> ContentNotFoundError:
    return ContentNotFoundError(f"no content piece {piece_id}", piece_id=piece_id)


def _check_fields(changes: Mapping[str, Any]) -> None:
    unknown = set(changes) - _PIECE_FIELDS
    if unknown:  # pragma: no cover - callers are this package's services
        raise InputError(f"not a content piece field: {', '.join(sorted(unknown))}")
    status = changes.get("status")
    if status is not None and status not in CONTENT_STATUSES:
        raise InputError(f"status must be one of {', '.join(CONTENT_STATUSES)} (got {status!r})")


# -- pieces -----------------------------------------------------------------------------


def create_content_piece(
    *, session: Session, owner_id: int, persona_id: int, fields: Mapping[str, Any]
) -> ContentPiece:
    """Store a new piece of the owner's persona (``persona_version``: the persona's
    current version unless given).

    Raises
    ------
    PersonaNotFoundError
        No such persona for this owner.
    """
    persona = get_persona(session=session, owner_id=owner_id, persona_id=persona_id)
    _check_fields(fields)
    data = {"persona_version": persona.version, "status": "draft", **fields}
    piece = ContentPiece(owner_id=owner_id, persona_id=persona.id, **data)
    session.add(piece)
    session.flush()
    _audit(
        session,
        actor_id=owner_id,
        action="create",
        entity="content_piece",
        entity_id=piece.id,
        details={"persona_id": persona.id, "platform": piece.platform, "source": piece.source},
    )
    return piece


def get_content_piece(*, session: Session, owner_id: int, piece_id: int) -> ContentPiece:
    """The owner's piece ``piece_id``.

    Raises
    ------
    ContentNotFoundError
        No such piece for this owner.
    """
    piece = session.get(ContentPiece, piece_id)
    if piece is None or piece.owner_id != owner_id:
        raise _piece_not_found(piece_id)
    return piece


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def list_content_pieces(
    *,
    session: Session,
    owner_id: int,
    persona_id: int | None = None,
    platform: str | None = None,
    status: Sequence[str] = (),
    query: str | None = None,
    date_field: str = "created",
    since: datetime | None = None,
    until: datetime | None = None,
    experiment_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
    oldest_first: bool = False,
) -> tuple[list[ContentPiece], int]:
    """A page of the owner's pieces matching every filter given, and how many match.

    ``query`` matches the text or the brief (case-insensitive substring); ``since`` /
    ``until`` bound ``date_field`` (``created``, ``scheduled`` or ``published``),
    ``until`` excluded. Newest first unless ``oldest_first``.
    """
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise InputError(f"limit must be between 1 and {MAX_PAGE_SIZE} (got {limit})")
    if offset < 0:
        raise InputError(f"offset must not be negative (got {offset})")
    column = _DATE_FIELDS.get(date_field)
    if column is None:
        raise InputError(f"date_field must be one of {', '.join(_DATE_FIELDS)}")
    conditions: list[Any] = [ContentPiece.owner_id == owner_id]
    if persona_id is not None:
        conditions.append(ContentPiece.persona_id == persona_id)
    if platform is not None:
        conditions.append(ContentPiece.platform == platform)
    if status:
        conditions.append(ContentPiece.status.in_(list(status)))
    if experiment_id is not None:
        conditions.append(ContentPiece.experiment_id == experiment_id)
    if query:
        pattern = f"%{_escape_like(query)}%"
        conditions.append(
            or_(
                ContentPiece.text.ilike(pattern, escape="\\"),
                ContentPiece.brief.ilike(pattern, escape="\\"),
            )
        )
    if since is not None:
        conditions.append(column >= since)
    if until is not None:
        conditions.append(column < until)
    total = session.scalar(select(func.count()).select_from(ContentPiece).where(*conditions)) or 0
    order = (
        (column.asc(), ContentPiece.id.asc())
        if oldest_first
        else (column.desc(), ContentPiece.id.desc())
    )
    rows = session.scalars(
        select(ContentPiece).where(*conditions).order_by(*order).limit(limit).offset(offset)
    )
    return list(rows), int(total)


def update_content_piece(
    *,
    session: Session,
    owner_id: int,
    piece_id: int,
    changes: Mapping[str, Any],
    action: str = "update",
) -> ContentPiece:
    """Change fields of the owner's piece (one audit row naming ``action``).

    Raises
    ------
    ContentNotFoundError
        No such piece for this owner.
    """
    piece = get_content_piece(session=session, owner_id=owner_id, piece_id=piece_id)
    _check_fields(changes)
    for name, value in changes.items():
        setattr(piece, name, value)
    piece.updated_at = utcnow()
    session.flush()
    _audit(
        session,
        actor_id=owner_id,
        action=action,
        entity="content_piece",
        entity_id=piece.id,
        details={"fields": sorted(changes)},
    )
    return piece


_URN = re.compile(r"urn:li:[a-z]+:\d+")
_BARE_ID = re.compile(r"[A-Za-z0-9:-]{5,200}")
_TRAILING_ID = re.compile(r"(\d{5,})/?(?:\?.*)?$")


def _candidates(reference: str) -> set[str]:
    """The forms a post's id takes in exports: as given, without a trailing slash, the
    LinkedIn URN inside a URL, the numeric id at the end of a permalink."""
    found = {reference, reference.rstrip("/")}
    found.update(_URN.findall(reference))
    trailing = _TRAILING_ID.search(reference)
    if trailing:
        found.add(trailing.group(1))
    return found


def find_content_piece(
    *, session: Session, owner_id: int, reference: str, platform: str | None = None
) -> ContentPiece | None:
    """The owner's piece an engagement row names: by its ``external_id`` or URL (in any
    of the forms of :func:`_candidates`; on ``platform`` when given), or by
    ``piece:<id>`` / a bare piece id."""
    forms = _candidates(reference)
    matches: list[Any] = [ContentPiece.external_id.in_(forms), ContentPiece.external_url.in_(forms)]
    if _BARE_ID.fullmatch(reference):  # a bare id, where the piece kept the post's URL
        matches += [
            ContentPiece.external_url.like(f"%/{reference}"),
            ContentPiece.external_url.like(f"%/{reference}/"),
        ]
    conditions: list[Any] = [ContentPiece.owner_id == owner_id, or_(*matches)]
    if platform is not None:
        conditions.append(ContentPiece.platform == platform)
    found = session.scalars(
        select(ContentPiece).where(*conditions).order_by(ContentPiece.id).limit(1)
    ).first()
    if found is not None:
        return found
    number = reference.removeprefix("piece:")
    if number.isdigit() and 0 < int(number) < 2**31:
        piece = session.get(ContentPiece, int(number))
        if piece is not None and piece.owner_id == owner_id:
            return piece
    return None


def claim_content_piece(
    *, session: Session, owner_id: int, piece_id: int, from_status: Sequence[str]
) -> bool:
    """Move the piece to ``publishing`` if it is in one of ``from_status`` now, in one
    conditional UPDATE: whoever gets ``True`` publishes it."""
    result = session.execute(
        update(ContentPiece)
        .where(
            ContentPiece.id == piece_id,
            ContentPiece.owner_id == owner_id,
            ContentPiece.status.in_(list(from_status)),
        )
        .values(status="publishing", updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    session.expire_all()
    return bool(getattr(result, "rowcount", 0) == 1)


def due_content_pieces(
    *, session: Session, now: datetime, limit: int = 100, owner_id: int | None = None
) -> list[ContentPiece]:
    """Scheduled pieces whose time has come, oldest first (every owner's unless
    ``owner_id``): what the job runner publishes. Pieces for the ``manual`` publisher
    are left out: a person publishes those."""
    query: Select[ContentPiece] = select(ContentPiece).where(
        ContentPiece.status == "scheduled",
        ContentPiece.scheduled_at <= now,
        or_(ContentPiece.publisher.is_(None), ContentPiece.publisher != "manual"),
    )
    if owner_id is not None:
        query = query.where(ContentPiece.owner_id == owner_id)
    query = query.order_by(ContentPiece.scheduled_at.asc(), ContentPiece.id.asc()).limit(limit)
    return list(session.scalars(query))


def unsettled_content_pieces(
    *, session: Session, owner_id: int, published_before: datetime, limit: int = 1000
) -> list[ContentPiece]:
    """The owner's published pieces of a strategy decision, not yet settled, published
    before ``published_before``: those whose reward is due."""
    query = (
        select(ContentPiece)
        .where(
            ContentPiece.owner_id == owner_id,
            ContentPiece.status == "published",
            ContentPiece.settled_at.is_(None),
            ContentPiece.published_at <= published_before,
        )
        .order_by(ContentPiece.published_at.asc(), ContentPiece.id.asc())
        .limit(limit)
    )
    return list(session.scalars(query))


# -- edits and publish attempts -----------------------------------------------------------


def add_content_edit(
    *, session: Session, owner_id: int, piece_id: int, before: str, after: str, note: str = ""
) -> ContentEdit:
    """Record that a person changed a piece's text from ``before`` to ``after``."""
    edit = ContentEdit(owner_id=owner_id, piece_id=piece_id, before=before, after=after, note=note)
    session.add(edit)
    session.flush()
    return edit


def list_content_edits(*, session: Session, owner_id: int, piece_id: int) -> list[ContentEdit]:
    """A piece's edits, oldest first."""
    query = (
        select(ContentEdit)
        .where(ContentEdit.owner_id == owner_id, ContentEdit.piece_id == piece_id)
        .order_by(ContentEdit.id.asc())
    )
    return list(session.scalars(query))


def mark_content_edit_fed_back(*, session: Session, owner_id: int, edit_id: int) -> None:
    """Note that an edit was given to its persona as feedback."""
    edit = session.get(ContentEdit, edit_id)
    if edit is None or edit.owner_id != owner_id:
        raise NotFoundError(f"no edit {edit_id}", edit_id=edit_id)
    edit.fed_back = True
    session.flush()


def add_publish_attempt(
    *,
    session: Session,
    owner_id: int,
    piece_id: int,
    publisher: str,
    attempt: int,
    ok: bool,
    status_code: int | None,
    error: str | None,
    duration_ms: float,
) -> PublishAttempt:
    """Record one try at publishing a piece, whatever its outcome."""
    row = PublishAttempt(
        owner_id=owner_id,
        piece_id=piece_id,
        publisher=publisher,
        attempt=attempt,
        ok=ok,
        status_code=status_code,
        error=error,
        duration_ms=duration_ms,
    )
    session.add(row)
    session.flush()
    return row


def list_publish_attempts(
    *, session: Session, owner_id: int, piece_id: int
) -> list[PublishAttempt]:
    """A piece's publish attempts, oldest first."""
    query = (
        select(PublishAttempt)
        .where(PublishAttempt.owner_id == owner_id, PublishAttempt.piece_id == piece_id)
        .order_by(PublishAttempt.id.asc())
    )
    return list(session.scalars(query))


# -- publishers and calendar feeds --------------------------------------------------------


def save_publisher(
    *,
    session: Session,
    owner_id: int,
    name: str,
    kind: str,
    config: Mapping[str, Any],
    secret: str | None,
) -> Publisher:
    """Create or replace the owner's publisher ``name``."""
    row = session.scalars(
        select(Publisher).where(Publisher.owner_id == owner_id, Publisher.name == name)
    ).first()
    if row is None:
        row = Publisher(owner_id=owner_id, name=name)
        session.add(row)
    row.kind = kind
    row.config = dict(config)
    row.secret = secret
    session.flush()
    _audit(
        session,
        actor_id=owner_id,
        action="save",
        entity="publisher",
        entity_id=row.id,
        details={"name": name, "kind": kind},
    )
    return row


def get_publisher(*, session: Session, owner_id: int, name: str) -> Publisher:
    """The owner's publisher ``name``.

    Raises
    ------
    PublisherNotFoundError
        The owner has no publisher of that name.
    """
    row = session.scalars(
        select(Publisher).where(Publisher.owner_id == owner_id, Publisher.name == name)
    ).first()
    if row is None:
        raise PublisherNotFoundError(
            f"no publisher named {name!r}; add one first (webhook or manual)", publisher=name
        )
    return row


def list_publishers(*, session: Session, owner_id: int) -> list[Publisher]:
    """The owner's publishers by name."""
    query = select(Publisher).where(Publisher.owner_id == owner_id).order_by(Publisher.name)
    return list(session.scalars(query))


def set_calendar_feed(*, session: Session, owner_id: int, token_hash: str) -> None:
    """Give the owner a (new) calendar feed token; the old one stops working."""
    row = session.scalars(select(CalendarFeed).where(CalendarFeed.owner_id == owner_id)).first()
    if row is None:
        session.add(CalendarFeed(owner_id=owner_id, token_hash=token_hash))
    else:
        row.token_hash = token_hash
        row.created_at = utcnow()
    session.flush()
    _audit(session, actor_id=owner_id, action="rotate", entity="calendar_feed", entity_id=owner_id)


def calendar_feed_owner(*, session: Session, token_hash: str) -> int | None:
    """Whose feed the token of this hash opens (``None``: nobody's)."""
    return session.scalar(
        select(CalendarFeed.owner_id).where(CalendarFeed.token_hash == token_hash)
    )


# -- experiments ----------------------------------------------------------------------------


def create_experiment(
    *,
    session: Session,
    owner_id: int,
    persona_id: int,
    name: str,
    platform: str,
    variants: Sequence[Mapping[str, Any]],
) -> ContentExperiment:
    """Start an A/B test of the owner's persona's versions on a platform."""
    get_persona(session=session, owner_id=owner_id, persona_id=persona_id)
    taken = session.scalar(
        select(ContentExperiment.id).where(
            ContentExperiment.owner_id == owner_id, ContentExperiment.name == name
        )
    )
    if taken is not None:
        raise InputError(f"you already have an experiment named {name!r}", name=name)
    row = ContentExperiment(
        owner_id=owner_id,
        persona_id=persona_id,
        name=name,
        platform=platform,
        variants=[dict(v) for v in variants],
    )
    session.add(row)
    session.flush()
    _audit(session, actor_id=owner_id, action="create", entity="experiment", entity_id=row.id)
    return row


def get_experiment(*, session: Session, owner_id: int, experiment_id: int) -> ContentExperiment:
    """The owner's experiment ``experiment_id``.

    Raises
    ------
    ExperimentNotFoundError
        No such experiment for this owner.
    """
    row = session.get(ContentExperiment, experiment_id)
    if row is None or row.owner_id != owner_id:
        raise ExperimentNotFoundError(f"no experiment {experiment_id}", experiment_id=experiment_id)
    return row


def list_experiments(*, session: Session, owner_id: int) -> list[ContentExperiment]:
    """The owner's experiments, newest first."""
    query = (
        select(ContentExperiment)
        .where(ContentExperiment.owner_id == owner_id)
        .order_by(ContentExperiment.id.desc())
    )
    return list(session.scalars(query))


def stop_experiment(*, session: Session, owner_id: int, experiment_id: int) -> ContentExperiment:
    """End an experiment: new pieces are no longer allocated to it."""
    row = get_experiment(session=session, owner_id=owner_id, experiment_id=experiment_id)
    row.status = "stopped"
    row.stopped_at = utcnow()
    session.flush()
    _audit(session, actor_id=owner_id, action="stop", entity="experiment", entity_id=row.id)
    return row
