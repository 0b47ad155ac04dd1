"""Scheduling suggests the best posting hours per platform *and* audience cluster: what
each cluster's rewarded decisions earned at each hour, else when the cluster engages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from personae.content import ContentService, DraftCreate, ScheduleRequest
from personae.errors import InputError
from personae.store import Database, crud, session_scope
from personae.strategy import ArmSpace, RewardComponents, StrategyService
from tests.api.helpers import User, create_persona
from tests.content.conftest import Clock


def _cluster(slot: int, size: int, peaks: list[int]) -> dict[str, object]:
    return {
        "slot": slot,
        "size": size,
        "characteristics": {"peak_engagement_hours": peaks},
        "embedding": [0.0, 1.0],
        "members": [f"m{slot}-{i}" for i in range(size)],
    }


def _clusters(db: Database, owner: int, persona: int) -> tuple[int, int, int]:
    """Three audience clusters: mornings (slot 0, largest), evenings (slot 1), and a
    small one whose decisions were never rewarded but that is active at 13:00."""
    with session_scope(db) as session:
        rows = crud.replace_audience_clusters(
            session=session,
            owner_id=owner,
            persona_id=persona,
            clusters=[
                _cluster(0, 50, [7, 8]),
                _cluster(1, 30, [21]),
                _cluster(2, 5, [13, 14]),
            ],
        )
        ids = {row.slot: row.id for row in rows}
    return ids[0], ids[1], ids[2]


def _decide(
    db: Database, clock: Clock, owner: int, persona: int, cluster: int, hour: int, reward: float
) -> None:
    """One decision for ``cluster`` to post on LinkedIn at ``hour``, rewarded ``reward``."""
    with session_scope(db) as session:
        strategies = StrategyService(session=session, owner_id=owner, clock=clock)
        space = ArmSpace(
            topics=("launch",),
            formats=("text",),
            tones=("plain",),
            posting_hours=(hour,),
            platforms=("linkedin",),
        )
        rec = strategies.recommend(persona, space=space, cluster_id=cluster, when=clock.now)
        strategies.feedback(
            rec.strategy_id,
            episode_id=rec.episode_id,
            components=RewardComponents(engagement_rate=reward),
        )


def test_each_audience_cluster_gets_its_own_best_hours(
    db: Database,
    service: ContentService,
    clock: Clock,
    owner_ids: tuple[int, int],
    persona_ids: tuple[int, int],
) -> None:
    alice, mine = owner_ids[0], persona_ids[0]
    mornings, evenings, small = _clusters(db, alice, mine)
    # Mornings reward 08:00 over 17:00; evenings reward 20:00 over 08:00.
    for cluster, hour, reward in [
        (mornings, 8, 1.6),
        (mornings, 8, 1.4),
        (mornings, 17, 0.9),
        (evenings, 20, 1.8),
        (evenings, 8, 0.7),
    ]:
        _decide(db, clock, alice, mine, cluster, hour, reward)
    piece = service.save_draft(
        alice, DraftCreate(persona_id=mine, platform="linkedin", text="Shipped.")
    )
    times = service.posting_times(alice, piece.id)
    by_cluster = {t.audience_cluster_id: t for t in times}
    assert times[0].audience_cluster_id is None  # all audiences first
    assert (by_cluster[None].hours[0], by_cluster[None].basis) == (20, "rewards")
    assert (by_cluster[mornings].hours, by_cluster[mornings].basis) == ([8, 17], "rewards")
    assert (by_cluster[evenings].hours, by_cluster[evenings].basis) == ([20, 8], "rewards")
    assert (by_cluster[small].hours, by_cluster[small].basis) == ([13, 14], "audience")
    assert [t.audience_cluster_id for t in times] == [None, mornings, evenings, small]
    # 08:30 now: the mornings' 08:00 is tomorrow, the evenings' 20:00 today.
    at_eight = service.schedule(
        alice, piece.id, ScheduleRequest(audience_cluster_id=mornings)
    ).scheduled_at
    assert at_eight == clock.now.replace(hour=8, minute=0) + timedelta(days=1)
    at_twenty = service.schedule(
        alice, piece.id, ScheduleRequest(audience_cluster_id=evenings)
    ).scheduled_at
    assert at_twenty == clock.now.replace(hour=20, minute=0)
    # Another platform has no rewarded decisions: the clusters' own active hours.
    other = service.save_draft(alice, DraftCreate(persona_id=mine, platform="x", text="Shipped."))
    elsewhere = {t.audience_cluster_id: t for t in service.posting_times(alice, other.id)}
    assert (elsewhere[None].hours, elsewhere[None].basis) == ([7, 8], "audience")
    assert (elsewhere[evenings].hours, elsewhere[evenings].basis) == ([21], "audience")
    with pytest.raises(InputError, match="cluster 999999"):
        service.schedule(alice, piece.id, ScheduleRequest(audience_cluster_id=999999))


def test_posting_times_over_http(client: TestClient, alice: User, bob: User) -> None:
    pid = create_persona(client, alice)["id"]
    kept = client.post(
        "/api/content",
        json={"persona_id": pid, "platform": "linkedin", "text": "Shipped."},
        headers=alice.headers,
    ).json()["data"]
    times = client.get(f"/api/content/{kept['id']}/posting-times", headers=alice.headers)
    assert times.status_code == 200, times.text
    assert times.json()["data"][0] | {"next_at": None} == {
        "audience_cluster_id": None,
        "audience_size": None,
        "platform": "linkedin",
        "hours": [9],
        "basis": "default",
        "next_at": None,
    }
    theirs = client.get(f"/api/content/{kept['id']}/posting-times", headers=bob.headers)
    assert theirs.status_code == 404
