"""Exponential back-off with jitter for transient provider failures."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

__all__ = ["RetryPolicy"]


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently a failed model request is sent again.

    Only rate limits, connection failures, overloaded servers and (for remote providers)
    timeouts are retried; anything else would fail again the same way. The wait before
    retry ``n`` (0-based) is drawn uniformly from the upper half of
    ``min(max_delay, base_delay * 2**n)`` ("equal jitter": workers that failed together
    spread out, yet none retries at once), and never less than the provider's
    ``Retry-After`` hint, itself capped at ``max_delay``.

    Parameters
    ----------
    max_retries
        Retries after the first attempt; 0 sends every request once.
    base_delay
        The first wait's ceiling, in seconds.
    max_delay
        The ceiling of any wait, in seconds.
    """

    max_retries: int = 2
    base_delay: float = 0.5
    max_delay: float = 30.0

    def __post_init__(self) -> None:
        if self.max_retries < 0:
            raise ValueError("max_retries cannot be negative")
        if not (math.isfinite(self.base_delay) and self.base_delay >= 0):
            raise ValueError("base_delay must be a finite number of seconds, at least 0")
        if not (math.isfinite(self.max_delay) and self.max_delay >= self.base_delay):
            raise ValueError("max_delay must be finite and at least base_delay")

    def delay(self, retry: int, *, retry_after: float | None, rng: random.Random) -> float:
        """Seconds to wait before retry number ``retry`` (0 for the first retry)."""
        ceiling = min(self.max_delay, self.base_delay * 2.0 ** min(retry, 62))
        wait = rng.uniform(ceiling / 2.0, ceiling)
        if retry_after is not None and math.isfinite(retry_after) and retry_after > 0:
            wait = max(wait, min(retry_after, self.max_delay))
        return wait
