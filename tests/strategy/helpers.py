"""Helpers for the strategy tests: a deterministic embedder and synthetic engagement."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

__all__ = ["planted_audience", "snapshot_rows"]


def planted_audience(
    *, members: int, events_per_member: int, segments: int, seed: int = 0
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Interaction rows of an audience with ``segments`` planted segments, and the truth.

    Segments differ in peak hour (spread around the clock), weekend habit, preferred
    content type and interaction (likes vs comments vs shares).
    """
    rng = np.random.default_rng(seed)
    types = ("text", "image", "video")
    actions = ("likes", "comments", "shares")
    base = datetime(2026, 1, 5, tzinfo=UTC)  # a Monday
    rows: list[dict[str, Any]] = []
    truth: dict[str, int] = {}
    for m in range(members):
        segment = m % segments
        truth[f"m{m}"] = segment
        peak = (segment * 24) // segments
        for e in range(events_per_member):
            weekend = rng.random() < (0.8 if segment % 2 else 0.05)
            day = int(rng.integers(5, 7)) if weekend else int(rng.integers(0, 5))
            hour = (peak + round(rng.normal(0, 1.0))) % 24
            kind = types[segment % 3] if rng.random() < 0.8 else types[int(rng.integers(3))]
            action = actions[segment % 3] if rng.random() < 0.8 else "likes"
            when = base + timedelta(weeks=int(rng.integers(4)), days=day, hours=hour)
            rows.append(
                {
                    "external_id": f"i-{m}-{e}",
                    "content_id": f"post-{int(rng.integers(10))}",
                    "platform": "linkedin",
                    "content_type": kind,
                    "occurred_at": when.isoformat(),
                    "audience_member_id": f"m{m}",
                    action: 1,
                }
            )
    return rows, truth


def snapshot_rows(
    *,
    content_id: str,
    reach: int,
    interactions: int,
    published: datetime,
    platform: str = "linkedin",
    conversions: int = 0,
    strategy_id: int | None = None,
    external_id: str | None = None,
) -> dict[str, Any]:
    """One counters snapshot of a content piece, a day after it was published."""
    row: dict[str, Any] = {
        "external_id": external_id or f"snap-{platform}-{content_id}",
        "content_id": content_id,
        "platform": platform,
        "published_at": published.isoformat(),
        "occurred_at": (published + timedelta(days=1)).isoformat(),
        "likes": interactions,
        "reach": reach,
        "impressions": reach * 2,
        "conversions": conversions,
    }
    if strategy_id is not None:
        row["strategy_id"] = strategy_id
    return row
