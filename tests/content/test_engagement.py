"""Engagement exports find their pieces, and settled engagement teaches the policy."""

from __future__ import annotations

from pathlib import Path

import pytest

from personae.content import ContentService, DraftCreate, PublishRequest
from personae.errors import InputError
from personae.store import Database, crud, session_scope
from personae.strategy import ArmSpace, StrategyService
from tests.content.conftest import Clock

LINKEDIN = (Path(__file__).parent / "data" / "linkedin_posts.csv").read_text()
"""A LinkedIn post analytics export, saved as CSV (its real header names)."""


def _published_piece(
    service: ContentService, db: Database, owner: int, persona: int, clock: Clock
) -> tuple[int, int]:
    """A piece written for a strategy decision and published by hand; (piece, episode)."""
    with session_scope(db) as session:
        rec = StrategyService(session=session, owner_id=owner, seed=0).recommend(
            persona, space=ArmSpace(topics=["ai"], formats=["text"], platforms=["linkedin"])
        )
    draft = DraftCreate(
        persona_id=persona, platform="linkedin", text="We shipped.", episode_id=rec.episode_id
    )
    piece = service.save_draft(owner, draft)
    assert piece.strategy_id == rec.strategy_id
    service.publish(owner, piece.id, PublishRequest(external_id="urn:li:activity:7001"))
    return piece.id, rec.episode_id


def test_a_linkedin_export_reaches_the_policy_without_strategy_ids(
    service: ContentService,
    db: Database,
    clock: Clock,
    owner_ids: tuple[int, int],
    persona_ids: tuple[int, int],
) -> None:
    alice, bob = owner_ids
    mine, _ = persona_ids
    piece_id, episode_id = _published_piece(service, db, alice, mine, clock)
    clock.advance(hours=3)
    report = service.import_engagement(alice, LINKEDIN)
    assert (report.format, report.received, report.imported) == ("linkedin", 3, 1)
    assert report.columns["reach"] == "Members reached"
    assert report.rejected_rows == 2  # each bad row once, whatever its number of problems
    reasons = {r.row: r.reasons for r in report.rejected}
    assert "no published piece" in reasons[3][0]
    assert reasons[4] == ["Impressions: not a count ('lots')"]
    assert report.pieces == [piece_id]
    assert report.settled == []  # 48 h have not passed
    again = service.import_engagement(alice, LINKEDIN)
    assert (again.inserted, again.unchanged) == (0, 1)  # idempotent
    clock.advance(hours=48)
    settled = service.settle(alice)
    assert [(s.piece_id, s.policy_updated) for s in settled] == [(piece_id, True)]
    assert settled[0].reward > 0
    with session_scope(db) as session:
        episode = crud.get_learning_episode(session=session, owner_id=alice, episode_id=episode_id)
        assert episode.reward == pytest.approx(settled[0].reward)
    assert service.get(alice, piece_id).reward == pytest.approx(settled[0].reward)
    assert service.settle(alice) == []  # once
    # bob's import cannot reach alice's piece
    foreign = service.import_engagement(bob, LINKEDIN)
    assert (foreign.imported, foreign.rejected_rows) == (0, 3)


def test_generic_csv_with_a_user_mapping_and_on_demand_settling(
    service: ContentService,
    db: Database,
    clock: Clock,
    owner_ids: tuple[int, int],
    persona_ids: tuple[int, int],
) -> None:
    alice, _ = owner_ids
    mine, _ = persona_ids
    piece = service.save_draft(alice, DraftCreate(persona_id=mine, platform="x", text="Hi."))
    service.publish(alice, piece.id, PublishRequest(url="https://x.com/me/status/1234567"))
    clock.advance(hours=1)
    export = "Post,Seen,Liked\n1234567,1000,50\n"
    with pytest.raises(InputError):
        service.import_engagement(alice, export)  # no format recognises these headers
    report = service.import_engagement(
        alice,
        export,
        fmt="generic",
        mapping={"reference": "Post", "reach": "Seen", "likes": "Liked"},
        settle_now=True,
    )
    assert report.imported == 1
    assert [(s.piece_id, s.policy_updated) for s in report.settled] == [(piece.id, False)]
    assert service.get(alice, piece.id).settled_at == clock.now
    with pytest.raises(InputError):
        service.import_engagement(alice, export, fmt="generic", mapping={"reach": "Nope"})
    with pytest.raises(InputError):
        service.import_engagement(alice, "")


@pytest.mark.parametrize(
    ("file", "platform", "published_as", "fmt"),
    [
        ("x_tweet_activity.csv", "x", "1864000000000000001", "x"),
        ("meta_instagram.csv", "instagram", "18000000000000042", "instagram"),
    ],
)
def test_x_and_meta_exports_are_read_by_their_own_headers(
    service: ContentService,
    clock: Clock,
    owner_ids: tuple[int, int],
    persona_ids: tuple[int, int],
    file: str,
    platform: str,
    published_as: str,
    fmt: str,
) -> None:
    alice, _ = owner_ids
    mine, _ = persona_ids
    piece = service.save_draft(
        alice, DraftCreate(persona_id=mine, platform=platform, text="We shipped.")
    )
    service.publish(alice, piece.id, PublishRequest(external_id=published_as))
    clock.advance(hours=30)
    text = (Path(__file__).parent / "data" / file).read_text()
    report = service.import_engagement(alice, text, settle_now=True)
    assert (report.format, report.imported, report.rejected_rows) == (fmt, 1, 0)
    assert report.pieces == [piece.id]
    assert len(report.settled) == 1  # the reach (or impressions) makes a reward
    assert service.get(alice, piece.id).reward == report.settled[0].reward


def test_the_server_settles_engagement_by_itself(
    service: ContentService, db: Database, owner_ids: tuple[int, int], persona_ids: tuple[int, int]
) -> None:
    from datetime import UTC, datetime

    from personae.content import DueScheduler

    alice, _ = owner_ids
    mine, _ = persona_ids
    piece = service.save_draft(alice, DraftCreate(persona_id=mine, platform="x", text="Hi."))
    service.publish(alice, piece.id, PublishRequest(external_id="1864000000000000001"))
    service.import_engagement(
        alice, (Path(__file__).parent / "data" / "x_tweet_activity.csv").read_text()
    )
    scheduler = DueScheduler(db, runner=None)  # type: ignore[arg-type]
    assert scheduler.settle() == 1  # published 2026-03-02 by the test clock: long settled
    assert service.get(alice, piece.id).settled_at is not None
    assert service.get(alice, piece.id).settled_at > datetime(2026, 3, 5, tzinfo=UTC)
    assert scheduler.settle() == 0
