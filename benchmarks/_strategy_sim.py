"""A simulator of creators for the strategy benchmark: hidden rewards, noisy engagement.

Each :class:`SimCreator` has a hidden true reward function over strategies (topic ×
format × tone × posting hour × platform) and contexts (audience cluster, weekend,
momentum). Engagement is drawn around it with noise, turned into the seed's reward
inputs and scored with personae's own :func:`~personae.strategy.compute_reward`, so the
policies learn from the same numbers the service would give them.

The truth is *not* the LinUCB model: it has an arm-specific residual and topic × format
interactions that LinUCB's ``context × attribute`` features cannot represent, and the
engagement noise is multiplicative (log-normal), not Gaussian.

Audiences with planted segments (:func:`planted_audience`) exercise the clustering: each
segment has its own active hours, days, preferred content types and interaction depth.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import numpy as np

from personae.strategy import (
    ArmSpace,
    Context,
    RewardComponents,
    RewardWeights,
    build_context,
    compute_reward,
)

__all__ = ["SimCreator", "planted_audience"]

TOPICS = ("ai", "careers", "productivity", "startups")
FORMATS = ("text", "image", "video")
TONES = ("informative", "conversational", "witty")
HOURS = (8, 12, 17, 20)
PLATFORMS = ("linkedin", "instagram")
COST = {"text": 0.5, "image": 1.0, "video": 3.0}
_START = datetime(2026, 1, 5, tzinfo=UTC)  # a Monday


@dataclass
class SimCreator:
    """One creator with a hidden reward function; ``seed`` fixes both truth and noise."""

    seed: int
    clusters: int = 3
    noise: float = 0.35
    weights: RewardWeights = field(default_factory=RewardWeights)

    def __post_init__(self) -> None:
        rng = np.random.default_rng(10_000 + self.seed)
        self.rng = np.random.default_rng(self.seed)
        self.space = ArmSpace(
            topics=TOPICS, formats=FORMATS, tones=TONES, posting_hours=HOURS, platforms=PLATFORMS
        )
        self.arms = self.space.arms()
        index = {
            "topic": {v: i for i, v in enumerate(TOPICS)},
            "format": {v: i for i, v in enumerate(FORMATS)},
            "tone": {v: i for i, v in enumerate(TONES)},
            "hour": {v: i for i, v in enumerate(HOURS)},
            "platform": {v: i for i, v in enumerate(PLATFORMS)},
        }
        arm_idx = np.array(
            [
                [
                    index["topic"][a.topic],
                    index["format"][a.format],
                    index["tone"][a.tone],
                    index["hour"][a.posting_hour],
                    index["platform"][a.platform],
                ]
                for a in self.arms
            ]
        )
        t, f, o, h, p = arm_idx.T
        # Main effects on the normalised engagement rate.
        main = (
            rng.normal(0, 0.15, len(TOPICS))[t]
            + rng.normal(0, 0.15, len(FORMATS))[f]
            + rng.normal(0, 0.10, len(TONES))[o]
            + rng.normal(0, 0.15, len(HOURS))[h]
            + rng.normal(0, 0.10, len(PLATFORMS))[p]
        )
        # What LinUCB cannot represent: topic × format and a residual per arm.
        main += rng.normal(0, 0.08, (len(TOPICS), len(FORMATS)))[t, f]
        main += rng.normal(0, 0.05, len(self.arms))
        # Each audience cluster has its own taste in format, tone and hour.
        by_cluster = (
            rng.normal(0, 0.25, (self.clusters, len(FORMATS)))[:, f]
            + rng.normal(0, 0.15, (self.clusters, len(TONES)))[:, o]
            + rng.normal(0, 0.25, (self.clusters, len(HOURS)))[:, h]
        )
        weekend = rng.normal(0, 0.2, len(HOURS))[h]
        self._engagement = np.stack(
            [np.stack([1.0 + main + c, 1.0 + main + c + weekend]) for c in by_cluster]
        )  # (cluster, weekend, arm)
        self._engagement = np.maximum(self._engagement, 0.05)
        self._growth = rng.normal(0, 0.1, len(PLATFORMS))[p] + rng.normal(0, 0.08, len(HOURS))[h]
        self._momentum_growth = rng.normal(0, 0.3, len(PLATFORMS))[p]
        self._conversion = np.clip(0.02 + rng.normal(0, 0.01, len(TOPICS))[t], 0.0, 1.0)
        self._cost = np.array([COST[a.format] for a in self.arms])
        self.cluster_weights = rng.dirichlet(np.full(self.clusters, 3.0))
        self.round = 0

    def context(self) -> tuple[Context, tuple[int, int, float]]:
        """The next decision's context (and its raw parts, for the truth)."""
        when = _START + timedelta(days=int(self.rng.integers(7)), hours=int(self.round % 24))
        self.round += 1
        cluster = int(self.rng.choice(self.clusters, p=self.cluster_weights))
        momentum = float(np.clip(self.rng.normal(0, 0.3), -1, 1))
        context = build_context(when=when, cluster_slot=cluster, momentum=momentum)
        return context, (cluster, int(when.weekday() >= 5), momentum)

    def expected_rewards(self, parts: tuple[int, int, float]) -> np.ndarray:
        """The true expected reward of every arm in this context (hidden from policies)."""
        cluster, weekend, momentum = parts
        w = self.weights
        growth = self._growth + momentum * self._momentum_growth
        return (
            w.w1 * self._engagement[cluster, weekend]
            + w.w2 * growth
            + w.w3 * self._conversion
            - w.w4 * self._cost
        )

    def observe(self, arm: int, parts: tuple[int, int, float]) -> float:
        """A noisy reward of playing ``arm``: engagement drawn, then the seed's formula."""
        cluster, weekend, momentum = parts
        sigma = self.noise
        rate = self._engagement[cluster, weekend, arm] * float(
            np.exp(self.rng.normal(-sigma * sigma / 2, sigma))
        )
        growth = self._growth[arm] + momentum * self._momentum_growth[arm]
        growth = max(-1.0, growth + float(self.rng.normal(0, 0.2)))
        reach = 2000
        conversions = int(self.rng.binomial(reach, self._conversion[arm]))
        components = RewardComponents(
            engagement_rate=rate,
            reach_growth=growth,
            conversion_rate=conversions / reach,
            content_cost=float(self._cost[arm]),
        )
        return compute_reward(components, self.weights)


def planted_audience(
    *,
    members: int,
    events: int,
    segments: int,
    seed: int = 0,
) -> tuple[list[SimpleNamespace], dict[str, int]]:
    """Engagement events from an audience with ``segments`` planted segments.

    Returns the events (objects with the fields of a stored engagement row) and each
    member's true segment. Segments differ in their peak hour (spread around the clock,
    with a 1.5-hour spread), weekend habit, preferred content type and interaction depth
    (likes only, or comments, shares and saves); every member draws from their segment's
    distributions, so members of one segment still differ.
    """
    rng = np.random.default_rng(seed)
    types = ("text", "image", "video", "carousel")
    actions = ("likes", "comments", "shares", "saves")
    # Peak hours spread around the clock (a segment is a different habit, not the same
    # habit an hour later), in a random order.
    peaks = rng.permutation((int(rng.integers(24)) + np.arange(segments) * 24 // segments) % 24)
    weekend_share = rng.uniform(0.05, 0.6, segments)
    type_pref = rng.dirichlet(np.full(len(types), 0.4), size=segments)
    depth = rng.dirichlet(np.full(len(actions), 0.6), size=segments)
    truth = rng.integers(segments, size=members)
    member_of_event = rng.integers(members, size=events)
    segment = truth[member_of_event]
    hour = (peaks[segment] + np.round(rng.normal(0, 1.5, events)).astype(int)) % 24
    weekend = rng.random(events) < weekend_share[segment]
    day = np.where(weekend, rng.integers(5, 7, events), rng.integers(0, 5, events))
    week = rng.integers(0, 8, events)
    kind = (rng.random(events)[:, None] > np.cumsum(type_pref, axis=1)[segment]).sum(axis=1)
    action = (rng.random(events)[:, None] > np.cumsum(depth, axis=1)[segment]).sum(axis=1)
    kind = np.minimum(kind, len(types) - 1)
    action = np.minimum(action, len(actions) - 1)
    content = rng.integers(0, 200, events)
    base = datetime(2026, 1, 5, tzinfo=UTC)
    rows: list[SimpleNamespace] = []
    for i in range(events):
        counts = dict.fromkeys(actions, 0)
        counts[actions[action[i]]] = 1
        rows.append(
            SimpleNamespace(
                external_id=f"e{i}",
                content_id=f"c{content[i]}",
                platform="linkedin",
                content_type=types[kind[i]],
                occurred_at=base
                + timedelta(weeks=int(week[i]), days=int(day[i]), hours=int(hour[i])),
                published_at=None,
                audience_member_id=f"m{member_of_event[i]}",
                strategy_id=None,
                content_cost=None,
                impressions=0,
                reach=0,
                clicks=0,
                conversions=0,
                **counts,
            )
        )
    return rows, {f"m{m}": int(truth[m]) for m in range(members)}
