"""Recommending: the arm space, the policy's decision, its explanation.

Part of :class:`~personae.strategy.StrategyService` (see :mod:`personae.strategy._service`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import numpy as np

from personae.errors import EmbeddingError, StrategyNotFoundError
from personae.store import AudienceCluster, LearningEpisode, Strategy, crud
from personae.strategy._arms import (
    DEFAULT_FORMATS,
    DEFAULT_POSTING_HOURS,
    DEFAULT_TONES,
    MAX_ARMS,
    ArmSet,
    ArmSpace,
)
from personae.strategy._context import Context, build_context
from personae.strategy._engagement import momentum
from personae.strategy._explain import probability_best, summarise
from personae.strategy._graph import NodeView, similar_successful
from personae.strategy._learn import _Learn
from personae.strategy._policies import LinUCB, Policy, PolicyName
from personae.strategy._results import (
    ContentBrief,
    Explanation,
    FeatureContribution,
    Recommendation,
    SimilarStrategy,
)
from personae.strategy._service_base import (
    _ALTERNATIVES_SHOWN,
    _FEATURES_SHOWN,
    _MAX_DEFAULT_PLATFORMS,
    _MAX_DEFAULT_TOPICS,
    _MAX_EXTRA_HOURS,
    _SIMILAR_SHOWN,
    _arm_model,
    _arm_of,
    _log,
    _usable,
)

__all__: list[str] = []


class _Recommend(_Learn):
    """Recommending: the arm space, the policy's decision, its explanation."""

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

    def space_for(
        self,
        creator_id: int,
        *,
        topics: Sequence[str] | None = None,
        formats: Sequence[str] | None = None,
        tones: Sequence[str] | None = None,
        posting_hours: Sequence[int] | None = None,
        platforms: Sequence[str] | None = None,
    ) -> ArmSpace:
        """The options to choose among: those given, the rest from
        :meth:`default_space` (what ``POST /api/v1/strategy/generate`` and ``personae
        strategy recommend`` take)."""
        space = self.default_space(creator_id)
        return ArmSpace(
            topics=topics or space.topics,
            formats=formats or space.formats,
            tones=tones or space.tones,
            posting_hours=posting_hours or space.posting_hours,
            platforms=platforms or space.platforms,
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
