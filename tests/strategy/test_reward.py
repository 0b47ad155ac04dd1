"""Seed 003's reward: the arithmetic, the weights, and what bad inputs get."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from personae.strategy import DEFAULT_WEIGHTS, RewardComponents, RewardWeights, compute_reward


@pytest.mark.parametrize(
    ("components", "weights", "expected"),
    [
        # w1*er + w2*growth + w3*conv - w4*cost, term by term.
        ((1.0, 0.0, 0.0, 0.0), (2.0, 0.0, 0.0, 0.0), 2.0),
        ((0.0, 0.5, 0.0, 0.0), (0.0, 3.0, 0.0, 0.0), 1.5),
        ((0.0, 0.0, 0.1, 0.0), (0.0, 0.0, 4.0, 0.0), 0.4),
        ((0.0, 0.0, 0.0, 2.0), (0.0, 0.0, 0.0, 0.25), -0.5),
        ((1.2, -0.5, 0.02, 3.0), (1.0, 0.5, 5.0, 0.1), 1.2 - 0.25 + 0.1 - 0.3),
    ],
)
def test_reward_is_the_seeds_weighted_sum(
    components: tuple[float, float, float, float],
    weights: tuple[float, float, float, float],
    expected: float,
) -> None:
    er, growth, conv, cost = components
    w1, w2, w3, w4 = weights
    value = compute_reward(
        RewardComponents(
            engagement_rate=er, reach_growth=growth, conversion_rate=conv, content_cost=cost
        ),
        RewardWeights(w1=w1, w2=w2, w3=w3, w4=w4),
    )
    assert value == pytest.approx(expected)


def test_cost_lowers_the_reward_and_defaults_apply() -> None:
    cheap = RewardComponents(engagement_rate=1.0, content_cost=0.0)
    costly = RewardComponents(engagement_rate=1.0, content_cost=5.0)
    assert compute_reward(costly) == pytest.approx(compute_reward(cheap) - 5.0 * DEFAULT_WEIGHTS.w4)
    assert compute_reward(cheap) == pytest.approx(DEFAULT_WEIGHTS.w1)


@pytest.mark.parametrize(
    "fields",
    [
        {"engagement_rate": -0.1},
        {"engagement_rate": float("nan")},
        {"engagement_rate": 1.0, "conversion_rate": 1.5},
        {"engagement_rate": 1.0, "reach_growth": -2.0},
        {"engagement_rate": 1.0, "content_cost": -1.0},
        {"engagement_rate": 1.0, "surprise": 1.0},
    ],
)
def test_bad_components_are_refused(fields: dict[str, float]) -> None:
    with pytest.raises(ValidationError):
        RewardComponents(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize("fields", [{"w1": -1.0}, {"w4": float("inf")}, {"w5": 1.0}])
def test_bad_weights_are_refused(fields: dict[str, float]) -> None:
    with pytest.raises(ValidationError):
        RewardWeights(**fields)  # type: ignore[arg-type]
