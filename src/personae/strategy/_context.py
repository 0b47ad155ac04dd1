"""The decision context LinUCB conditions on: creator state, audience cluster, time.

A :class:`Context` is a small mapping of named features. Names, not positions, so a
feature that appears later (a new audience cluster) extends the model instead of
shifting every other feature; zero-valued features are left out.

- ``bias``: always 1 (the arm's effect whatever the context).
- ``weekend``: 1 on Saturday and Sunday (UTC): audiences behave differently then.
- ``cluster:<slot>``: 1 for the audience cluster the content targets (slots are the
  stable identities kept by re-clustering, at most :data:`MAX_CLUSTER_SLOTS`).
- ``momentum``: the creator's recent reach growth, clipped to -1..1, the one creator
  feature that changes from decision to decision (a growing account reacts differently).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

__all__ = ["MAX_CLUSTER_SLOTS", "Context", "build_context", "context_similarity"]

MAX_CLUSTER_SLOTS = 8
"""Audience clusters that get a context feature of their own; others count as none."""


@dataclass(frozen=True, slots=True)
class Context:
    """Named context features (zero ones omitted); ``bias`` is always present."""

    features: Mapping[str, float] = field(default_factory=lambda: {"bias": 1.0})

    def __post_init__(self) -> None:
        cleaned = {"bias": 1.0}
        for name, value in self.features.items():
            number = float(value)
            if not math.isfinite(number):
                raise ValueError(f"context feature {name!r} is not finite")
            if name != "bias" and number != 0.0:
                cleaned[name] = number
        object.__setattr__(self, "features", cleaned)

    def to_json(self) -> dict[str, float]:
        return dict(self.features)

    @classmethod
    def from_json(cls, data: Mapping[str, float]) -> Context:
        return cls(dict(data))


def build_context(
    *, when: datetime, cluster_slot: int | None = None, momentum: float = 0.0
) -> Context:
    """The context of a decision made at ``when`` for the audience in ``cluster_slot``.

    Examples
    --------
    >>> from datetime import UTC, datetime
    >>> build_context(when=datetime(2026, 1, 3, tzinfo=UTC), cluster_slot=1).features
    {'bias': 1.0, 'weekend': 1.0, 'cluster:1': 1.0}
    """
    features: dict[str, float] = {"bias": 1.0}
    if when.weekday() >= 5:
        features["weekend"] = 1.0
    if cluster_slot is not None and 0 <= cluster_slot < MAX_CLUSTER_SLOTS:
        features[f"cluster:{cluster_slot}"] = 1.0
    if math.isfinite(momentum):
        features["momentum"] = round(max(-1.0, min(1.0, momentum)), 6)
    return Context(features)


def context_similarity(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """Cosine similarity of two contexts' features (1: the same situation)."""
    dot = sum(value * b.get(name, 0.0) for name, value in a.items())
    norm_a = math.sqrt(sum(v * v for v in a.values()))
    norm_b = math.sqrt(sum(v * v for v in b.values()))
    if norm_a == 0.0 or norm_b == 0.0:
        return 0.0
    return dot / (norm_a * norm_b)
