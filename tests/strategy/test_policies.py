"""The bandit policies: each learns the best arm, LinUCB learns context, state round-trips."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import numpy as np
import pytest

from personae.strategy import (
    POLICY_NAMES,
    ArmSpace,
    Context,
    EpsilonGreedy,
    LinUCB,
    PolicyName,
    ThompsonSampling,
    build_context,
    build_policy,
    policy_from_state,
    probability_best,
)

MONDAY = datetime(2026, 1, 5, 9, tzinfo=UTC)
SATURDAY = datetime(2026, 1, 10, 9, tzinfo=UTC)
LEARNERS: list[PolicyName] = ["epsilon_greedy", "thompson", "linucb"]


def _easy_space() -> ArmSpace:
    return ArmSpace(
        topics=["ai", "cooking"],
        formats=["text", "video"],
        tones=["calm"],
        posting_hours=[9, 18],
        platforms=["linkedin"],
    )


def _true_reward(key: str) -> float:
    # Video about AI at 9:00 is clearly best; everything else is worse by >= 0.5.
    reward = 1.0
    reward += 0.6 if "format=video" in key else 0.0
    reward += 0.5 if "topic=ai" in key else 0.0
    reward += 0.5 if "hour=9" in key else 0.0
    return reward


@pytest.mark.parametrize("name", LEARNERS)
def test_each_policy_learns_the_best_arm_on_an_easy_problem(name: PolicyName) -> None:
    arms = _easy_space().arms()
    best = max(arms.keys, key=_true_reward)
    policy = build_policy(name, seed=1)
    noise = np.random.default_rng(2)
    context = build_context(when=MONDAY)
    picks = []
    for _ in range(400):
        choice = policy.select(arms, context)
        arm = arms[choice.index]
        picks.append(arm.key)
        policy.update(
            arm.key, arm.attributes, context, _true_reward(arm.key) + noise.normal(0, 0.2)
        )
    late = picks[-100:]
    assert late.count(best) >= 70, (name, late.count(best))
    mean, _ = policy.estimate(arms, context)
    assert arms.keys[int(np.argmax(mean))] == best


def test_random_policy_does_not_learn() -> None:
    arms = _easy_space().arms()
    policy = build_policy("random", seed=0)
    context = build_context(when=MONDAY)
    picks = {arms[policy.select(arms, context).index].key for _ in range(200)}
    assert len(picks) == len(arms)


def test_linucb_learns_that_the_best_arm_depends_on_the_context() -> None:
    space = ArmSpace(
        topics=["ai"], formats=["text", "video"], tones=["calm"], posting_hours=[9], platforms=["x"]
    )
    arms = space.arms()
    weekday, weekend = build_context(when=MONDAY), build_context(when=SATURDAY)
    policy = LinUCB(seed=0)
    noise = np.random.default_rng(0)
    for step in range(300):
        context = weekend if step % 2 else weekday
        choice = policy.select(arms, context)
        arm = arms[choice.index]
        best_format = "video" if context is weekend else "text"
        reward = (1.5 if arm.format == best_format else 1.0) + noise.normal(0, 0.1)
        policy.update(arm.key, arm.attributes, context, reward)
    for context, expected in ((weekday, "text"), (weekend, "video")):
        mean, _ = policy.estimate(arms, context)
        assert arms[int(np.argmax(mean))].format == expected


def test_linucb_uncertainty_shrinks_where_it_has_data() -> None:
    arms = _easy_space().arms()
    context = build_context(when=MONDAY)
    policy = LinUCB(seed=0)
    _, before = policy.estimate(arms, context)
    played = arms[0]
    for _ in range(20):
        policy.update(played.key, played.attributes, context, 1.0)
    _, after = policy.estimate(arms, context)
    assert after[0] < before[0] / 2
    assert after[0] == after.min()


@pytest.mark.parametrize("name", POLICY_NAMES)
def test_state_survives_a_json_round_trip(name: PolicyName) -> None:
    arms = _easy_space().arms()
    contexts = [build_context(when=MONDAY, cluster_slot=1), build_context(when=SATURDAY)]
    policy = build_policy(name, seed=3)
    noise = np.random.default_rng(4)
    for step in range(60):
        context = contexts[step % 2]
        arm = arms[policy.select(arms, context).index]
        policy.update(arm.key, arm.attributes, context, _true_reward(arm.key) + noise.normal())
    state = json.loads(json.dumps(policy.to_state()))  # what the store keeps
    restored = policy_from_state(state, seed=9)
    assert restored.updates == policy.updates == 60
    for context in contexts:
        mean, sd = policy.estimate(arms, context)
        mean2, sd2 = restored.estimate(arms, context)
        np.testing.assert_allclose(mean2, mean, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(sd2, sd, rtol=1e-9, atol=1e-12)
    # Same seed, same state: the same decisions.
    again = policy_from_state(state, seed=9)
    assert [restored.select(arms, contexts[0]).index for _ in range(5)] == [
        again.select(arms, contexts[0]).index for _ in range(5)
    ]


@pytest.mark.parametrize(
    "state",
    [
        {},
        {"format": 99, "policy": "linucb", "params": {}, "updates": 0, "model": {}},
        {"format": 1, "policy": "nope", "params": {}, "updates": 0, "model": {}},
        {"format": 1, "policy": "linucb", "params": {}, "updates": 1, "model": {"names": ["a"]}},
        {
            "format": 1,
            "policy": "thompson",
            "params": {},
            "updates": 1,
            "model": {"keys": ["a"], "count": {"dtype": "float64", "shape": [2], "data": "AA=="}},
        },
    ],
)
def test_corrupt_state_is_a_value_error(state: dict[str, object]) -> None:
    with pytest.raises(ValueError, match=r"policy state|unknown|encoded|match"):
        policy_from_state(state)


def test_epsilon_decays_with_rewards_to_its_floor() -> None:
    policy = EpsilonGreedy(epsilon=0.5, decay=0.9, min_epsilon=0.05)
    assert policy.current_epsilon == 0.5
    arm = _easy_space().arms()[0]
    for _ in range(10):
        policy.update(arm.key, arm.attributes, Context(), 1.0)
    assert policy.current_epsilon == pytest.approx(0.5 * 0.9**10)
    for _ in range(100):
        policy.update(arm.key, arm.attributes, Context(), 1.0)
    assert policy.current_epsilon == 0.05


def test_thompson_expects_an_untried_arm_to_be_average() -> None:
    arms = _easy_space().arms()
    policy = ThompsonSampling(seed=0)
    for _ in range(10):
        policy.update(arms[0].key, arms[0].attributes, Context(), 2.0)
    mean, sd = policy.estimate(arms, Context())
    assert mean[1] == pytest.approx(2.0)  # the prior mean is the mean reward seen
    assert sd[1] > sd[0]


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"epsilon": 2.0}, "epsilon_greedy"),
        ({"alpha": -1.0}, "linucb"),
        ({"prior_scale": 0}, "thompson"),
    ],
)
def test_bad_parameters_are_refused(kwargs: dict[str, float], name: PolicyName) -> None:
    with pytest.raises(ValueError, match=r"need|positive"):
        build_policy(name, **kwargs)


def test_probability_best() -> None:
    mean = np.array([1.0, 0.9, 0.0])
    sd = np.array([0.05, 0.05, 0.05])
    assert probability_best(mean, sd, 0) > 0.85
    assert probability_best(mean, sd, 2) == 0.0
    assert probability_best(np.array([0.0, 0.0]), np.array([1.0, 1.0]), 0) == pytest.approx(
        0.5, abs=0.06
    )
