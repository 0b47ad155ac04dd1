"""Graph queries: strategies similar to one, and the best next ones.

Part of :class:`~personae.strategy.StrategyService` (see :mod:`personae.strategy._service`).
"""

from __future__ import annotations

import numpy as np

from personae.errors import InputError
from personae.store import crud
from personae.strategy._graph import EdgeView, rank_next, similar_successful
from personae.strategy._recommend import _Recommend
from personae.strategy._results import NextStrategy, SimilarStrategy

__all__: list[str] = []


class _GraphQueries(_Recommend):
    """Graph queries: strategies similar to one, and the best next ones."""

    # -- graph queries -------------------------------------------------------------------

    def similar_strategies(
        self, creator_id: int, query: str, *, k: int = 5, successful_only: bool = True
    ) -> list[SimilarStrategy]:
        """The creator's past strategies most similar to ``query`` (a context or a
        strategy described in words), among the successful ones unless told otherwise.

        Raises
        ------
        PersonaNotFoundError
            No such creator for this owner.
        InputError
            No embedder is configured, or the query is empty.
        """
        crud.get_persona(session=self.session, owner_id=self.owner_id, persona_id=creator_id)
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
