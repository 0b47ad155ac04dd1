"""Reports: audience clusters, episodes and performance.

Part of :class:`~personae.strategy.StrategyService` (see :mod:`personae.strategy._service`).
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict

from personae.errors import InputError, NotEnoughDataError
from personae.store import AudienceCluster, LearningEpisode, crud
from personae.strategy._arms import ATTRIBUTES, Arm
from personae.strategy._clustering import (
    MIN_MEMBERS,
    audience_features,
    cluster_audience,
    match_clusters,
)
from personae.strategy._context import MAX_CLUSTER_SLOTS
from personae.strategy._engagement import ContentMetrics
from personae.strategy._queries import _GraphQueries
from personae.strategy._results import (
    AttributeStats,
    ClusterInfo,
    EpisodeInfo,
    PerformanceReport,
    PlatformStats,
    RewardPoint,
    StrategyStats,
)
from personae.strategy._service_base import _SERIES_SHOWN, _arm_model, _arm_of

__all__: list[str] = []


class _Reports(_GraphQueries):
    """Reports: audience clusters, episodes and performance."""

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

    def clusters(
        self, creator_id: int, *, offset: int = 0, limit: int | None = None
    ) -> tuple[list[ClusterInfo], int]:
        """The creator's audience clusters, largest first (one page), and how many in all."""
        crud.get_persona(session=self.session, owner_id=self.owner_id, persona_id=creator_id)
        rows = crud.list_audience_clusters(
            session=self.session,
            owner_id=self.owner_id,
            persona_id=creator_id,
            offset=offset,
            limit=limit,
        )
        total = crud.count_audience_clusters(
            session=self.session, owner_id=self.owner_id, persona_id=creator_id
        )
        return [self.cluster_info(row) for row in rows], total

    def episodes(
        self,
        creator_id: int,
        *,
        offset: int = 0,
        limit: int | None = None,
        rewarded: bool | None = None,
    ) -> tuple[list[EpisodeInfo], int]:
        """The creator's learning episodes, newest first (one page; only rewarded or open
        ones when ``rewarded`` says), and how many in all."""
        crud.get_persona(session=self.session, owner_id=self.owner_id, persona_id=creator_id)
        rows = crud.list_learning_episodes(
            session=self.session,
            owner_id=self.owner_id,
            persona_id=creator_id,
            offset=offset,
            limit=limit,
            rewarded=rewarded,
        )
        total = crud.count_learning_episodes(
            session=self.session, owner_id=self.owner_id, persona_id=creator_id, rewarded=rewarded
        )
        return [self.episode_info(row) for row in rows], total

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
