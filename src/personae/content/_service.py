"""The content library's use cases, each one unit of work: keep drafts, find them, edit
(history kept, optionally teaching the persona), approve, schedule, read the calendar.

Publishing, engagement, experiments and the strategy decision a draft follows
(:mod:`personae.content._decisions`) are in sibling modules and reached through the
same :class:`ContentService` (built by :func:`~personae.content.build_content_service`),
so the HTTP routes and the CLI only parse and render.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from personae.content import _experiments as experiments
from personae.content import _publisher_store as publishers
from personae.content import _timing as timing
from personae.content._decisions import check_decision, decision_of
from personae.content._engagement import EngagementImport, SettledPiece, import_export, settle
from personae.content._experiments import Allocation, ExperimentCreate, ExperimentReport
from personae.content._feedback import learn_from_edit
from personae.content._ics import render_ics
from personae.content._publishers import PublisherSettings, Transport
from personae.content._publishing import DueResult, publish_due, publish_piece
from personae.content._schemas import (
    ContentPage,
    ContentPieceDetail,
    ContentPiecePublic,
    DraftCreate,
    EditPublic,
    EditRequest,
    PublishAttemptPublic,
    PublisherCreate,
    PublisherPublic,
    PublishRequest,
    ScheduleRequest,
)
from personae.content._timing import PostingTime
from personae.content._urlguard import Resolver, guarded_transport, resolve
from personae.errors import ConflictError, InputError, PersonaNotFoundError
from personae.persona.platforms import get_platform
from personae.store import Database, crud, session_scope
from personae.store._models import utcnow

__all__ = ["ContentService"]

_EDITABLE = ("draft", "approved", "scheduled")
_SEARCH_DAYS_MAX = 366


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ContentService:
    """The content library of every owner; each method names the owner it acts for.

    Parameters
    ----------
    database
        The store.
    clock
        Now, timezone-aware UTC (tests pass a fixed or stepping clock).
    transport
        How webhook publishers POST (default: :func:`~personae.content._urlguard.
        guarded_transport`, which checks the URL's addresses at every send).
    allow_private_urls
        Whether webhook URLs may name loopback, private, link-local or reserved
        addresses (``PERSONAE_PUBLISH_ALLOW_PRIVATE_URLS``; tests' local receivers).
    resolver
        How webhook hosts are looked up, when saved and at each send (tests pass a
        fake DNS).
    sleep
        Waits between publish retries (tests pass one that does not wait).
    settle_after
        How long after publishing a piece's engagement counts as settled.
    retry_base_seconds
        The first retry's wait; each further retry waits twice as long.
    """

    def __init__(
        self,
        database: Database,
        *,
        clock: Callable[[], datetime] = utcnow,
        transport: Transport | None = None,
        allow_private_urls: bool = False,
        resolver: Resolver = resolve,
        sleep: Callable[[float], None] | None = None,
        settle_after: timedelta = timedelta(hours=48),
        retry_base_seconds: float = 0.5,
        max_text_chars: int = 100_000,
    ) -> None:
        self._database = database
        self.clock = clock
        self.allow_private_urls = allow_private_urls
        self.resolver = resolver
        self.transport = (
            transport
            if transport is not None
            else guarded_transport(allow_private=allow_private_urls, resolver=resolver)
        )
        self.sleep = sleep if sleep is not None else time.sleep
        self.settle_after = settle_after
        self.retry_base_seconds = retry_base_seconds
        self.max_text_chars = max_text_chars

    @property
    def database(self) -> Database:
        """The store the service works on."""
        return self._database

    def persona_id(self, owner_id: int, name: str) -> int:
        """The id of the owner's persona named ``name`` (or with that id).

        Raises
        ------
        PersonaNotFoundError
            The owner has no such persona.
        """
        with session_scope(self._database) as session:
            try:
                return crud.get_persona_by_name(session=session, owner_id=owner_id, name=name).id
            except PersonaNotFoundError:
                if not (name.isdigit() and 0 < int(name) < 2**31):
                    raise
                return crud.get_persona(session=session, owner_id=owner_id, persona_id=int(name)).id

    # -- library ------------------------------------------------------------------------

    def save_draft(
        self,
        owner_id: int,
        draft: DraftCreate,
        *,
        source: str = "api",
        quality: dict[str, Any] | None = None,
    ) -> ContentPiecePublic:
        """Keep a text as a draft piece of the owner's persona (its current version).

        ``quality`` is the report the text got when written (its overall score and
        authenticity are kept as columns). A piece of an A/B test names the experiment
        and its variant, and is kept as that variant's persona version.

        Raises
        ------
        PersonaNotFoundError
            No such persona for this owner.
        UnknownPlatformError
            No such platform.
        """
        platform = get_platform(draft.platform).name
        fields: dict[str, Any] = {
            "platform": platform,
            "brief": draft.brief,
            "text": draft.text,
            "source": source,
            "strategy_id": draft.strategy_id,
            "episode_id": draft.episode_id,
        }
        if quality is not None:
            fields["quality"] = quality
            fields["quality_score"] = quality.get("overall_quality_score")
            fields["style_match"] = quality.get("authenticity_score")
        with session_scope(self._database) as session:
            fields["strategy_id"] = check_decision(session, owner_id, draft)
            if draft.experiment_id is not None:
                fields.update(
                    experiments.variant_fields(
                        session,
                        owner_id,
                        draft.experiment_id,
                        draft.variant,
                        persona_id=draft.persona_id,
                        platform=platform,
                    )
                )
            piece = crud.create_content_piece(
                session=session, owner_id=owner_id, persona_id=draft.persona_id, fields=fields
            )
            return ContentPiecePublic.model_validate(piece)

    def keep_written(
        self,
        owner_id: int,
        persona_id: int,
        platform: str,
        brief: str,
        text: str,
        *,
        report: dict[str, Any] | None,
        source: str,
        episode_id: int | None = None,
        allocation: Allocation | None = None,
    ) -> int:
        """Keep a generated text as a draft, with its quality report; the piece id.

        The one call generation makes (``POST /api/content/generate``, the studio, which
        uses it, ``personae write`` and MCP's ``write_content``), so nothing written is
        lost. A text written from a strategy recommendation's brief (the brief as
        recommended) is linked to that decision even when the caller does not say so; one
        written for an A/B test's ``allocation`` (:meth:`writer`) is kept as its variant,
        at the variant's persona version.
        """
        if episode_id is None:
            episode_id = decision_of(self._database, owner_id, persona_id, brief)
        draft = DraftCreate(
            persona_id=persona_id,
            platform=platform,
            text=text.strip() or "(empty)",
            brief=brief[:4000],
            episode_id=episode_id,
            experiment_id=allocation.experiment_id if allocation else None,
            variant=allocation.variant if allocation else None,
        )
        return self.save_draft(owner_id, draft, source=source, quality=report).id

    def get(self, owner_id: int, piece_id: int) -> ContentPieceDetail:
        """A piece with its quality report, edit history and publish attempts.

        Raises
        ------
        NotFoundError
            No such piece for this owner.
        """
        with session_scope(self._database) as session:
            piece = crud.get_content_piece(session=session, owner_id=owner_id, piece_id=piece_id)
            edits = crud.list_content_edits(session=session, owner_id=owner_id, piece_id=piece.id)
            attempts = crud.list_publish_attempts(
                session=session, owner_id=owner_id, piece_id=piece.id
            )
            return ContentPieceDetail.model_validate(
                {
                    **ContentPiecePublic.model_validate(piece).model_dump(),
                    "quality": piece.quality,
                    "edits": [EditPublic.model_validate(e) for e in edits],
                    "attempts": [PublishAttemptPublic.model_validate(a) for a in attempts],
                }
            )

    def search(
        self,
        owner_id: int,
        *,
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
    ) -> ContentPage:
        """A page of the owner's pieces matching every filter given (see
        :func:`~personae.store.crud.list_content_pieces`)."""
        if since is not None and until is not None and until <= since:
            raise InputError("'until' must be after 'since'", field="until")
        with session_scope(self._database) as session:
            rows, total = crud.list_content_pieces(
                session=session,
                owner_id=owner_id,
                persona_id=persona_id,
                platform=platform,
                status=status,
                query=query,
                date_field=date_field,
                since=since,
                until=until,
                experiment_id=experiment_id,
                limit=limit,
                offset=offset,
                oldest_first=oldest_first,
            )
            items = [ContentPiecePublic.model_validate(row) for row in rows]
        following = offset + len(items)
        return ContentPage(
            items=items,
            total=total,
            limit=limit,
            offset=offset,
            next_offset=following if following < total else None,
        )

    def edit(self, owner_id: int, piece_id: int, request: EditRequest) -> ContentPieceDetail:
        """Change a piece's text; the text before is kept in its history. With
        ``feedback``, the edited text is also added to the persona's voice (a new
        persona version), in the same unit of work.

        Raises
        ------
        ConflictError
            The piece is published or archived (its text is what went out).
        """
        if len(request.text) > self.max_text_chars:
            raise InputError(f"the text is longer than {self.max_text_chars} characters")
        with session_scope(self._database) as session:
            piece = crud.get_content_piece(session=session, owner_id=owner_id, piece_id=piece_id)
            if piece.status not in _EDITABLE:
                raise ConflictError(
                    f"piece {piece_id} is {piece.status}: its text can no longer change",
                    piece_id=piece_id,
                    status=piece.status,
                )
            edit = crud.add_content_edit(
                session=session,
                owner_id=owner_id,
                piece_id=piece.id,
                before=piece.text,
                after=request.text,
                note=request.note,
            )
            crud.update_content_piece(
                session=session,
                owner_id=owner_id,
                piece_id=piece.id,
                changes={"text": request.text},
                action="edit",
            )
            if request.feedback:
                learn_from_edit(
                    session,
                    owner_id=owner_id,
                    persona_id=piece.persona_id,
                    text=request.text,
                    max_chars=self.max_text_chars,
                )
                crud.mark_content_edit_fed_back(session=session, owner_id=owner_id, edit_id=edit.id)
        return self.get(owner_id, piece_id)

    def _move(
        self,
        owner_id: int,
        piece_id: int,
        *,
        allowed: Sequence[str],
        changes: dict[str, Any],
        action: str,
    ) -> ContentPiecePublic:
        with session_scope(self._database) as session:
            piece = crud.get_content_piece(session=session, owner_id=owner_id, piece_id=piece_id)
            if piece.status not in allowed:
                raise ConflictError(
                    f"piece {piece_id} is {piece.status}; it must be {' or '.join(allowed)} "
                    f"to {action} it",
                    piece_id=piece_id,
                    status=piece.status,
                )
            piece = crud.update_content_piece(
                session=session,
                owner_id=owner_id,
                piece_id=piece_id,
                changes=changes,
                action=action,
            )
            return ContentPiecePublic.model_validate(piece)

    def approve(self, owner_id: int, piece_id: int) -> ContentPiecePublic:
        """Mark a draft ready to go."""
        return self._move(
            owner_id,
            piece_id,
            allowed=("draft", "approved"),
            changes={"status": "approved"},
            action="approve",
        )

    def archive(self, owner_id: int, piece_id: int) -> ContentPiecePublic:
        """Put a piece away (it stays in the library, out of the calendar)."""
        return self._move(
            owner_id,
            piece_id,
            allowed=("draft", "approved", "scheduled", "published"),
            changes={"status": "archived", "scheduled_at": None},
            action="archive",
        )

    # -- scheduling and the calendar ----------------------------------------------------

    def posting_times(self, owner_id: int, piece_id: int) -> list[PostingTime]:
        """The best posting hours for the piece's platform: for all audiences, then for
        each audience cluster (see :mod:`personae.content._timing`)."""
        with session_scope(self._database) as session:
            piece = crud.get_content_piece(session=session, owner_id=owner_id, piece_id=piece_id)
            return timing.posting_times(session, owner_id, piece, self.clock())

    def suggest_time(
        self, owner_id: int, piece_id: int, *, audience_cluster_id: int | None = None
    ) -> datetime:
        """The next of the best posting hours for the piece's platform, for all audiences
        or for one audience cluster; always in the future."""
        times = self.posting_times(owner_id, piece_id)
        return timing.chosen(times, audience_cluster_id).next_at

    def schedule(
        self, owner_id: int, piece_id: int, request: ScheduleRequest
    ) -> ContentPiecePublic:
        """Schedule an approved (or draft) piece with one of the owner's publishers.

        Raises
        ------
        NotFoundError
            No such piece, or no such publisher (``manual`` always exists).
        InputError
            A time in the past.
        """
        when = request.at or self.suggest_time(
            owner_id, piece_id, audience_cluster_id=request.audience_cluster_id
        )
        if when.tzinfo is None:
            when = when.replace(tzinfo=self.clock().tzinfo)
        if when < self.clock() - timedelta(minutes=1):
            raise InputError("the time is in the past; publish it now instead", field="at")
        self.publisher(owner_id, request.publisher)  # must exist
        return self._move(
            owner_id,
            piece_id,
            allowed=("draft", "approved", "scheduled"),
            changes={
                "status": "scheduled",
                "scheduled_at": when,
                "publisher": request.publisher,
                "publish_error": None,
            },
            action="schedule",
        )

    def calendar(self, owner_id: int, since: datetime, until: datetime) -> list[ContentPiecePublic]:
        """Scheduled and published pieces in ``[since, until)``, by time."""
        if until <= since:
            raise InputError("'to' must be after 'from'", field="to")
        if until - since > timedelta(days=_SEARCH_DAYS_MAX):
            raise InputError(f"a calendar spans at most {_SEARCH_DAYS_MAX} days", field="to")
        out: dict[int, ContentPiecePublic] = {}
        for status, field in (("scheduled", "scheduled"), ("published", "published")):
            offset = 0
            while True:
                page = self.search(
                    owner_id,
                    status=[status, "publishing"] if status == "scheduled" else [status],
                    date_field=field,
                    since=since,
                    until=until,
                    limit=1000,
                    offset=offset,
                    oldest_first=True,
                )
                out.update((item.id, item) for item in page.items)
                if page.next_offset is None:
                    break
                offset = page.next_offset
        return sorted(
            out.values(), key=lambda p: (p.published_at or p.scheduled_at or p.created_at, p.id)
        )

    def new_feed_token(self, owner_id: int) -> str:
        """A new secret token for the owner's iCalendar feed (the old one stops working);
        only its hash is stored, so it is shown once."""
        token = secrets.token_urlsafe(32)
        with session_scope(self._database) as session:
            crud.set_calendar_feed(session=session, owner_id=owner_id, token_hash=_hash(token))
        return token

    def feed(self, token: str, *, host: str) -> str | None:
        """The iCalendar text of the feed this token opens (``None``: no such feed):
        the last 30 days and the next year."""
        with session_scope(self._database) as session:
            owner_id = crud.calendar_feed_owner(session=session, token_hash=_hash(token))
        if owner_id is None:
            return None
        now = self.clock()
        pieces = self.calendar(owner_id, now - timedelta(days=30), now + timedelta(days=335))
        with session_scope(self._database) as session:
            rows = [
                crud.get_content_piece(session=session, owner_id=owner_id, piece_id=p.id)
                for p in pieces
            ]
            return render_ics(rows, host=host, now=now)

    # -- publishing -------------------------------------------------------------------------

    def publish(self, owner_id: int, piece_id: int, request: PublishRequest) -> ContentPieceDetail:
        """Publish a piece now (see :func:`~personae.content._publishing.publish_piece`)."""
        return publish_piece(self, owner_id, piece_id, request)

    def publish_due(self, owner_id: int | None = None) -> DueResult:
        """Publish every scheduled piece whose time has come (the job runner's work)."""
        return publish_due(self, owner_id=owner_id)

    # -- engagement -------------------------------------------------------------------------

    def import_engagement(
        self,
        owner_id: int,
        text: str,
        *,
        fmt: str | None = None,
        mapping: Mapping[str, str] | None = None,
        settle_now: bool = False,
    ) -> EngagementImport:
        """Import an analytics export; its rows find their pieces by the post's id (see
        :func:`~personae.content._engagement.import_export`)."""
        return import_export(self, owner_id, text, fmt=fmt, mapping=mapping, settle_now=settle_now)

    def settle(
        self, owner_id: int, *, piece_ids: list[int] | None = None, force: bool = False
    ) -> list[SettledPiece]:
        """Reward the pieces whose engagement has settled (``force``: now); the policy of
        each piece's strategy decision learns from it."""
        return settle(self, owner_id, piece_ids=piece_ids, force=force)

    # -- experiments ----------------------------------------------------------------------

    def create_experiment(self, owner_id: int, request: ExperimentCreate) -> ExperimentReport:
        """Start an A/B test of persona versions (see :mod:`personae.content._experiments`)."""
        return experiments.create(self, owner_id, request)

    def experiment_report(
        self, owner_id: int, experiment_id: int, *, confidence: float = 0.95
    ) -> ExperimentReport:
        """Per variant: pieces, mean reward, probability of being best; when to stop."""
        return experiments.report(self, owner_id, experiment_id, confidence=confidence)

    def allocate(self, owner_id: int, experiment_id: int, *, seed: int | None = None) -> Allocation:
        """The variant (persona version) that writes the next piece of the test."""
        return experiments.allocate(self, owner_id, experiment_id, seed=seed)

    def writer(
        self,
        owner_id: int,
        experiment_id: int,
        *,
        persona_id: int,
        platform: str,
        variant: str | None = None,
    ) -> Allocation:
        """Who writes a generated piece of the test: ``variant`` (as allocated), else
        one allocated now; generation writes as its persona version and keeps the piece
        with :meth:`keep_written` (``allocation=``)."""
        return experiments.writer(
            self, owner_id, experiment_id, persona_id=persona_id, platform=platform, variant=variant
        )

    def experiments(self, owner_id: int) -> list[ExperimentReport]:
        """The owner's experiments, newest first, with their reports."""
        with session_scope(self._database) as session:
            ids = [e.id for e in crud.list_experiments(session=session, owner_id=owner_id)]
        return [self.experiment_report(owner_id, i) for i in ids]

    def stop_experiment(self, owner_id: int, experiment_id: int) -> ExperimentReport:
        """End a test: no more allocations; its report stays."""
        with session_scope(self._database) as session:
            crud.stop_experiment(session=session, owner_id=owner_id, experiment_id=experiment_id)
        return self.experiment_report(owner_id, experiment_id)

    # -- publishers -------------------------------------------------------------------------

    def save_publisher(self, owner_id: int, request: PublisherCreate) -> PublisherPublic:
        """Add (or replace) one of the owner's publishers, checked by its plugin."""
        return publishers.save(self, owner_id, request)

    def publishers(self, owner_id: int) -> list[PublisherPublic]:
        """The owner's publishers (``manual`` is always there)."""
        return publishers.listed(self, owner_id)

    def publisher(self, owner_id: int, name: str) -> PublisherSettings:
        """The owner's publisher ``name`` as its plugin reads it (``manual`` built in)."""
        return publishers.settings_of(self, owner_id, name)
