"""The strategy memory graph's queries, on plain arrays (the store holds the graph).

Nodes are a creator's strategies: the embedding of their description and how they did
(``success_score``, the mean reward; ``rewards``, how many it rests on). Edges are
transitions between strategies played one after the other, with the share of
transitions out of their source (``transition_probability``), how alike the two
decisions' contexts were, and the mean change of reward.

- :func:`similar_successful`: nodes whose description is close to a query (a context
  described in words, or another strategy), among those that did at least as well as
  the creator's median strategy.
- :func:`rank_next`: where to go from a strategy. Each edge predicts the reward after
  the transition (source's score + the edge's mean improvement), shrunk toward the
  target's own score when the edge rests on few transitions.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["EdgeView", "NodeView", "rank_next", "similar_successful"]

_SHRINK_TRANSITIONS = 2.0


@dataclass(frozen=True, slots=True)
class NodeView:
    """What the queries read of a strategy node."""

    id: int
    embedding: npt.NDArray[np.float32] | None
    success_score: float | None
    rewards: int


@dataclass(frozen=True, slots=True)
class EdgeView:
    """What the queries read of an edge."""

    to_id: int
    transitions: int
    transition_probability: float
    context_similarity: float
    performance_improvement: float


def similar_successful(
    query: npt.NDArray[np.float32],
    nodes: Sequence[NodeView],
    *,
    k: int = 5,
    exclude: int | None = None,
    successful_only: bool = True,
) -> list[tuple[NodeView, float]]:
    """The ``k`` nodes most similar to ``query`` (cosine), best first.

    With ``successful_only``, only nodes with a reward and a ``success_score`` at least
    the median of the rewarded nodes count as successful.
    """
    candidates = [n for n in nodes if n.embedding is not None and n.id != exclude]
    if successful_only:
        scored = [n.success_score for n in nodes if n.rewards > 0 and n.success_score is not None]
        if not scored:
            return []
        median = statistics.median(scored)
        candidates = [
            n
            for n in candidates
            if n.rewards > 0 and n.success_score is not None and n.success_score >= median
        ]
    if not candidates:
        return []
    matrix = np.stack([np.asarray(n.embedding, dtype=np.float32) for n in candidates])
    norms = np.linalg.norm(matrix, axis=1) * float(np.linalg.norm(query))
    sims = matrix @ np.asarray(query, dtype=np.float32) / np.where(norms > 0, norms, 1.0)
    order = np.argsort(-sims, kind="stable")[:k]
    return [(candidates[i], float(sims[i])) for i in order]


def rank_next(
    source: NodeView, edges: Sequence[EdgeView], targets: dict[int, NodeView], *, k: int = 3
) -> list[tuple[EdgeView, float | None]]:
    """Edges out of ``source``, best predicted reward first (``None``: nothing to go on)."""
    ranked: list[tuple[EdgeView, float | None]] = []
    for edge in edges:
        target = targets.get(edge.to_id)
        via_edge = (
            source.success_score + edge.performance_improvement
            if source.success_score is not None
            else None
        )
        own = target.success_score if target is not None else None
        if via_edge is None:
            predicted = own
        elif own is None:
            predicted = via_edge
        else:
            n = float(edge.transitions)
            predicted = (n * via_edge + _SHRINK_TRANSITIONS * own) / (n + _SHRINK_TRANSITIONS)
        ranked.append((edge, predicted))
    ranked.sort(
        key=lambda item: (
            item[1] is None,
            -(item[1] or 0.0),
            -item[0].transition_probability,
            item[0].to_id,
        )
    )
    return ranked[:k]
