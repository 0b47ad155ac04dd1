"""The reward, exactly as seed 003 writes it, with weights each creator may set::

    reward = w1 * engagement_rate + w2 * reach_growth + w3 * conversion_rate - w4 * content_cost

What goes in (see :mod:`personae.strategy._engagement`):

- ``engagement_rate``: interactions per reach, **divided by the platform's baseline**, so
  1.0 is "typical for this platform" and a LinkedIn post is not punished for LinkedIn's
  lower rates than Instagram's (the seed's "engagement rate normalisation across platforms").
  The baseline is the platform's fixed prior, not the creator's running median, so a
  post's reward does not depend on what else was measured before it.
- ``reach_growth``: the relative change of this content's reach against the creator's
  earlier content on the platform (0.5 = half as much reach again).
- ``conversion_rate``: conversions per reach, as measured (0..1).
- ``content_cost``: what the content cost to make, in the creator's own unit (hours,
  money, effort points); 0 when not given.

The default weights make each term's typical size comparable: a normalised engagement
rate is about 1, growth a few tenths, a conversion rate a few hundredths (so ``w3`` is
larger), and a cost is whatever unit the creator picks (so ``w4`` is small).
"""

from __future__ import annotations

import math

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["DEFAULT_WEIGHTS", "RewardComponents", "RewardWeights", "compute_reward"]


class RewardWeights(BaseModel):
    """The creator's weights ``w1..w4`` (non-negative; the cost term is subtracted)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    w1: float = Field(
        default=1.0,
        ge=0.0,
        le=1000.0,
        allow_inf_nan=False,
        description="Weight of the normalised engagement rate.",
    )
    w2: float = Field(
        default=0.5, ge=0.0, le=1000.0, allow_inf_nan=False, description="Weight of reach growth."
    )
    w3: float = Field(
        default=5.0,
        ge=0.0,
        le=1000.0,
        allow_inf_nan=False,
        description="Weight of the conversion rate.",
    )
    w4: float = Field(
        default=0.1,
        ge=0.0,
        le=1000.0,
        allow_inf_nan=False,
        description="Weight of the content cost (subtracted).",
    )


DEFAULT_WEIGHTS = RewardWeights()
"""The weights of a creator who has not set their own."""


class RewardComponents(BaseModel):
    """The four measured inputs of the reward for one piece (or batch) of content."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    engagement_rate: float = Field(
        ge=0.0,
        le=1e6,
        allow_inf_nan=False,
        description="Engagement rate divided by the platform baseline (1 = typical).",
    )
    reach_growth: float = Field(
        default=0.0,
        ge=-1.0,
        le=1e6,
        allow_inf_nan=False,
        description="Relative change of reach against earlier content (-1..).",
    )
    conversion_rate: float = Field(
        default=0.0,
        ge=0.0,
        le=1.0,
        allow_inf_nan=False,
        description="Conversions per reach (0..1).",
    )
    content_cost: float = Field(
        default=0.0,
        ge=0.0,
        le=1e9,
        allow_inf_nan=False,
        description="What the content cost to make, in the creator's unit.",
    )


def compute_reward(components: RewardComponents, weights: RewardWeights = DEFAULT_WEIGHTS) -> float:
    """Seed 003's reward of one decision.

    ``w1*engagement_rate + w2*reach_growth + w3*conversion_rate - w4*content_cost``.

    Examples
    --------
    >>> c = RewardComponents(engagement_rate=1.2, reach_growth=0.5, conversion_rate=0.02,
    ...                      content_cost=2.0)
    >>> round(compute_reward(c, RewardWeights(w1=1, w2=0.5, w3=5, w4=0.1)), 6)
    1.25
    """
    value = (
        weights.w1 * components.engagement_rate
        + weights.w2 * components.reach_growth
        + weights.w3 * components.conversion_rate
        - weights.w4 * components.content_cost
    )
    if not math.isfinite(value):  # pragma: no cover - bounded inputs keep it finite
        raise ValueError("reward is not finite")
    return value
