"""Test doubles shared by several test packages."""

from __future__ import annotations


class FakeClock:
    """A monotonic clock that moves only when told: expiry and back-off without sleeping."""

    def __init__(self, start: float = 1_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
