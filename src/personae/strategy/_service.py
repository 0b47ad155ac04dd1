"""The strategy learning loop of one owner, in one unit of work.

``Performance data → reward → policy update → strategy generation → content → performance
data`` (seed 003): :class:`StrategyService` ingests engagement, recommends strategies with
an explanation, turns measured engagement into the seed's reward, updates the policy and
the strategy memory graph, and re-clusters the audience. Its collaborators come in as
constructor arguments (a session, an embedder, the policy's name), so tests pass a real
SQLite store and a deterministic embedder, and the API and CLI wire the real ones.

Every write goes through :mod:`personae.store.crud`; the caller's
:func:`~personae.store.session_scope` commits. A "creator" is one of the owner's
personas: every method takes its id and answers
:class:`~personae.errors.PersonaNotFoundError` for another owner's, exactly as for a
missing one.

Examples
--------
>>> with session_scope(db) as session:  # doctest: +SKIP
...     service = StrategyService(session=session, owner_id=user.id, embedder=embedder)
...     rec = service.recommend(persona.id)
...     rec.content_brief.instructions
'Write a video post for linkedin about ai, in a witty tone. Schedule it for 09:00 UTC.'
"""

from __future__ import annotations

import logging
import math
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from personae.errors import (
    EmbeddingError,
    EpisodeNotFoundError,
    FeedbackConflictError,
    InputError,
    NotEnoughDataError,
    StrategyNotFoundError,
)
from personae.store import (
    AudienceCluster,
    LearningEpisode,
    Strategy,
    crud,
)
from personae.store._models import utcnow
from personae.strategy._arms import (
    ATTRIBUTES,
    DEFAULT_FORMATS,
    DEFAULT_POSTING_HOURS,
    DEFAULT_TONES,
    MAX_ARMS,
    Arm,
    ArmSet,
    ArmSpace,
)
from personae.strategy._clustering import (
    MIN_MEMBERS,
    audience_features,
    cluster_audience,
    match_clusters,
)
from personae.strategy._context import (
    MAX_CLUSTER_SLOTS,
    Context,
    build_context,
    context_similarity,
)
from personae.strategy._engagement import (
    ContentMetrics,
    content_metrics,
    momentum,
    reward_components,
    validate_rows,
)
from personae.strategy._explain import probability_best, summarise
from personae.strategy._graph import EdgeView, NodeView, rank_next, similar_successful
from personae.strategy._policies import (
    DEFAULT_POLICY,
    POLICY_NAMES,
    LinUCB,
    Policy,
    PolicyName,
    build_policy,
    policy_from_state,
)
from personae.strategy._results import (
    AttributeStats,
    ClusterInfo,
    ContentBrief,
    EpisodeInfo,
    Explanation,
    FeatureContribution,
    FeedbackResult,
    ImportReport,
    NextStrategy,
    PerformanceReport,
    PlatformStats,
    Recommendation,
    RejectedRowInfo,
    RewardPoint,
    SimilarStrategy,
    StrategyArm,
    StrategyStats,
)
from personae.strategy._reward import (
    DEFAULT_WEIGHTS,
    RewardComponents,
    RewardWeights,
    compute_reward,
)
from personae.vectors import Embedder

__all__ = ["IMPORT_CHUNK", "StrategyService"]

_log = logging.getLogger(__name__)

IMPORT_CHUNK = 2000
"""Rows written per step of an import (the progress callback is called after each)."""

_MAX_DEFAULT_TOPICS = 8
_MAX_DEFAULT_PLATFORMS = 5
_MAX_EXTRA_HOURS = 3
_SIMILAR_SHOWN = 3
_ALTERNATIVES_SHOWN = 3
_FEATURES_SHOWN = 5
_SERIES_SHOWN = 100


def _arm_of(node: Strategy) -> Arm:
    return Arm(
        topic=node.topic,
        format=node.format,
        tone=node.tone,
        posting_hour=node.posting_hour,
        platform=node.platform,
    )


def _arm_model(arm: Arm) -> StrategyArm:
    return StrategyArm(
        topic=arm.topic,
        format=arm.format,
        tone=arm.tone,
        posting_hour=arm.posting_hour,
        platform=arm.platform,
    )


_POLICY_NAMES: dict[str, PolicyName] = {name: name for name in POLICY_NAMES}


def _usable(option: str) -> bool:
    """Whether a persona's expertise entry can serve as a topic as it is."""
    try:
        ArmSpace(topics=[option], formats=["text"], tones=["x"], posting_hours=[0])
    except InputError:
        return False
    return True


def _running(old: float | None, value: float, n: int) -> float:
    return value if old is None else old + (value - old) / n


class StrategyService:
    """Strategy learning for the personas ("creators") of one owner.

    Parameters
    ----------
    session
        The unit of work every read and write uses (the caller commits).
    owner_id
        Whose creators these are.
    embedder
        Embeds strategy descriptions for the memory graph; without one, strategies are
        stored without embeddings and similarity queries find nothing.
    policy
        The policy of new decisions (:data:`~personae.strategy.DEFAULT_POLICY`).
    seed
        Seeds the policies' randomness (exploration, sampling, tie-breaks); ``None`` for
        fresh randomness on every call, as a service should.
    clock
        The time of decisions and rewards (timezone-aware UTC).
    """

    def __init__(
        self,
        *,
        session: Session,
        owner_id: int,
        embedder: Embedder | None = None,
        policy: PolicyName = DEFAULT_POLICY,
        seed: int | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.session = session
        self.owner_id = owner_id
        self.embedder = embedder
        self.policy_name: PolicyName = policy
        self.seed = seed
        self.clock = clock

    # -- engagement ----------------------------------------------------------------------

    def import_engagement(
        self,
        creator_id: int,
        rows: Iterable[tuple[int, object]],
        *,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> ImportReport:
        """Validate ``(row number, raw row)`` pairs one by one and store the good ones.

        Idempotent: importing the same rows again changes nothing. ``on_progress(done,
        total)`` is called as rows are written.

        Raises
        ------
        PersonaNotFoundError
            No such creator for this owner.
        """
        crud.get_persona(session=self.session, owner_id=self.owner_id, persona_id=creator_id)
        listed = list(rows)
        good, bad = validate_rows(listed)
        rejected = [RejectedRowInfo(**r.to_json()) for r in bad]
        inserted = updated = unchanged = 0
        for start in range(0, len(good), IMPORT_CHUNK):
            chunk = good[start : start + IMPORT_CHUNK]
            result = crud.upsert_engagement_events(
                session=self.session,
                owner_id=self.owner_id,
                persona_id=creator_id,
                rows=[row.model_dump() for _, row in chunk],
            )
            inserted += result.inserted
            updated += result.updated
            unchanged += result.unchanged
            for index, field, message in result.conflicts:
                number, row = chunk[index]
                rejected.append(
                    RejectedRowInfo(
                        row=number, field=field, message=message, external_id=row.external_id
                    )
                )
            if on_progress is not None:
                on_progress(min(start + IMPORT_CHUNK, len(good)), len(good))
        rejected.sort(key=lambda r: (r.row, r.field or ""))
        return ImportReport(
            creator_id=creator_id,
            received=len(listed),
            inserted=inserted,
            updated=updated,
            unchanged=unchanged,
            rejected=rejected,
        )

    def _metrics(
        self, creator_id: int, *, content_ids: Sequence[str] = ()
    ) -> tuple[list[ContentMetrics], dict[str, Any]]:
        """Content metrics from every snapshot plus every event of ``content_ids``."""
        rows = list(
            crud.engagement_rows(
                session=self.session,
                owner_id=self.owner_id,
                persona_id=creator_id,
                snapshots_only=True,
            )
        )
        if content_ids:
            rows += [
                row
                for row in crud.engagement_rows(
                    session=self.session,
                    owner_id=self.owner_id,
                    persona_id=creator_id,
                    content_ids=content_ids,
                )
                if row.audience_member_id is not None
            ]
        metrics, baselines = content_metrics(rows)
        return metrics, dict(baselines)

    # -- weights and policy state --------------------------------------------------------

    def weights(self, creator_id: int) -> RewardWeights:
        """The creator's reward weights (the defaults until they set their own)."""
        stored = crud.get_reward_weights(
            session=self.session, owner_id=self.owner_id, persona_id=creator_id
        )
        if stored is None:
            return DEFAULT_WEIGHTS
        try:
            return RewardWeights.model_validate(stored)
        except ValueError:  # pragma: no cover - only this class writes the key
            _log.warning(
                "stored reward weights of persona %s are invalid; defaults used", creator_id
            )
            return DEFAULT_WEIGHTS

    def set_weights(self, creator_id: int, weights: RewardWeights) -> RewardWeights:
        """Set the creator's reward weights ``w1..w4`` (future rewards use them)."""
        crud.set_configuration(
            session=self.session,
            owner_id=self.owner_id,
            persona_id=creator_id,
            key=crud.REWARD_WEIGHTS_KEY,
            value=weights.model_dump(),
        )
        return weights

    def _policy(self, creator_id: int, name: PolicyName) -> tuple[Policy, int | None]:
        """The creator's policy as stored (or fresh), and the version that was read."""
        row = crud.get_policy_state(
            session=self.session, owner_id=self.owner_id, persona_id=creator_id, policy=name
        )
        if row is None:
            return build_policy(name, seed=self.seed), None
        try:
            return policy_from_state(row.state, seed=self.seed), row.version
        except ValueError:
            _log.warning(
                "policy state %s of persona %s is unreadable; rebuilt from its episodes",
                name,
                creator_id,
            )
            return self._replay(creator_id, name), row.version

    def _replay(self, creator_id: int, name: PolicyName) -> Policy:
        policy = build_policy(name, seed=self.seed)
        for episode in crud.list_learning_episodes(
            session=self.session,
            owner_id=self.owner_id,
            persona_id=creator_id,
            rewarded=True,
            newest_first=False,
        ):
            if episode.policy != name or episode.reward is None:
                continue
            arm = Arm.from_key(str(episode.action["arm_key"]))
            context = Context.from_json(episode.state["context"])
            policy.update(arm.key, arm.attributes, context, episode.reward)
        return policy

    def rebuild_policy(self, creator_id: int, *, policy: PolicyName | None = None) -> int:
        """Rebuild the creator's policy by replaying its rewarded episodes, oldest first.

        Returns the number of rewards replayed. Use it after changing a policy's
        parameters, or to switch a creator to another policy without losing what was
        measured.
        """
        name = policy or self.policy_name
        crud.get_persona(session=self.session, owner_id=self.owner_id, persona_id=creator_id)
        rebuilt = self._replay(creator_id, name)
        row = crud.get_policy_state(
            session=self.session, owner_id=self.owner_id, persona_id=creator_id, policy=name
        )
        crud.save_policy_state(
            session=self.session,
            owner_id=self.owner_id,
            persona_id=creator_id,
            policy=name,
            state=rebuilt.to_state(),
            expected_version=None if row is None else row.version,
        )
        return rebuilt.updates

    # -- recommendations -----------------------------------------------------------------

    def default_space(self, creator_id: int) -> ArmSpace:
        """The options a creator chooses among when the caller names none: topics from the
        persona's expertise, platforms from its platform personas, hours from the defaults
        and the audience clusters' peak hours, formats from the defaults and the clusters'
        preferred content types."""
        persona = crud.get_persona(
            session=self.session, owner_id=self.owner_id, persona_id=creator_id
        )
        topics = [t for t in persona.expertise if isinstance(t, str) and _usable(t)]
        platforms = [
            p.platform
            for p in crud.list_platform_personas(
                session=self.session, owner_id=self.owner_id, persona_id=creator_id
            )
        ]
        hours = list(DEFAULT_POSTING_HOURS)
        formats = list(DEFAULT_FORMATS)
        clusters = crud.list_audience_clusters(
            session=self.session, owner_id=self.owner_id, persona_id=creator_id
        )
        for cluster in clusters[:_MAX_EXTRA_HOURS]:
            peaks = cluster.characteristics.get("peak_engagement_hours") or []
            if peaks and peaks[0] not in hours:
                hours.append(int(peaks[0]))
            for kind in cluster.characteristics.get("preferred_content_types") or []:
                if kind != "other" and kind not in formats and _usable(str(kind)):
                    formats.append(str(kind))
        topics = topics[:_MAX_DEFAULT_TOPICS] or ["general"]
        platforms = platforms[:_MAX_DEFAULT_PLATFORMS] or ["linkedin"]
        # Stay within MAX_ARMS whatever the persona holds: fewer topics first.
        fixed = len(formats) * len(DEFAULT_TONES) * len(hours) * len(platforms)
        while len(topics) > 1 and len(topics) * fixed > MAX_ARMS:
            topics.pop()
        return ArmSpace(
            topics=topics,
            formats=formats,
            tones=DEFAULT_TONES,
            posting_hours=sorted(hours),
            platforms=platforms,
        )

    def _context(
        self, creator_id: int, cluster_id: int | None, when: datetime
    ) -> tuple[Context, AudienceCluster | None]:
        cluster: AudienceCluster | None = None
        if cluster_id is not None:
            cluster = crud.get_audience_cluster(
                session=self.session,
                owner_id=self.owner_id,
                persona_id=creator_id,
                cluster_id=cluster_id,
            )
        else:
            largest = crud.list_audience_clusters(
                session=self.session, owner_id=self.owner_id, persona_id=creator_id, limit=1
            )
            cluster = largest[0] if largest else None
        metrics, _ = self._metrics(creator_id)
        context = build_context(
            when=when,
            cluster_slot=cluster.slot if cluster is not None else None,
            momentum=momentum(metrics),
        )
        return context, cluster

    def _nodes(self, creator_id: int) -> list[Strategy]:
        return crud.list_strategies(
            session=self.session, owner_id=self.owner_id, persona_id=creator_id
        )

    def _node_view(self, node: Strategy) -> NodeView:
        embedding = None
        if (
            node.embedding is not None
            and self.embedder is not None
            and node.embedding_model == self.embedder.name
        ):
            embedding = np.asarray(node.embedding, dtype=np.float32)
        return NodeView(
            id=node.id, embedding=embedding, success_score=node.success_score, rewards=node.rewards
        )

    def _ensure_embedding(self, node: Strategy) -> None:
        if self.embedder is None:
            return
        if node.embedding is not None and node.embedding_model == self.embedder.name:
            return
        try:
            vector = self.embedder.embed([node.description])[0]
        except EmbeddingError as exc:
            # A recommendation does not need the embedding; the explanation's similar
            # strategies will be missing until the embedder works again.
            _log.warning("strategy %s not embedded: %s", node.id, exc.message)
            return
        crud.update_strategy(
            session=self.session,
            owner_id=self.owner_id,
            strategy_id=node.id,
            changes={
                "embedding": [round(float(v), 7) for v in vector],
                "embedding_model": self.embedder.name,
            },
        )

    def recommend(
        self,
        creator_id: int,
        *,
        space: ArmSpace | None = None,
        cluster_id: int | None = None,
        policy: PolicyName | None = None,
        when: datetime | None = None,
    ) -> Recommendation:
        """Choose the strategy to play now, record the decision, and explain it.

        Parameters
        ----------
        space
            The options to choose among (:meth:`default_space` when ``None``).
        cluster_id
            The audience cluster the content is for (the largest when ``None``).
        policy
            Overrides the service's policy for this decision.
        when
            The decision's time (the clock's now): the weekend is part of the context.

        Raises
        ------
        PersonaNotFoundError
            No such creator for this owner.
        ClusterNotFoundError
            ``cluster_id`` is not one of the creator's clusters.
        InputError
            The options make no strategy, or too many.
        """
        name: PolicyName = policy or self.policy_name
        space = space or self.default_space(creator_id)
        crud.get_persona(session=self.session, owner_id=self.owner_id, persona_id=creator_id)
        arms = space.arms()
        decided_at = when or self.clock()
        context, cluster = self._context(creator_id, cluster_id, decided_at)
        learner, _ = self._policy(creator_id, name)
        choice = learner.select(arms, context)
        arm = arms[choice.index]
        node = crud.get_or_create_strategy(
            session=self.session,
            owner_id=self.owner_id,
            persona_id=creator_id,
            arm_key=arm.key,
            topic=arm.topic,
            format=arm.format,
            tone=arm.tone,
            posting_hour=arm.posting_hour,
            platform=arm.platform,
            description=arm.describe(),
        )
        self._ensure_embedding(node)
        cluster_ids = list(node.audience_cluster_ids or [])
        if cluster is not None and cluster.id not in cluster_ids:
            cluster_ids.append(cluster.id)
        crud.update_strategy(
            session=self.session,
            owner_id=self.owner_id,
            strategy_id=node.id,
            changes={"pulls": node.pulls + 1, "audience_cluster_ids": cluster_ids},
        )
        explanation = self._explain(creator_id, learner, arms, context, choice, node)
        audience = None
        if cluster is not None:
            peaks = cluster.characteristics.get("peak_engagement_hours") or []
            kinds = cluster.characteristics.get("preferred_content_types") or []
            audience = (
                f"audience cluster {cluster.id} ({cluster.size} members; most active at "
                f"{', '.join(f'{h:02d}:00' for h in peaks) or 'unknown hours'} UTC; prefers "
                f"{', '.join(kinds) or 'no content type in particular'})"
            )
        brief = ContentBrief(**arm.content_brief(audience=audience))
        state = {
            "context": context.to_json(),
            "audience_cluster_id": cluster.id if cluster is not None else None,
            "decided_at": decided_at.isoformat(),
            "candidates": len(arms),
        }
        action = {
            "strategy_id": node.id,
            "arm_key": arm.key,
            "policy": name,
            "estimated_reward": explanation.estimated_reward,
            "uncertainty": explanation.uncertainty,
            "confidence": explanation.confidence,
            "explored": explanation.explored,
            "content_brief": brief.model_dump(),
            "explanation": explanation.model_dump(mode="json"),
        }
        episode = crud.add_learning_episode(
            session=self.session,
            owner_id=self.owner_id,
            persona_id=creator_id,
            strategy_id=node.id,
            policy=name,
            state=state,
            action=action,
            timestamp=decided_at,
        )
        return self._recommendation(episode, node)

    def _explain(
        self,
        creator_id: int,
        learner: Policy,
        arms: ArmSet,
        context: Context,
        choice: Any,
        node: Strategy,
    ) -> Explanation:
        index = choice.index
        mean = choice.mean
        sd = choice.sd
        estimate = float(mean[index])
        uncertainty = float(sd[index])
        confidence = probability_best(mean, sd, index)
        features: list[FeatureContribution] = []
        if isinstance(learner, LinUCB):
            features = [
                FeatureContribution(feature=name, contribution=round(value, 6))
                for name, value in learner.contributions(arms[index].attributes, context)[
                    :_FEATURES_SHOWN
                ]
                if value != 0.0
            ]
        similar: list[SimilarStrategy] = []
        view = self._node_view(node)
        if view.embedding is not None:
            nodes = self._nodes(creator_id)
            by_id = {n.id: n for n in nodes}
            for found, score in similar_successful(
                view.embedding,
                [self._node_view(n) for n in nodes],
                k=_SIMILAR_SHOWN,
                exclude=node.id,
            ):
                similar.append(
                    SimilarStrategy(
                        strategy_id=found.id,
                        description=by_id[found.id].description,
                        similarity=round(score, 6),
                        success_score=found.success_score,
                        rewards=found.rewards,
                    )
                )
        order = [int(i) for i in np.argsort(-mean, kind="stable") if int(i) != index]
        alternatives = [
            {
                "strategy": _arm_model(arms[i]).model_dump(),
                "estimated_reward": round(float(mean[i]), 6),
                "uncertainty": round(float(sd[i]), 6),
            }
            for i in order[:_ALTERNATIVES_SHOWN]
        ]
        summary = summarise(
            policy=learner.name,
            description=node.description,
            estimate=estimate,
            uncertainty=uncertainty,
            confidence=confidence,
            explored=choice.explored,
            observations=learner.updates,
            candidates=len(arms),
            top_feature=(
                f"{features[0].feature} ({features[0].contribution:+.3f})" if features else None
            ),
            similar=(similar[0].description, similar[0].success_score) if similar else None,
        )
        return Explanation(
            summary=summary,
            estimated_reward=round(estimate, 6),
            uncertainty=round(uncertainty, 6),
            confidence=round(confidence, 4),
            explored=choice.explored,
            candidates=len(arms),
            observations=learner.updates,
            top_features=features,
            similar_strategies=similar,
            alternatives=alternatives,
        )

    def _recommendation(self, episode: LearningEpisode, node: Strategy) -> Recommendation:
        action = episode.action
        explanation = Explanation.model_validate(action["explanation"])
        return Recommendation(
            strategy_id=node.id,
            episode_id=episode.id,
            creator_id=episode.persona_id,
            policy=episode.policy,
            strategy=_arm_model(_arm_of(node)),
            description=node.description,
            content_brief=ContentBrief.model_validate(action["content_brief"]),
            estimated_reward=explanation.estimated_reward,
            uncertainty=explanation.uncertainty,
            confidence=explanation.confidence,
            explanation=explanation,
            context={k: float(v) for k, v in episode.state["context"].items()},
            audience_cluster_id=episode.state.get("audience_cluster_id"),
            decided_at=episode.timestamp,
        )

    def current(self, creator_id: int) -> Recommendation:
        """The creator's latest recommendation.

        Raises
        ------
        PersonaNotFoundError
            No such creator for this owner.
        StrategyNotFoundError
            No strategy was recommended to this creator yet.
        """
        crud.get_persona(session=self.session, owner_id=self.owner_id, persona_id=creator_id)
        latest = crud.list_learning_episodes(
            session=self.session, owner_id=self.owner_id, persona_id=creator_id, limit=1
        )
        if not latest:
            raise StrategyNotFoundError(
                "no strategy has been recommended to this creator yet; generate one first",
                creator_id=creator_id,
            )
        episode = latest[0]
        node = crud.get_strategy(
            session=self.session, owner_id=self.owner_id, strategy_id=episode.strategy_id
        )
        return self._recommendation(episode, node)

    # -- feedback ------------------------------------------------------------------------

    def feedback(
        self,
        strategy_id: int,
        *,
        episode_id: int | None = None,
        components: RewardComponents | None = None,
        content_ids: Sequence[str] | None = None,
    ) -> FeedbackResult:
        """Reward a decision and learn from it.

        The reward inputs are ``components`` as given, or else measured from the stored
        engagement of ``content_ids``, or else of the content tagged with this strategy
        (``strategy_id`` on its engagement rows). The decision is ``episode_id``, or the
        newest one of this strategy still waiting for its reward.

        Raises
        ------
        StrategyNotFoundError
            No such strategy for this owner.
        EpisodeNotFoundError
            No such decision of this strategy, or none waiting for a reward.
        NotEnoughDataError
            No engagement with a reach to compute the reward from.
        FeedbackConflictError
            The decision already has its reward, or the policy changed meanwhile.
        """
        node = crud.get_strategy(
            session=self.session, owner_id=self.owner_id, strategy_id=strategy_id
        )
        creator_id = node.persona_id
        if episode_id is not None:
            episode = crud.get_learning_episode(
                session=self.session, owner_id=self.owner_id, episode_id=episode_id
            )
            if episode.strategy_id != strategy_id:
                raise EpisodeNotFoundError(
                    f"learning episode {episode_id} is not a decision for strategy {strategy_id}",
                    episode_id=episode_id,
                )
        else:
            found = crud.latest_open_episode(
                session=self.session, owner_id=self.owner_id, strategy_id=strategy_id
            )
            if found is None:
                raise EpisodeNotFoundError(
                    f"strategy {strategy_id} has no decision waiting for its reward; "
                    "rewards follow recommendations (generate one first)",
                    strategy_id=strategy_id,
                )
            episode = found
        if episode.reward is not None:  # checked again, atomically, when it is recorded
            raise FeedbackConflictError(
                f"learning episode {episode.id} already has its reward", episode_id=episode.id
            )
        if components is None:
            components = self._measured(creator_id, strategy_id, content_ids)
        weights = self.weights(creator_id)
        reward = compute_reward(components, weights)
        name = _POLICY_NAMES.get(episode.policy)
        if name is None:  # pragma: no cover - episodes are written by recommend only
            raise InputError(f"episode {episode.id} was decided by an unknown policy")
        learner, version = self._policy(creator_id, name)
        arm = _arm_of(node)
        context = Context.from_json(episode.state["context"])
        learner.update(arm.key, arm.attributes, context, reward)
        crud.save_policy_state(
            session=self.session,
            owner_id=self.owner_id,
            persona_id=creator_id,
            policy=name,
            state=learner.to_state(),
            expected_version=version,
        )
        # The state the reward was observed in: same audience, the time and momentum now.
        next_state = {
            "context": build_context(
                when=self.clock(),
                cluster_slot=self._slot(context),
                momentum=momentum(self._metrics(creator_id)[0]),
            ).to_json(),
            "rewarded_at": self.clock().isoformat(),
        }
        recorded = crud.complete_learning_episode(
            session=self.session,
            owner_id=self.owner_id,
            episode_id=episode.id,
            reward=reward,
            components={**components.model_dump(), "weights": weights.model_dump()},
            next_state=next_state,
        )
        node = self._record_performance(node, components, reward)
        self._record_transition(recorded)
        return FeedbackResult(
            episode_id=recorded.id,
            strategy_id=node.id,
            creator_id=creator_id,
            policy=name,
            reward=reward,
            components=components,
            weights=weights,
            success_score=node.success_score,
            rewards=node.rewards,
            policy_updates=learner.updates,
        )

    @staticmethod
    def _slot(context: Context) -> int | None:
        for name in context.features:
            if name.startswith("cluster:"):
                return int(name.split(":", 1)[1])
        return None

    def _measured(
        self, creator_id: int, strategy_id: int, content_ids: Sequence[str] | None
    ) -> RewardComponents:
        if content_ids:
            wanted = set(content_ids)
        else:
            wanted = {
                row.content_id
                for row in crud.engagement_rows(
                    session=self.session,
                    owner_id=self.owner_id,
                    persona_id=creator_id,
                    strategy_id=strategy_id,
                )
            }
        if not wanted:
            raise NotEnoughDataError(
                f"no engagement is tagged with strategy {strategy_id}; import it with "
                "strategy_id set, name its content_ids, or send the reward inputs",
                strategy_id=strategy_id,
            )
        metrics, _ = self._metrics(creator_id, content_ids=sorted(wanted))
        pieces = [m for m in metrics if m.content_id in wanted]
        if not pieces:
            raise NotEnoughDataError(
                "none of these content ids has engagement stored for this creator",
                content_ids=sorted(wanted)[:20],
            )
        try:
            return reward_components(pieces)
        except InputError as exc:
            raise NotEnoughDataError(exc.message, strategy_id=strategy_id) from exc

    def _record_performance(
        self, node: Strategy, components: RewardComponents, reward: float
    ) -> Strategy:
        n = node.rewards + 1
        performance = dict(node.performance or {})
        for name, value in components.model_dump().items():
            performance[name] = _running(performance.get(name), float(value), n)
        performance["mean_reward"] = _running(node.success_score, reward, n)
        performance["last_reward"] = reward
        performance["last_rewarded_at"] = self.clock().isoformat()
        return crud.update_strategy(
            session=self.session,
            owner_id=self.owner_id,
            strategy_id=node.id,
            changes={
                "rewards": n,
                "success_score": performance["mean_reward"],
                "performance": performance,
            },
        )

    def _record_transition(self, episode: LearningEpisode) -> None:
        """Link the previous rewarded decision's strategy to this one in the graph."""
        previous = [
            e
            for e in crud.list_learning_episodes(
                session=self.session,
                owner_id=self.owner_id,
                persona_id=episode.persona_id,
                rewarded=True,
            )
            if e.id != episode.id and (e.timestamp, e.id) < (episode.timestamp, episode.id)
        ]
        if not previous or episode.reward is None:
            return
        before = previous[0]
        if before.reward is None:  # pragma: no cover - listed as rewarded
            return
        crud.record_strategy_transition(
            session=self.session,
            owner_id=self.owner_id,
            persona_id=episode.persona_id,
            from_strategy_id=before.strategy_id,
            to_strategy_id=episode.strategy_id,
            context_similarity=context_similarity(
                before.state.get("context", {}), episode.state.get("context", {})
            ),
            performance_improvement=episode.reward - before.reward,
        )

    # -- graph queries -------------------------------------------------------------------

    def similar_strategies(
        self, creator_id: int, query: str, *, k: int = 5, successful_only: bool = True
    ) -> list[SimilarStrategy]:
        """The creator's past strategies most similar to ``query`` (a context or a
        strategy described in words), among the successful ones unless told otherwise.

        Raises
        ------
        InputError
            No embedder is configured, or the query is empty.
        """
        if self.embedder is None:
            raise InputError("similarity search needs an embedder; none is configured")
        if not query.strip():
            raise InputError("the query is empty")
        nodes = self._nodes(creator_id)
        for node in nodes:
            self._ensure_embedding(node)
        vector = np.asarray(self.embedder.embed([query])[0], dtype=np.float32)
        by_id = {n.id: n for n in nodes}
        return [
            SimilarStrategy(
                strategy_id=found.id,
                description=by_id[found.id].description,
                similarity=round(score, 6),
                success_score=found.success_score,
                rewards=found.rewards,
            )
            for found, score in similar_successful(
                vector,
                [self._node_view(n) for n in nodes],
                k=k,
                successful_only=successful_only,
            )
        ]

    def best_next(self, strategy_id: int, *, k: int = 3) -> list[NextStrategy]:
        """Where to go after ``strategy_id``: its graph transitions, best predicted
        reward first; without any, the most similar successful strategies.

        Raises
        ------
        StrategyNotFoundError
            No such strategy for this owner.
        """
        source = crud.get_strategy(
            session=self.session, owner_id=self.owner_id, strategy_id=strategy_id
        )
        nodes = {n.id: n for n in self._nodes(source.persona_id)}
        views = {i: self._node_view(n) for i, n in nodes.items()}
        edges = [
            EdgeView(
                to_id=e.to_strategy_id,
                transitions=e.transitions,
                transition_probability=e.transition_probability,
                context_similarity=e.context_similarity,
                performance_improvement=e.performance_improvement,
            )
            for e in crud.list_strategy_edges(
                session=self.session,
                owner_id=self.owner_id,
                persona_id=source.persona_id,
                from_strategy_id=strategy_id,
            )
        ]
        out = [
            NextStrategy(
                strategy_id=edge.to_id,
                description=nodes[edge.to_id].description,
                predicted_reward=predicted,
                transition_probability=edge.transition_probability,
                transitions=edge.transitions,
                performance_improvement=edge.performance_improvement,
                context_similarity=edge.context_similarity,
                source="transition",
            )
            for edge, predicted in rank_next(views[strategy_id], edges, views, k=k)
        ]
        query = views[strategy_id].embedding
        if len(out) < k and query is not None:
            taken = {item.strategy_id for item in out} | {strategy_id}
            for found, _ in similar_successful(
                query,
                [v for i, v in views.items() if i not in taken],
                k=k - len(out),
            ):
                out.append(
                    NextStrategy(
                        strategy_id=found.id,
                        description=nodes[found.id].description,
                        predicted_reward=found.success_score,
                        transition_probability=None,
                        transitions=0,
                        performance_improvement=None,
                        context_similarity=None,
                        source="similar",
                    )
                )
        return out

    # -- audience ------------------------------------------------------------------------

    def recluster(self, creator_id: int, *, k: int | None = None) -> list[ClusterInfo]:
        """Cluster the creator's audience again (seed 003's two stages), keeping the
        identity (id and policy slot) of every cluster whose members stayed.

        Raises
        ------
        PersonaNotFoundError
            No such creator for this owner.
        NotEnoughDataError
            Fewer than :data:`~personae.strategy.MIN_MEMBERS` audience members are known.
        """
        rows = crud.engagement_rows(
            session=self.session, owner_id=self.owner_id, persona_id=creator_id, members_only=True
        )
        try:
            features = audience_features(rows)
        except InputError as exc:
            raise NotEnoughDataError(exc.message, needed=MIN_MEMBERS) from exc
        metrics, _ = self._metrics(creator_id)
        rates = {
            (m.platform, m.content_id): m.engagement_rate
            for m in metrics
            if m.engagement_rate is not None
        }
        result = cluster_audience(features, k=k, content_rates=rates, seed=0)
        old = crud.list_audience_clusters(
            session=self.session, owner_id=self.owner_id, persona_id=creator_id
        )
        matches = match_clusters(
            [(row.id, frozenset(row.members)) for row in old],
            [frozenset(c.members) for c in result.clusters],
        )
        old_slots = {row.id: row.slot for row in old}
        used = {old_slots[m] for m in matches if m is not None and old_slots[m] is not None}
        free = [s for s in range(MAX_CLUSTER_SLOTS) if s not in used]
        entries = []
        for cluster, match in zip(result.clusters, matches, strict=True):
            slot = old_slots[match] if match is not None else (free.pop(0) if free else None)
            entries.append(
                {
                    "id": match,
                    "slot": slot,
                    "size": cluster.size,
                    "embedding": cluster.embedding,
                    "members": list(cluster.members),
                    "characteristics": {
                        "peak_engagement_hours": cluster.peak_engagement_hours,
                        "preferred_content_types": cluster.preferred_content_types,
                        "avg_engagement_rate": cluster.avg_engagement_rate,
                        "size": cluster.size,
                        "segment": cluster.segment,
                        "feature_names": list(result.feature_names),
                        **cluster.characteristics,
                    },
                }
            )
        rows_out = crud.replace_audience_clusters(
            session=self.session, owner_id=self.owner_id, persona_id=creator_id, clusters=entries
        )
        return [self.cluster_info(row) for row in rows_out]

    @staticmethod
    def cluster_info(row: AudienceCluster) -> ClusterInfo:
        c = row.characteristics
        return ClusterInfo(
            id=row.id,
            creator_id=row.persona_id,
            slot=row.slot,
            size=row.size,
            peak_engagement_hours=list(c.get("peak_engagement_hours") or []),
            preferred_content_types=list(c.get("preferred_content_types") or []),
            avg_engagement_rate=c.get("avg_engagement_rate"),
            embedding=list(row.embedding),
            characteristics={
                key: value
                for key, value in c.items()
                if key
                not in {
                    "peak_engagement_hours",
                    "preferred_content_types",
                    "avg_engagement_rate",
                    "size",
                }
            },
            updated_at=row.updated_at,
        )

    @staticmethod
    def episode_info(row: LearningEpisode) -> EpisodeInfo:
        return EpisodeInfo(
            id=row.id,
            creator_id=row.persona_id,
            strategy_id=row.strategy_id,
            policy=row.policy,
            state=row.state,
            action=row.action,
            reward=row.reward,
            reward_components=row.reward_components,
            next_state=row.next_state,
            timestamp=row.timestamp,
            rewarded_at=row.rewarded_at,
        )

    # -- performance ---------------------------------------------------------------------

    def performance(self, creator_id: int) -> PerformanceReport:
        """How the creator's strategies did, what the policy learned, engagement per
        platform against its baseline.

        Raises
        ------
        PersonaNotFoundError
            No such creator for this owner.
        """
        crud.get_persona(session=self.session, owner_id=self.owner_id, persona_id=creator_id)
        episodes = crud.list_learning_episodes(
            session=self.session,
            owner_id=self.owner_id,
            persona_id=creator_id,
            newest_first=False,
        )
        rewarded = [e for e in episodes if e.reward is not None]
        rewards = [float(e.reward) for e in rewarded if e.reward is not None]
        series: list[RewardPoint] = []
        total = 0.0
        for n, episode in enumerate(rewarded, start=1):
            reward = float(episode.reward or 0.0)
            total += reward
            series.append(
                RewardPoint(
                    episode_id=episode.id,
                    strategy_id=episode.strategy_id,
                    decided_at=episode.timestamp,
                    reward=reward,
                    running_mean=total / n,
                )
            )
        by_value: dict[tuple[str, str], list[float]] = defaultdict(list)
        for episode in rewarded:
            arm = Arm.from_key(str(episode.action.get("arm_key", "")))
            for dimension, value in zip(ATTRIBUTES, arm.values, strict=True):
                by_value[(dimension, value)].append(float(episode.reward or 0.0))
        nodes = [n for n in self._nodes(creator_id) if n.rewards > 0]
        nodes.sort(key=lambda n: (-(n.success_score or 0.0), n.id))
        metrics, baselines = self._metrics(creator_id)
        per_platform: dict[str, list[ContentMetrics]] = defaultdict(list)
        for m in metrics:
            per_platform[m.platform].append(m)

        def mean(values: list[float]) -> float | None:
            finite = [v for v in values if math.isfinite(v)]
            return statistics.fmean(finite) if finite else None

        platforms = [
            PlatformStats(
                platform=platform,
                content_count=len(pieces),
                baseline_engagement_rate=baselines[platform].rate,
                prior_engagement_rate=baselines[platform].prior,
                measured_median_engagement_rate=baselines[platform].measured_median,
                mean_normalised_engagement_rate=mean(
                    [
                        p.normalised_engagement_rate
                        for p in pieces
                        if p.normalised_engagement_rate is not None
                    ]
                ),
                mean_reach_velocity=mean(
                    [p.reach_velocity for p in pieces if p.reach_velocity is not None]
                ),
                mean_reach_growth=mean(
                    [p.reach_growth for p in pieces if p.reach_growth is not None]
                ),
            )
            for platform, pieces in sorted(per_platform.items())
            if platform in baselines
        ]
        learner, _ = self._policy(creator_id, self.policy_name)
        return PerformanceReport(
            creator_id=creator_id,
            policy=self.policy_name,
            policy_updates=learner.updates,
            weights=self.weights(creator_id),
            episodes=len(episodes),
            rewarded_episodes=len(rewarded),
            mean_reward=mean(rewards),
            recent_mean_reward=mean(rewards[-10:]),
            first_mean_reward=mean(rewards[:10]),
            rewards=series[-_SERIES_SHOWN:],
            best_strategies=[
                StrategyStats(
                    strategy_id=n.id,
                    description=n.description,
                    strategy=_arm_model(_arm_of(n)),
                    success_score=n.success_score,
                    rewards=n.rewards,
                    pulls=n.pulls,
                    performance=n.performance,
                )
                for n in nodes[:10]
            ],
            by_attribute=[
                AttributeStats(
                    dimension=dimension,
                    value=value,
                    count=len(values),
                    mean_reward=statistics.fmean(values),
                )
                for (dimension, value), values in sorted(by_value.items())
            ],
            platforms=platforms,
            engagement_events=crud.count_engagement_events(
                session=self.session, owner_id=self.owner_id, persona_id=creator_id
            ),
            audience_clusters=crud.count_audience_clusters(
                session=self.session, owner_id=self.owner_id, persona_id=creator_id
            ),
        )
