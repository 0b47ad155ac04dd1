"""The learning loop on a real store: ingest, recommend, feedback, persistence, graph."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from personae.errors import (
    ClusterNotFoundError,
    EpisodeNotFoundError,
    FeedbackConflictError,
    InputError,
    NotEnoughDataError,
    PersonaNotFoundError,
    StrategyNotFoundError,
)
from personae.store import (
    AudienceCluster,
    Database,
    EngagementEvent,
    LearningEpisode,
    PersonaCreate,
    PolicyState,
    Strategy,
    StrategyEdge,
    crud,
    export_user_archive,
    session_scope,
)
from personae.strategy import (
    DEFAULT_BASELINES,
    MAX_ARMS,
    ArmSpace,
    RewardComponents,
    RewardWeights,
    StrategyService,
    build_context,
    policy_from_state,
)
from tests.doubles import WordHashEmbedder
from tests.strategy.helpers import planted_audience, snapshot_rows

MONDAY = datetime(2026, 1, 5, 9, tzinfo=UTC)
SPACE = ArmSpace(
    topics=["ai", "careers"],
    formats=["text", "video"],
    tones=["calm"],
    posting_hours=[9, 18],
    platforms=["linkedin"],
)


def _service(session: Session, owner: int, embedder: Any = None, **kwargs: Any) -> StrategyService:
    return StrategyService(
        session=session, owner_id=owner, embedder=embedder, seed=0, clock=lambda: MONDAY, **kwargs
    )


def _good(key: str) -> float:
    return 2.0 if "format=video" in key and "topic=ai" in key else 0.5


def test_recommend_records_an_episode_and_a_usable_brief(
    db: Database, owner_ids: tuple[int, int], creator: int, embedder: WordHashEmbedder
) -> None:
    alice, _ = owner_ids
    with session_scope(db) as session:
        rec = _service(session, alice, embedder).recommend(creator, space=SPACE)
    assert rec.creator_id == creator
    assert rec.policy == "linucb"
    brief = rec.content_brief
    assert (brief.topic, brief.format, brief.platform) == (
        rec.strategy.topic,
        rec.strategy.format,
        rec.strategy.platform,
    )
    assert brief.posting_hour in (9, 18)
    assert rec.strategy.topic in brief.instructions
    assert "linkedin" in brief.instructions
    assert 0.0 <= rec.confidence <= 1.0
    assert rec.explanation.candidates == len(SPACE.arms())
    assert rec.explanation.observations == 0
    assert "Nothing has been measured yet" in rec.explanation.summary
    assert rec.context == {"bias": 1.0}
    with session_scope(db) as session:
        episode = session.get(LearningEpisode, rec.episode_id)
        assert episode is not None
        assert episode.reward is None
        assert episode.next_state is None
        assert episode.state["context"] == {"bias": 1.0}
        assert episode.action["arm_key"].startswith(f"topic={rec.strategy.topic}|")
        node = session.get(Strategy, rec.strategy_id)
        assert node is not None
        assert node.pulls == 1
        assert node.embedding is not None
        assert len(node.embedding) == embedder.dimension
        assert node.embedding_model == embedder.name
        current = _service(session, alice).current(creator)
    assert current.model_dump() == rec.model_dump()


def test_default_options_come_from_the_persona(
    session: Session, owner_ids: tuple[int, int], creator: int
) -> None:
    alice, _ = owner_ids
    crud.upsert_platform_persona(
        session=session, owner_id=alice, persona_id=creator, platform="instagram"
    )
    space = _service(session, alice).default_space(creator)
    assert space.topics == ("ai", "careers")
    assert space.platforms == ("instagram",)
    rec = _service(session, alice).recommend(creator)
    assert rec.strategy.topic in ("ai", "careers")
    assert rec.strategy.platform == "instagram"


def test_feedback_learns_and_the_policy_finds_the_best_strategy(
    db: Database, owner_ids: tuple[int, int], creator: int, embedder: WordHashEmbedder
) -> None:
    alice, _ = owner_ids
    noise = np.random.default_rng(0)
    picks = []
    for _ in range(40):
        with session_scope(db) as session:
            service = _service(session, alice, embedder)
            rec = service.recommend(creator, space=SPACE)
            key = next(
                a.key
                for a in SPACE.arms().arms
                if a.posting_hour == rec.strategy.posting_hour
                and a.topic == rec.strategy.topic
                and a.format == rec.strategy.format
            )
            picks.append(key)
            result = service.feedback(
                rec.strategy_id,
                components=RewardComponents(engagement_rate=_good(key) + noise.normal(0, 0.1)),
            )
            assert result.episode_id == rec.episode_id
    assert sum("format=video" in k and "topic=ai" in k for k in picks[-10:]) >= 8
    with session_scope(db) as session:
        assert (
            crud.count_learning_episodes(
                session=session, owner_id=alice, persona_id=creator, rewarded=True
            )
            == 40
        )
        state = crud.get_policy_state(
            session=session, owner_id=alice, persona_id=creator, policy="linucb"
        )
        assert state is not None
        assert state.version == 40
        report = _service(session, alice).performance(creator)
    assert report.rewarded_episodes == 40
    assert report.policy_updates == 40
    assert report.best_strategies[0].strategy.format == "video"
    assert report.best_strategies[0].strategy.topic == "ai"
    video = next(a for a in report.by_attribute if (a.dimension, a.value) == ("format", "video"))
    text = next(a for a in report.by_attribute if (a.dimension, a.value) == ("format", "text"))
    assert video.mean_reward > text.mean_reward
    assert report.rewards[-1].running_mean == pytest.approx(
        np.mean([p.reward for p in report.rewards])
    )


def test_policy_state_survives_a_restart_of_the_service(
    database_url: str, db: Database, owner_ids: tuple[int, int], creator: int
) -> None:
    alice, _ = owner_ids
    with session_scope(db) as session:
        service = _service(session, alice)
        for reward in (1.0, 2.0, 0.5):
            rec = service.recommend(creator, space=SPACE)
            service.feedback(rec.strategy_id, components=RewardComponents(engagement_rate=reward))
        before = service._policy(creator, "linucb")[0].estimate(
            SPACE.arms(), build_context(when=MONDAY)
        )
    db.dispose()
    with Database(database_url) as restarted, session_scope(restarted) as session:
        service = _service(session, alice)
        policy, version = service._policy(creator, "linucb")
        after = policy.estimate(SPACE.arms(), build_context(when=MONDAY))
        assert version == 3
        assert policy.updates == 3
        # Replaying the episodes rebuilds the very same model.
        assert service.rebuild_policy(creator) == 3
        rebuilt = policy_from_state(
            crud.get_policy_state(
                session=session, owner_id=alice, persona_id=creator, policy="linucb"
            ).state  # type: ignore[union-attr]
        ).estimate(SPACE.arms(), build_context(when=MONDAY))
    np.testing.assert_allclose(after[0], before[0])
    np.testing.assert_allclose(after[1], before[1])
    np.testing.assert_allclose(rebuilt[0], before[0])


def test_feedback_errors(session: Session, owner_ids: tuple[int, int], creator: int) -> None:
    alice, bob = owner_ids
    service = _service(session, alice)
    rec = service.recommend(creator, space=SPACE)
    with pytest.raises(StrategyNotFoundError):
        _service(session, bob).feedback(
            rec.strategy_id, components=RewardComponents(engagement_rate=1)
        )
    with pytest.raises(NotEnoughDataError, match="no engagement is tagged"):
        service.feedback(rec.strategy_id)
    with pytest.raises(EpisodeNotFoundError):
        service.feedback(rec.strategy_id, episode_id=rec.episode_id + 100)
    service.feedback(rec.strategy_id, components=RewardComponents(engagement_rate=1))
    with pytest.raises(EpisodeNotFoundError, match="no decision waiting"):
        service.feedback(rec.strategy_id, components=RewardComponents(engagement_rate=1))
    with pytest.raises(FeedbackConflictError):
        service.feedback(
            rec.strategy_id,
            episode_id=rec.episode_id,
            components=RewardComponents(engagement_rate=1),
        )


def test_feedback_measures_the_reward_from_imported_engagement(
    session: Session, owner_ids: tuple[int, int], creator: int
) -> None:
    alice, _ = owner_ids
    service = _service(session, alice)
    service.set_weights(creator, RewardWeights(w1=1.0, w2=0.0, w3=10.0, w4=1.0))
    rec = service.recommend(creator, space=SPACE)
    history = [
        snapshot_rows(
            content_id=f"old{i}",
            reach=1000,
            interactions=30,
            published=MONDAY - timedelta(days=10 - i),
        )
        for i in range(5)
    ]
    mine = snapshot_rows(
        content_id="new",
        reach=1000,
        interactions=60,
        conversions=20,
        published=MONDAY,
        strategy_id=rec.strategy_id,
    )
    mine["content_cost"] = 0.5
    report = service.import_engagement(creator, enumerate([*history, mine], start=1))
    assert report.inserted == 6
    assert not report.rejected
    result = service.feedback(rec.strategy_id)
    # Normalised by linkedin's prior: a yardstick that the earlier pieces do not move.
    baseline = DEFAULT_BASELINES["linkedin"]
    assert result.components.engagement_rate == pytest.approx(0.06 / baseline)
    assert result.components.conversion_rate == pytest.approx(0.02)
    assert result.components.content_cost == 0.5
    assert result.reward == pytest.approx(0.06 / baseline + 10 * 0.02 - 0.5)
    assert result.weights.w3 == 10.0
    episode = crud.get_learning_episode(
        session=session, owner_id=alice, episode_id=result.episode_id
    )
    assert episode.reward == pytest.approx(result.reward)
    assert episode.reward_components is not None
    assert episode.reward_components["weights"]["w3"] == 10.0
    assert episode.next_state is not None
    assert "context" in episode.next_state


def test_import_is_idempotent_and_reports_bad_rows(
    session: Session, owner_ids: tuple[int, int], creator: int
) -> None:
    alice, bob = owner_ids
    service = _service(session, alice)
    rows = [
        snapshot_rows(content_id="p1", reach=100, interactions=5, published=MONDAY),
        {"external_id": "x", "content_id": "p2"},  # no platform, no time
        snapshot_rows(content_id="p3", reach=100, interactions=5, published=MONDAY)
        | {"strategy_id": 999},
    ]
    first = service.import_engagement(creator, enumerate(rows, start=1))
    assert (first.received, first.inserted, first.updated, first.unchanged) == (3, 1, 0, 0)
    assert {(r.row, r.field) for r in first.rejected} >= {(2, "platform"), (3, "strategy_id")}
    again = service.import_engagement(creator, enumerate(rows, start=1))
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 1)
    changed = [rows[0] | {"likes": 50}]
    third = service.import_engagement(creator, enumerate(changed, start=1))
    assert (third.inserted, third.updated, third.unchanged) == (0, 1, 0)
    assert crud.count_engagement_events(session=session, owner_id=alice, persona_id=creator) == 1
    event = session.scalar(select(EngagementEvent))
    assert event is not None
    assert event.likes == 50
    # The same external id for another of alice's personas is a rejected row, not a move.
    other = crud.create_persona(session=session, owner_id=alice, data=PersonaCreate(name="other"))
    moved = service.import_engagement(other.id, enumerate(changed, start=1))
    assert moved.inserted == 0
    assert moved.rejected[0].field == "external_id"
    # Bob's events are his own: the same external id is a new event for him.
    bobs = crud.create_persona(session=session, owner_id=bob, data=PersonaCreate(name="b"))
    assert (
        _service(session, bob).import_engagement(bobs.id, enumerate(changed, start=1)).inserted == 1
    )
    with pytest.raises(PersonaNotFoundError):
        _service(session, bob).import_engagement(creator, enumerate(changed, start=1))


def test_clusters_feed_the_context_and_keep_their_identity(
    session: Session, owner_ids: tuple[int, int], creator: int
) -> None:
    alice, _ = owner_ids
    service = _service(session, alice)
    with pytest.raises(NotEnoughDataError):
        service.recluster(creator)
    rows, _ = planted_audience(members=90, events_per_member=20, segments=3, seed=1)
    report = service.import_engagement(creator, enumerate(rows, start=1))
    assert not report.rejected
    first = service.recluster(creator)
    assert sorted(c.size for c in first) == [30, 30, 30]
    assert sorted(c.slot for c in first if c.slot is not None) == [0, 1, 2]
    second = service.recluster(creator)
    assert [(c.id, c.slot, c.size) for c in second] == [(c.id, c.slot, c.size) for c in first]
    # A new member joining changes nothing about who is who.
    extra = [
        dict(r, external_id=r["external_id"] + "-x", audience_member_id="newcomer")
        for r in rows[:5]
    ]
    service.import_engagement(creator, enumerate(extra, start=1))
    third = service.recluster(creator)
    assert {c.id for c in third} == {c.id for c in first}
    target = first[1]
    rec = service.recommend(creator, space=SPACE, cluster_id=target.id)
    assert rec.context.get(f"cluster:{target.slot}") == 1.0
    assert rec.audience_cluster_id == target.id
    assert f"audience cluster {target.id}" in rec.content_brief.instructions
    default = service.recommend(creator, space=SPACE)
    assert default.audience_cluster_id == first[0].id  # the largest
    with pytest.raises(ClusterNotFoundError):
        service.recommend(creator, space=SPACE, cluster_id=target.id + 1000)
    assert session.scalar(select(func.count(AudienceCluster.id))) == 3


def test_graph_records_transitions_and_answers_queries(
    session: Session, owner_ids: tuple[int, int], creator: int, embedder: WordHashEmbedder
) -> None:
    alice, _ = owner_ids
    service = _service(session, alice, embedder)
    played = []
    for topic, fmt, reward in [
        ("ai", "video", 2.0),
        ("careers", "text", 0.5),
        ("ai", "video", 2.0),
        ("careers", "text", 0.5),
    ]:
        space = ArmSpace(
            topics=[topic], formats=[fmt], tones=["calm"], posting_hours=[9], platforms=["linkedin"]
        )
        rec = service.recommend(creator, space=space)
        service.feedback(rec.strategy_id, components=RewardComponents(engagement_rate=reward))
        played.append(rec.strategy_id)
    video, text = played[0], played[1]
    edges = {
        (e.from_strategy_id, e.to_strategy_id): e
        for e in crud.list_strategy_edges(session=session, owner_id=alice, persona_id=creator)
    }
    assert set(edges) == {(video, text), (text, video)}
    assert edges[(video, text)].transitions == 2
    assert edges[(video, text)].transition_probability == 1.0
    assert edges[(video, text)].performance_improvement == pytest.approx(-1.5)
    assert edges[(text, video)].performance_improvement == pytest.approx(1.5)
    assert edges[(text, video)].context_similarity == pytest.approx(1.0)
    nxt = service.best_next(text)
    assert nxt[0].strategy_id == video
    assert nxt[0].source == "transition"
    assert nxt[0].predicted_reward == pytest.approx(2.0)
    similar = service.similar_strategies(creator, "a video post about ai")
    assert [s.strategy_id for s in similar] == [video]  # the successful one only
    everything = service.similar_strategies(
        creator, "a text post about careers", successful_only=False
    )
    assert everything[0].strategy_id == text
    rec = service.recommend(
        creator,
        space=ArmSpace(
            topics=["ai"],
            formats=["video"],
            tones=["calm"],
            posting_hours=[18],
            platforms=["linkedin"],
        ),
    )
    assert rec.explanation.similar_strategies[0].strategy_id == video
    with pytest.raises(InputError, match="embedder"):
        _service(session, alice).similar_strategies(creator, "x")


def test_erasing_the_user_erases_the_strategy_rows_and_the_archive_holds_them(
    db: Database, owner_ids: tuple[int, int], creator: int
) -> None:
    alice, _ = owner_ids
    with session_scope(db) as session:
        service = _service(session, alice)
        rows, _ = planted_audience(members=30, events_per_member=5, segments=2)
        service.import_engagement(creator, enumerate(rows, start=1))
        service.recluster(creator)
        first = service.recommend(creator, space=SPACE)
        service.feedback(first.strategy_id, components=RewardComponents(engagement_rate=1))
        second = service.recommend(creator, space=SPACE)
        service.feedback(second.strategy_id, components=RewardComponents(engagement_rate=2))
    with session_scope(db) as session:
        archive = export_user_archive(session=session, user_id=alice)
        (persona,) = archive["personas"]
        for key in (
            "engagement_events",
            "strategies",
            "learning_episodes",
            "audience_clusters",
            "policy_states",
            "strategy_edges",
        ):
            assert persona[key], key
        assert len(persona["learning_episodes"]) == 2
    models = (
        EngagementEvent,
        Strategy,
        StrategyEdge,
        LearningEpisode,
        AudienceCluster,
        PolicyState,
    )
    with session_scope(db) as session:
        crud.delete_user(session=session, user_id=alice)
    with session_scope(db) as session:
        for model in models:
            assert session.scalar(select(func.count()).select_from(model)) == 0, model


def test_default_options_stay_usable_whatever_the_persona_holds(
    session: Session, owner_ids: tuple[int, int]
) -> None:
    alice, _ = owner_ids
    persona = crud.create_persona(
        session=session,
        owner_id=alice,
        data=PersonaCreate(name="busy", expertise=["a|b", *[f"topic {i}" for i in range(30)]]),
    )
    for platform in ("linkedin", "x", "instagram", "facebook", "blog", "threads", "tiktok"):
        crud.upsert_platform_persona(
            session=session, owner_id=alice, persona_id=persona.id, platform=platform
        )
    space = _service(session, alice).default_space(persona.id)
    assert "a|b" not in space.topics
    assert len(space.platforms) == 5
    assert len(space.arms()) <= MAX_ARMS
    assert _service(session, alice).recommend(persona.id).strategy.topic in space.topics


def test_a_stale_policy_save_is_a_conflict_not_a_lost_update(
    session: Session, owner_ids: tuple[int, int], creator: int
) -> None:
    alice, _ = owner_ids
    save = {"session": session, "owner_id": alice, "persona_id": creator, "policy": "linucb"}
    first = crud.save_policy_state(**save, state={"n": 1}, expected_version=None)
    assert first.version == 1
    with pytest.raises(FeedbackConflictError):
        crud.save_policy_state(**save, state={"n": 2}, expected_version=None)
    assert crud.save_policy_state(**save, state={"n": 2}, expected_version=1).version == 2
    with pytest.raises(FeedbackConflictError):
        crud.save_policy_state(**save, state={"n": 3}, expected_version=1)  # read before v2
    stored = crud.get_policy_state(
        session=session, owner_id=alice, persona_id=creator, policy="linucb"
    )
    assert stored is not None
    assert stored.state == {"n": 2}
