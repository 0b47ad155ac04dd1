"""Confidence and explanations of a recommendation.

Confidence is the probability that the chosen strategy is the best candidate, if each
candidate's reward were normal with the policy's estimate and uncertainty: what a
person means by "how sure are you?". It is computed by Monte Carlo on the plausible
contenders only (those whose optimistic estimate reaches the best pessimistic one),
with a fixed seed so that the same state explains itself the same way.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["probability_best", "summarise"]

_DRAWS = 1024
_CONTENDERS = 64


def probability_best(
    mean: npt.NDArray[np.float64], sd: npt.NDArray[np.float64], index: int
) -> float:
    """Probability that candidate ``index`` has the highest reward.

    Examples
    --------
    >>> round(probability_best(np.array([1.0, 0.0]), np.array([0.01, 0.01]), 0), 3)
    1.0
    """
    if mean.size == 1:
        return 1.0
    sd = np.maximum(sd, 1e-9)
    floor = float(np.max(mean - 3.0 * sd))
    contenders = np.flatnonzero(mean + 3.0 * sd >= floor)
    if index not in contenders:
        return 0.0
    if contenders.size > _CONTENDERS:
        optimistic = mean[contenders] + sd[contenders]
        keep = contenders[np.argsort(-optimistic, kind="stable")[:_CONTENDERS]]
        contenders = np.union1d(keep, [index])
    rng = np.random.default_rng(0)
    draws = mean[contenders] + sd[contenders] * rng.standard_normal((_DRAWS, contenders.size))
    winners = contenders[np.argmax(draws, axis=1)]
    return float(np.mean(winners == index))


def summarise(
    *,
    policy: str,
    description: str,
    estimate: float,
    uncertainty: float,
    confidence: float,
    explored: bool,
    observations: int,
    candidates: int,
    top_feature: str | None,
    similar: tuple[str, float | None] | None,
) -> str:
    """One paragraph a person reads: what was chosen, why, and how sure the policy is."""
    why = "to learn more about it (exploration)" if explored else "as the best current estimate"
    parts = [
        f"{description} Chosen by {policy} among {candidates} candidate strategies {why}: "
        f"estimated reward {estimate:.3f} ± {uncertainty:.3f}, "
        f"{confidence:.0%} likely to be the best, after {observations} measured "
        f"result{'s' if observations != 1 else ''}."
    ]
    if observations == 0:
        parts.append("Nothing has been measured yet, so every estimate is a prior.")
    if top_feature:
        parts.append(f"The strongest learned effect behind it: {top_feature}.")
    if similar is not None:
        text, score = similar
        scored = f" (mean reward {score:.3f})" if score is not None else ""
        parts.append(f"The most similar successful past strategy: {text}{scored}")
    return " ".join(parts)
