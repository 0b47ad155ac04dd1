"""Learning: reward weights, policy state, and the feedback that rewards a decision.

Part of :class:`~personae.strategy.StrategyService` (see :mod:`personae.strategy._service`).
"""

from __future__ import annotations

from collections.abc import Sequence

from personae.errors import (
    EpisodeNotFoundError,
    FeedbackConflictError,
    InputError,
    NotEnoughDataError,
)
from personae.store import LearningEpisode, Strategy, crud
from personae.strategy._arms import Arm
from personae.strategy._context import Context, build_context, context_similarity
from personae.strategy._engagement import momentum, reward_components
from personae.strategy._ingest import _Ingest
from personae.strategy._policies import Policy, PolicyName, build_policy, policy_from_state
from personae.strategy._results import FeedbackResult
from personae.strategy._reward import (
    DEFAULT_WEIGHTS,
    RewardComponents,
    RewardWeights,
    compute_reward,
)
from personae.strategy._service_base import _POLICY_NAMES, _arm_of, _log, _running

__all__: list[str] = []


class _Learn(_Ingest):
    """Learning: reward weights, policy state, and the feedback that rewards a decision."""

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
