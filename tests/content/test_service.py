"""The content library's use cases on a real store (SQLite, and PostgreSQL when set up)."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta

import pytest

from personae.content import (
    ContentService,
    DraftCreate,
    EditRequest,
    PublisherCreate,
    PublishRequest,
    ScheduleRequest,
)
from personae.errors import ConflictError, InputError, NotFoundError, PersonaNotFoundError
from personae.store import Database, crud, session_scope
from personae.style import StyleProfile
from tests.content.conftest import Clock, Receiver
from tests.resources import FEDERALIST

SECRET = "a-webhook-secret-of-enough-length"


def _draft(persona_id: int, text: str = "We shipped the new importer today.") -> DraftCreate:
    return DraftCreate(persona_id=persona_id, platform="linkedin", text=text, brief="importer")


def test_drafts_are_kept_found_and_paged_per_owner(
    service: ContentService, owner_ids: tuple[int, int], persona_ids: tuple[int, int]
) -> None:
    alice, bob = owner_ids
    mine, theirs = persona_ids
    for n in range(5):
        service.save_draft(alice, _draft(mine, f"Post number {n} about 100% growth_rate."))
    service.save_draft(bob, _draft(theirs, "Bob's post about growth."))
    first = service.search(alice, limit=2)
    assert (first.total, len(first.items), first.next_offset) == (5, 2, 2)
    assert first.items[0].text.startswith("Post number 4")  # newest first
    last = service.search(alice, limit=2, offset=4)
    assert (len(last.items), last.next_offset) == (1, None)
    # text search is a substring match where % and _ are literal characters
    assert service.search(alice, query="100%").total == 5
    assert service.search(alice, query="number 3").total == 1
    assert service.search(alice, query="growth_rate").total == 5
    assert service.search(alice, query="growthXrate").total == 0
    assert service.search(alice, status=["approved"]).total == 0
    assert service.search(alice, platform="x").total == 0
    piece = first.items[0]
    assert piece.persona_version == 1
    assert piece.status == "draft"
    with pytest.raises(NotFoundError):
        service.get(bob, piece.id)
    with pytest.raises(PersonaNotFoundError):
        service.save_draft(alice, _draft(theirs))


def test_an_edit_keeps_the_text_before_and_can_teach_the_persona(
    service: ContentService, db: Database, owner_ids: tuple[int, int], persona_ids: tuple[int, int]
) -> None:
    alice, _ = owner_ids
    mine, _ = persona_ids
    piece = service.save_draft(alice, _draft(mine))
    edited = FEDERALIST
    detail = service.edit(alice, piece.id, EditRequest(text=edited, note="my words"))
    assert detail.text == edited
    assert [(e.before, e.after, e.fed_back) for e in detail.edits] == [(piece.text, edited, False)]
    with session_scope(db) as session:
        assert crud.get_persona(session=session, owner_id=alice, persona_id=mine).version == 1
    taught = service.edit(alice, piece.id, EditRequest(text=edited + " Again.", feedback=True))
    assert taught.edits[-1].fed_back is True
    with session_scope(db) as session:
        persona = crud.get_persona(session=session, owner_id=alice, persona_id=mine)
        assert persona.version == 2
        assert StyleProfile.model_validate(persona.linguistic_fingerprint).sample_count == 1
    service.archive(alice, piece.id)
    with pytest.raises(ConflictError):
        service.edit(alice, piece.id, EditRequest(text="too late"))


def test_scheduling_suggests_the_strategy_hour_and_the_calendar_shows_it(
    service: ContentService, clock: Clock, owner_ids: tuple[int, int], persona_ids: tuple[int, int]
) -> None:
    alice, _ = owner_ids
    mine, _ = persona_ids
    piece = service.save_draft(alice, _draft(mine))
    service.approve(alice, piece.id)
    scheduled = service.schedule(alice, piece.id, ScheduleRequest())
    # no strategy, no audience: the next 09:00 UTC (it is 08:30)
    assert scheduled.scheduled_at == clock.now.replace(hour=9, minute=0)
    assert scheduled.status == "scheduled"
    assert scheduled.publisher == "manual"
    day = clock.now.replace(hour=0, minute=0)
    shown = service.calendar(alice, day, day + timedelta(days=1))
    assert [p.id for p in shown] == [piece.id]
    assert service.calendar(alice, day + timedelta(days=1), day + timedelta(days=2)) == []
    with pytest.raises(InputError):
        service.schedule(alice, piece.id, ScheduleRequest(at=clock.now - timedelta(hours=2)))
    with pytest.raises(NotFoundError):
        service.schedule(alice, piece.id, ScheduleRequest(publisher="nowhere"))


def test_the_feed_is_an_icalendar_behind_a_token(
    service: ContentService, clock: Clock, owner_ids: tuple[int, int], persona_ids: tuple[int, int]
) -> None:
    alice, _ = owner_ids
    mine, _ = persona_ids
    piece = service.save_draft(alice, _draft(mine, "Launch day; big news, with commas\nand lines."))
    service.schedule(alice, piece.id, ScheduleRequest(at=clock.now + timedelta(days=2)))
    token = service.new_feed_token(alice)
    ics = service.feed(token, host="example.org")
    assert ics is not None
    assert ics.startswith("BEGIN:VCALENDAR\r\n")
    assert ics.endswith("END:VCALENDAR\r\n")
    assert f"UID:content-{piece.id}@example.org" in ics
    assert "DTSTART:20260304T083000Z" in ics
    assert "Launch day\\; big news\\, with commas\\nand lines." in ics.replace("\r\n ", "")
    assert all(len(line.encode()) <= 75 for line in ics.split("\r\n"))
    assert service.feed("not-a-token", host="example.org") is None
    service.new_feed_token(alice)  # rotating ends the old URL
    assert service.feed(token, host="example.org") is None


def test_a_webhook_publish_is_signed_retried_and_every_attempt_recorded(
    service: ContentService,
    receiver: Receiver,
    sleeps: list[float],
    owner_ids: tuple[int, int],
    persona_ids: tuple[int, int],
) -> None:
    alice, _ = owner_ids
    mine, _ = persona_ids
    service.save_publisher(
        alice, PublisherCreate(name="hook", kind="webhook", url=receiver.url, secret=SECRET)
    )
    receiver.statuses = [503, 500]
    receiver.answer = {"external_id": "urn:li:activity:42", "url": "https://example.org/p/42"}
    piece = service.save_draft(alice, _draft(mine))
    done = service.publish(alice, piece.id, PublishRequest(publisher="hook"))
    assert done.status == "published"
    assert (done.external_id, done.external_url) == (
        "urn:li:activity:42",
        "https://example.org/p/42",
    )
    assert [(a.attempt, a.ok, a.status_code) for a in done.attempts] == [
        (1, False, 503),
        (2, False, 500),
        (3, True, 200),
    ]
    assert sleeps == [0.5, 1.0]
    headers, body = receiver.requests[-1]
    stamp = headers["X-Personae-Timestamp"]
    expected = hmac.new(SECRET.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    assert headers["X-Personae-Signature"] == f"sha256={expected}"
    assert json.loads(body)["piece"]["text"] == piece.text
    with pytest.raises(ConflictError):
        service.publish(alice, piece.id, PublishRequest(publisher="hook"))


def test_a_failed_publish_keeps_the_piece_with_its_error(
    service: ContentService,
    receiver: Receiver,
    owner_ids: tuple[int, int],
    persona_ids: tuple[int, int],
) -> None:
    alice, _ = owner_ids
    mine, _ = persona_ids
    service.save_publisher(
        alice, PublisherCreate(name="hook", kind="webhook", url=receiver.url, max_attempts=2)
    )
    receiver.statuses = [500, 502, 500]
    piece = service.save_draft(alice, _draft(mine))
    failed = service.publish(alice, piece.id, PublishRequest(publisher="hook"))
    assert failed.status == "approved"
    assert failed.publish_error == "HTTP 502"
    assert failed.text == piece.text
    assert len(failed.attempts) == 2
    receiver.statuses = [400]  # a refusal is not retried
    refused = service.publish(alice, piece.id, PublishRequest(publisher="hook"))
    assert refused.publish_error == "HTTP 400"
    assert len(refused.attempts) == 3


def test_due_pieces_are_published_at_their_time_and_manual_ones_wait(
    service: ContentService,
    receiver: Receiver,
    clock: Clock,
    owner_ids: tuple[int, int],
    persona_ids: tuple[int, int],
) -> None:
    alice, _ = owner_ids
    mine, _ = persona_ids
    service.save_publisher(alice, PublisherCreate(name="hook", kind="webhook", url=receiver.url))
    auto = service.save_draft(alice, _draft(mine, "Goes out by itself."))
    by_hand = service.save_draft(alice, _draft(mine, "A person posts this one."))
    at = clock.now + timedelta(hours=1)
    service.schedule(alice, auto.id, ScheduleRequest(at=at, publisher="hook"))
    service.schedule(alice, by_hand.id, ScheduleRequest(at=at))
    assert service.publish_due().published == []  # not yet
    clock.advance(hours=1)
    assert service.publish_due().published == [auto.id]
    assert service.get(alice, auto.id).external_id == f"personae-{auto.id}"
    assert service.get(alice, by_hand.id).status == "scheduled"
    with pytest.raises(InputError):
        service.publish(alice, by_hand.id, PublishRequest())
    manual = service.publish(alice, by_hand.id, PublishRequest(url="https://x.com/me/status/7"))
    assert (manual.status, manual.external_id) == ("published", "https://x.com/me/status/7")
    assert manual.published_at == datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
