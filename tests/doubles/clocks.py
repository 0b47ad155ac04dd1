"""Clocks that move only when told: expiry, back-off and time to live without sleeping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

__all__ = ["Clock", "FakeClock"]


class FakeClock:
    """A monotonic clock that moves only when told: expiry and back-off without sleeping."""

    def __init__(self, start: float = 1_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class Clock:
    """A settable wall clock, timezone-aware (what services take as ``clock``)."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 1, 1, 12, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)
